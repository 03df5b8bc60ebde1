import { OciError } from '../../errors';
import { createHash, signing } from '../../nodeCrypto';
import type { CertificateAuthority, CertificatePolicy } from '../keyless';
import { loadPublicKey, type VerifyKey } from '../keys/publicKeys';
import { loadRekorKey, type RekorKey } from '../rekorBundle';
import { type Certificate, readCertificate } from '../x509/certificates';
import type { TimestampAuthorities, TimestampAuthority } from '../x509/timestamp';
import { noteKeyIds } from './checkpoint';
import { ctLogKey, type CtLogKey } from '../x509/sct';
import type { ValidFor } from '../x509/validFor';
import { isJsonObject } from '../../jsonObject';
import { shownValue } from '../../validate/shownValue';

/**
 * Sigstore's TrustedRoot (protobuf-specs' sigstore_trustroot.proto, as protojson writes it: camelCase, bytes in
 * base64, timestamps in RFC 3339): the one file of keyless trust cosign 2.4+ (`--trusted-root`), sigstore-go,
 * sigstore-js and sigstore-python read, a target of Sigstore's TUF repositories (`trusted_root.json`). It holds
 * the certificate authorities (Fulcio: certChain intermediates first, root last), the transparency logs (Rekor:
 * publicKey, logId), the certificate transparency logs and the timestamp authorities, each with `validFor`: the
 * window it is trusted for. Read here into what the piecewise flags give (roots, intermediates, Rekor keys, TSA
 * chains), each part keeping its window; nothing is fetched.
 */
export const TRUSTED_ROOT_MEDIA_TYPES = ['application/vnd.dev.sigstore.trustedroot+json;version=0.1', 'application/vnd.dev.sigstore.trustedroot+json;version=0.2'];

/** A certificate transparency log (`ctlogs[]`): read and checked; its key verifies SCTs (trustedRootCtLogKeys). */
export interface TrustedLog {
  name: string;
  baseUrl?: string;
  /** Its log ID (hex): the SHA-256 of its key's DER, as `logId.keyId` says it. */
  logId: string;
  key: VerifyKey;
  validFor?: ValidFor;
}

/** A trusted root read: its parts named `FILE certificateAuthorities[i]...` in messages and results. */
export interface TrustedRoot {
  mediaType: string;
  certificateAuthorities: CertificateAuthority[];
  /** `tlogs[]`: Rekor's keys, each with its window. */
  rekorKeys: RekorKey[];
  timestampAuthorities: TimestampAuthority[];
  ctlogs: TrustedLog[];
}

