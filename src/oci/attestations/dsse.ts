/**
 * DSSE, the signing envelope cosign wraps each in-toto attestation in (secure-systems-lab/dsse, envelope.md and
 * protocol.md v1.0): the payload and its type, signed over PAE(type, payload) so that neither can be swapped.
 */
import { jsonObject } from '../signatures/cosignFormat';
import { isJsonObject } from '../jsonObject';

/** The media type of an attestation layer: its bytes are one envelope. */
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/** The `payloadType` of an envelope holding an in-toto Statement. */
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** One signature of an envelope: its bytes, and the key id it names (optional, and never trusted). */
export interface EnvelopeSignature {
  sig: Buffer;
  keyid?: string;
}

export interface Envelope {
  payloadType: string;
  payload: Buffer;
  signatures: EnvelopeSignature[];
}

/**
 * DSSE's pre-authentication encoding, what is signed: `DSSEv1 SP LEN(type) SP type SP LEN(body) SP body`, the
 * lengths in bytes as ASCII decimals.
 */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** Base64 as DSSE allows it: standard or URL-safe, padded or not (strictly: Buffer.from would skip what is not base64). */
export function decodeDsseBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || (/[+/]/.test(text) && /[-_]/.test(text))) return undefined;
  const bare = text.replace(/=+$/, '');
  if (bare.length % 4 === 1 || (text.length !== bare.length && text.length % 4 !== 0)) return undefined;
  return Buffer.from(bare.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** The envelope in `bytes`, or why it is none (naming the JSON path). */
export function parseEnvelope(bytes: Buffer): Envelope | { malformed: string } {
  const read = jsonObject(bytes);
  return 'malformed' in read ? read : envelopeOf(read.doc);
}

/** The envelope `doc` (JSON already parsed: a Sigstore bundle's `dsseEnvelope`), or why it is none (naming the JSON path). */
export function envelopeOf(doc: Record<string, unknown>): Envelope | { malformed: string } {
  if (typeof doc.payloadType !== 'string') return { malformed: '$.payloadType: expected a string' };
  if (typeof doc.payload !== 'string') return { malformed: '$.payload: expected a string' };
  const payload = decodeDsseBase64(doc.payload);
  if (!payload) return { malformed: '$.payload: not base64' };
  if (!Array.isArray(doc.signatures) || doc.signatures.length === 0) return { malformed: '$.signatures: expected a non-empty array' };
  const signatures: EnvelopeSignature[] = [];
  for (const [i, s] of doc.signatures.entries()) {
    if (!isJsonObject(s) || typeof s.sig !== 'string') return { malformed: `$.signatures[${i}].sig: expected a string` };
    const sig = decodeDsseBase64(s.sig);
    if (!sig || sig.length === 0) return { malformed: `$.signatures[${i}].sig: not base64` };
    signatures.push({ sig, ...(typeof s.keyid === 'string' && s.keyid !== '' ? { keyid: s.keyid } : {}) });
  }
  return { payloadType: doc.payloadType, payload, signatures };
}

/**
 * An envelope of `payload` signed by `sign` over PAE, as cosign 3 writes it (Go's encoding of the protobuf
 * envelope: `payload`, `payloadType`, then `signatures` with `sig` and no empty `keyid`).
 */
export function makeEnvelope(payloadType: string, payload: Buffer, sign: (bytes: Buffer) => Buffer): Buffer {
  const sig = sign(pae(payloadType, payload)).toString('base64');
  return Buffer.from(JSON.stringify({ payload: payload.toString('base64'), payloadType, signatures: [{ sig }] }));
}
