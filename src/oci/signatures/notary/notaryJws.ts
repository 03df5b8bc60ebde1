import { HEADER, headerProblem, NOTARY_ALGORITHMS, type NotaryAlgorithm, type Parsed, rfc3339 } from './notaryEnvelope';
import { isJsonObject } from '../../jsonObject';
import { shownValue } from '../../validate/shownValue';

/**
 * A JWS envelope (signature-envelope-jws.md): the flattened JSON serialization `{payload, protected, header:
 * {x5c, io.cncf.notary.signingAgent, io.cncf.notary.timestampSignature}, signature}`; the protected header holds
 * `alg`, `cty`, `crit` and the Notary Project's signed attributes. What is signed is `protected.payload`, the two
 * base64url texts as the envelope has them.
 */
export function parseJws(bytes: Buffer): Parsed {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { malformed: `not JSON (${(err as Error).message})` };
  }
  if (!isJsonObject(doc)) return { malformed: 'not a JSON object' };
  for (const f of ['payload', 'protected', 'signature'] as const) if (typeof doc[f] !== 'string') return { malformed: `${f}: expected a string (the flattened JWS JSON serialization)` };
  const payload = base64url(doc.payload as string);
  const protectedBytes = base64url(doc.protected as string);
  const signature = base64url(doc.signature as string);
  if (!payload || !protectedBytes || !signature) return { malformed: 'payload, protected or signature: not base64url' };
  let h: unknown;
  try {
    h = JSON.parse(protectedBytes.toString('utf8'));
  } catch (err) {
    return { malformed: `protected: not JSON (${(err as Error).message})` };
  }
  if (!isJsonObject(h)) return { malformed: 'protected: not a JSON object' };
  const header = doc.header;
  if (!isJsonObject(header)) return { malformed: 'header: expected an object (the unprotected header with x5c)' };
  const x5c = header.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0) return { malformed: 'header.x5c: expected a certificate chain' };
  const certificates: Buffer[] = [];
  for (const [i, c] of x5c.entries()) {
    // x5c is standard base64 of each DER certificate (RFC 7515 4.1.6), not base64url.
    if (typeof c !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(c) || c.length % 4 !== 0) return { malformed: `header.x5c[${i}]: not base64` };
    certificates.push(Buffer.from(c, 'base64'));
  }
  if (h.alg === undefined) return { malformed: `protected.alg: missing (one of ${NOTARY_ALGORITHMS.join(', ')})` };
  if (typeof h.alg !== 'string' || !(NOTARY_ALGORITHMS as readonly string[]).includes(h.alg)) return { malformed: `protected.alg: ${shownValue(h.alg)} is none of ${NOTARY_ALGORITHMS.join(', ')}` };
  if (typeof h.cty !== 'string') return { malformed: 'protected.cty: expected a string' };
  if (typeof h[HEADER.signingScheme] !== 'string') return { malformed: `protected["${HEADER.signingScheme}"]: expected a string` };
  if (h.crit !== undefined && (!Array.isArray(h.crit) || !h.crit.every((c) => typeof c === 'string'))) return { malformed: 'protected.crit: expected an array of strings' };
  const times: { signingTime?: Date; authenticSigningTime?: Date; expiry?: Date } = {};
  for (const k of ['signingTime', 'authenticSigningTime', 'expiry'] as const) {
    const name = HEADER[k];
    if (h[name] === undefined) continue;
    const at = rfc3339(h[name], `protected["${name}"]`);
    if (typeof at === 'string') return { malformed: at };
    times[k] = at;
  }
  const agent = header[HEADER.signingAgent];
  const timestamp = header[HEADER.timestampSignature];
  // Go decodes it as a []byte, strict standard base64 (null or "" is none): Node's decoder would skip what is not
  // base64 and read a damaged text as the token it was.
  if (timestamp !== undefined && timestamp !== null && timestamp !== '' && (typeof timestamp !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(timestamp) || timestamp.length % 4 !== 0)) {
    return { malformed: `header["${HEADER.timestampSignature}"]: not base64 (the timestamp token's DER in standard base64)` };
  }
  const parsed = {
    envelope: 'jws' as const,
    alg: h.alg as NotaryAlgorithm,
    signingInput: Buffer.from(`${doc.protected as string}.${doc.payload as string}`, 'ascii'),
    signature,
    payload,
    contentType: h.cty,
    signingScheme: h[HEADER.signingScheme] as string,
    ...times,
    certificates,
    ...(typeof agent === 'string' ? { signingAgent: agent } : {}),
    // Standard base64 of the token's DER, as x5c's certificates (notation-core-go's jws header).
    ...(typeof timestamp === 'string' && timestamp !== '' ? { timestampToken: Buffer.from(timestamp, 'base64') } : {}),
  };
  const crit = h.crit as string[] | undefined;
  const problem = headerProblem({ ...parsed, critical: crit }, (name) => Object.hasOwn(h, name));
  if (problem) return { malformed: `protected: ${problem}` };
  return { ...parsed, critical: crit! };
}

/** base64url without padding, strictly (RFC 7515 2): undefined for any other text. */
function base64url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64url');
}