/** The trusted root `bytes` (named `name`, its file) read and checked: INVALID_ARGUMENT naming the file and the JSON path of what is wrong. */
export function parseTrustedRoot(name: string, bytes: Buffer): TrustedRoot {
  const fail = (path: string, why: string): never => {
    throw new OciError('INVALID_ARGUMENT', `${name}: ${path}${path ? ': ' : ''}${why}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return fail('', `not JSON (${(err as Error).message})`);
  }
  if (!isJsonObject(doc)) return fail('$', 'expected an object (a Sigstore TrustedRoot)');
  if (typeof doc.mediaType !== 'string' || !TRUSTED_ROOT_MEDIA_TYPES.includes(doc.mediaType)) {
    // shownValue, not JSON.stringify: the value may be anything (nested past the stack's depth, or missing).
    return fail('mediaType', `${doc.mediaType === undefined ? 'missing, expected' : `${shownValue(doc.mediaType)}, not`} a TrustedRoot's (${TRUSTED_ROOT_MEDIA_TYPES.join(' or ')})`);
  }
  const list = (field: string): Array<{ at: string; v: Record<string, unknown> }> => {
    const v = doc[field];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return fail(field, 'expected an array');
    return v.map((item: unknown, i) => (isJsonObject(item) ? { at: `${field}[${i}]`, v: item } : fail(`${field}[${i}]`, 'expected an object')));
  };
  const validFor = (at: string, v: unknown): ValidFor | undefined => (v === undefined ? undefined : readValidFor(`${at}.validFor`, v, fail));
  const chain = (at: string, v: Record<string, unknown>): Certificate[] => {
    const certificates = isJsonObject(v.certChain) ? v.certChain.certificates : undefined;
    if (!Array.isArray(certificates) || certificates.length === 0) return fail(`${at}.certChain.certificates`, 'expected an array of certificates, at least one');
    return certificates.map((c: unknown, i) => {
      const where = `${at}.certChain.certificates[${i}].rawBytes`;
      const der = isJsonObject(c) ? base64(c.rawBytes) : undefined;
      if (!der) return fail(where, 'expected base64');
      const read = readCertificate(der, `${name} ${at}.certChain.certificates[${i}]`);
      return 'malformed' in read ? fail(where, `not a DER certificate (${read.malformed.replace(/^.*?: not an X\.509 certificate \((.*)\)$/, '$1')})`) : read;
    });
  };

  const certificateAuthorities = list('certificateAuthorities').map(({ at, v }): CertificateAuthority => {
    const certs = chain(at, v);
    // The chain is intermediates first, its root last (the trust anchor, as sigstore-go takes it).
    return { name: `${name} ${at}`, roots: certs.slice(-1), intermediates: certs.slice(0, -1), ...optional('validFor', validFor(at, v.validFor)) };
  });
  const timestampAuthorities = list('timestampAuthorities').map(({ at, v }): TimestampAuthority => {
    const certs = chain(at, v);
    const below = certs.slice(0, -1);
    return { name: `${name} ${at}`, leaves: below.filter((c) => !c.fields.ca), intermediates: below.filter((c) => c.fields.ca), roots: certs.slice(-1), ...optional('validFor', validFor(at, v.validFor)) };
  });
  const logs = (field: 'tlogs' | 'ctlogs') =>
    list(field).map(({ at, v }) => {
      const pk = isJsonObject(v.publicKey) ? v.publicKey : fail(`${at}.publicKey`, 'expected an object');
      const der = base64(pk.rawBytes) ?? fail(`${at}.publicKey.rawBytes`, 'expected base64');
      const details = typeof pk.keyDetails === 'string' ? pk.keyDetails : fail(`${at}.publicKey.keyDetails`, 'expected a string');
      const keyId = (isJsonObject(v.logId) ? base64(v.logId.keyId) : undefined) ?? fail(`${at}.logId.keyId`, 'expected base64');
      const baseUrl = typeof v.baseUrl === 'string' ? v.baseUrl : undefined;
      // PKCS1_* keys are an RSAPublicKey's DER; every other kind a SubjectPublicKeyInfo.
      const pem = `-----BEGIN ${details.startsWith('PKCS1_') ? 'RSA ' : ''}PUBLIC KEY-----\n${der.toString('base64')}\n-----END ${details.startsWith('PKCS1_') ? 'RSA ' : ''}PUBLIC KEY-----\n`;
      const keyName = `${name} ${at}`;
      let key: VerifyKey;
      try {
        key = loadPublicKey(keyName, pem);
      } catch {
        return fail(`${at}.publicKey.rawBytes`, `not a public key's DER (keyDetails ${details})`);
      }
      const kind = keyKind(details);
      if (kind && !kind.test(key.type)) fail(`${at}.publicKey.keyDetails`, `${details}, but rawBytes holds a key of type ${key.type}`);
      const spkiId = createHash('sha256').update(key.spki ?? Buffer.alloc(0)).digest();
      // A Rekor v2 Ed25519 log's ID is its signed-note key ID under its origin (the checkpoint's first line: the base URL's host).
      const origin = baseUrl?.replace(/^https?:\/\//, '').replace(/\/+$/, '');
      const noteIds = field === 'tlogs' && origin ? noteKeyIds({ name: keyName, logId: spkiId.toString('hex'), key }, origin) : [];
      if (!spkiId.equals(keyId) && !noteIds.some((id) => id.equals(keyId))) {
        // A log ID is a SHA-256: one of a megabyte is shown by its start and length.
        const shown = keyId.length > 32 ? `${keyId.subarray(0, 32).toString('hex')}... (${keyId.length} bytes)` : keyId.toString('hex');
        fail(`${at}.logId.keyId`, `${shown} is not its key's log ID (the SHA-256 of its DER: ${spkiId.toString('hex')})`);
      }
      return { at, keyName, pem, key, keyId, baseUrl, validFor: validFor(`${at}.publicKey`, pk.validFor) };
    });

  const rekorKeys = logs('tlogs').map(({ at, keyName, pem, validFor: window }): RekorKey => {
    try {
      return { ...loadRekorKey(keyName, pem), ...optional('validFor', window) };
    } catch (err) {
      return fail(`${at}.publicKey`, (err as Error).message.replace(`${keyName}: `, ''));
    }
  });
  const ctlogs = logs('ctlogs').map(({ keyName, key, keyId, baseUrl, validFor: window }): TrustedLog => ({
    name: keyName,
    ...optional('baseUrl', baseUrl),
    logId: keyId.toString('hex'),
    key,
    ...optional('validFor', window),
  }));
  return { mediaType: doc.mediaType, certificateAuthorities, rekorKeys, timestampAuthorities, ctlogs };
}

/** What `--ca-roots` and `--ca-intermediates` give, from the trusted root's certificate authorities (each keeping its window), for an identity. */
export function trustedRootCertificates(root: TrustedRoot): Pick<CertificatePolicy, 'roots' | 'intermediates' | 'authorities'> {
  const cas = root.certificateAuthorities;
  return { roots: cas.flatMap((a) => a.roots), intermediates: cas.flatMap((a) => a.intermediates), authorities: cas };
}

/** What `--ctlog-key` gives, from the trusted root's CT logs (each keeping its window: an SCT of another time is not its). */
export function trustedRootCtLogKeys(root: TrustedRoot): CtLogKey[] {
  return root.ctlogs.map((log) => ctLogKey(log.name, signing().createPublicKey({ key: log.key.spki!, format: 'der', type: 'spki' }), log.validFor));
}

/** What `--timestamp-certificate-chain` gives, from the trusted root's timestamp authorities (each keeping its window); undefined when it has none. */
export function trustedRootTimestampAuthorities(root: TrustedRoot): TimestampAuthorities | undefined {
  const tsas = root.timestampAuthorities;
  if (tsas.length === 0) return undefined;
  return { leaves: tsas.flatMap((t) => t.leaves), intermediates: tsas.flatMap((t) => t.intermediates), roots: tsas.flatMap((t) => t.roots), authorities: tsas };
}

/** The key type (publicKeys.ts's) a `keyDetails` implies, for the kinds read here; undefined for another (not checked). */
function keyKind(details: string): RegExp | undefined {
  const ec = /_ECDSA_P(256|384|521)_/.exec(details);
  if (ec) return new RegExp(`^ecdsa-p${ec[1]}$`);
  if (/ED25519/.test(details)) return /^ed25519$/;
  if (/RSA/.test(details)) return /^rsa-/;
  return undefined;
}

/** protojson's bytes: standard or URL-safe base64, padded or not. */
function base64(v: unknown): Buffer | undefined {
  if (typeof v !== 'string' || v.length === 0 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) return undefined;
  return Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** A TimeRange: `start` and `end` RFC 3339 (protojson's Timestamp: up to nanoseconds, kept to the millisecond: start rounded up, end down). */
function readValidFor(at: string, v: unknown, fail: (path: string, why: string) => never): ValidFor {
  if (!isJsonObject(v)) return fail(at, 'expected an object');
  const time = (field: 'start' | 'end'): Date | undefined => {
    const t = v[field];
    // protojson may write an absent message as null. A TimeRange's start is REQUIRED (protobuf-specs; sigstore-go
    // refuses a root without it): a window without one would be open back to any time (sigstore-conformance's
    // trust-root-tlog-missing-validity-start_fail).
    if (t === undefined || t === null) return field === 'start' ? fail(`${at}.start`, 'missing (a validFor must say when it starts)') : undefined;
    const m = typeof t === 'string' ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(t) : null;
    const ms = m ? Date.parse(`${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}${m[3]}`) : NaN;
    if (!m || Number.isNaN(ms)) return fail(`${at}.${field}`, `${shownValue(t)}: not an RFC 3339 time`);
    const beyond = /[1-9]/.test((m[2] ?? '').slice(3));
    return new Date(field === 'start' && beyond ? ms + 1 : ms);
  };
  const start = time('start');
  const end = time('end');
  if (start && end && start > end) fail(at, `its start ${start.toISOString()} is after its end ${end.toISOString()}`);
  return { ...optional('start', start), ...optional('end', end) };
}

/** `{ [key]: value }` when value is defined, else nothing (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
