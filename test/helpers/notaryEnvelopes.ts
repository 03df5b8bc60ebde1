// Notary Project signatures made here, as notation makes them (notation-core-go's jws and cose packages), with the
// certificates of test/fixtures/notary-made, and stored as notation stores them: a referrer of artifactType
// application/vnd.cncf.notary.signature whose one layer is the envelope. The real signatures notation made are
// test/fixtures/notary-vector; these reach the cases those do not (other algorithms, chains, schemes, tamperings).
import { constants, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { CborTag as Tag, type CborValue, encodeCbor } from '../../src/oci/signatures/notary/cborWrite';
import { NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE, NOTARY_SIGNATURE_ARTIFACT_TYPE } from '../../src/oci/signatures';
import type { Target } from '../../src/oci/target';
import { pushBlob, pushManifest } from '../unit/builders';

export const MADE = join(__dirname, '..', 'fixtures', 'notary-made');
export const VECTOR = join(__dirname, '..', 'fixtures', 'notary-vector');
export const made = (name: string) => join(MADE, name);
export const SUBJECT_DN = 'C=US, ST=WA, L=Seattle, O=example.com, OU=Release, CN=release signer';

const der = (name: string): Buffer => new X509Certificate(readFileSync(made(`${name}.pem`))).raw;

export interface EnvelopeSpec {
  /** The leaf (a file of notary-made), whose key signs. */
  leaf?: string;
  /** The chain carried, leaf first (names of notary-made); default: the leaf, the intermediate, the root. */
  chain?: string[];
  /** What the payload names. */
  target: Pick<Descriptor, 'mediaType' | 'digest' | 'size'>;
  /** Protected header entries over the defaults (undefined removes one); `alg` by the key unless given. */
  protected?: Record<string, unknown>;
  /** Unprotected entries over x5c (or COSE's 33) and the signing agent. */
  unprotected?: Record<string, unknown>;
  /** The payload's bytes, instead of `{"targetArtifact": target}`. */
  payload?: Buffer;
  /** RSA-PSS's salt length, instead of the hash's (notation's). */
  saltLength?: number;
}

const ALGS: Record<string, string> = { 'rsa-2048': 'PS256', 'rsa-3072': 'PS384', 'rsa-4096': 'PS512', prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

function keyOf(leaf: string) {
  const key = createPrivateKey(readFileSync(made(`${leaf}.key.pem`)));
  const d = key.asymmetricKeyDetails!;
  const alg = ALGS[key.asymmetricKeyType === 'rsa' ? `rsa-${d.modulusLength}` : d.namedCurve!]!;
  return { key, alg };
}

function signWith(leaf: string, alg: string, input: Buffer, saltLength: number = constants.RSA_PSS_SALTLEN_DIGEST): Buffer {
  const { key } = keyOf(leaf);
  const hash = `sha${alg.slice(2)}`;
  if (alg.startsWith('PS')) return sign(hash, input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
  return sign(hash, input, { key, dsaEncoding: 'ieee-p1363' });
}

const TIMES = ['io.cncf.notary.signingTime', 'io.cncf.notary.authenticSigningTime', 'io.cncf.notary.expiry'];

function headers(spec: EnvelopeSpec, alg: string, time: (d: string) => unknown): Record<string, unknown> {
  const h: Record<string, unknown> = {
    alg,
    cty: 'application/vnd.cncf.notary.payload.v1+json',
    crit: ['io.cncf.notary.signingScheme'],
    'io.cncf.notary.signingScheme': 'notary.x509',
    'io.cncf.notary.signingTime': time('2026-01-02T03:04:05Z'),
  };
  for (const [k, v] of Object.entries(spec.protected ?? {})) {
    if (v === undefined) delete h[k];
    else h[k] = TIMES.includes(k) && typeof v === 'string' ? time(v) : v;
  }
  return h;
}

const payloadOf = (spec: EnvelopeSpec) => spec.payload ?? Buffer.from(JSON.stringify({ targetArtifact: spec.target }));

/** A JWS envelope (the flattened JSON serialization notation writes). */
export function signJws(spec: EnvelopeSpec): Buffer {
  const leaf = spec.leaf ?? 'leaf';
  const alg = (spec.protected?.alg as string | undefined) ?? keyOf(leaf).alg;
  const h = headers(spec, alg, (d) => d);
  const protectedText = Buffer.from(JSON.stringify(h)).toString('base64url');
  const payloadText = payloadOf(spec).toString('base64url');
  const signature = signWith(leaf, keyOf(leaf).alg, Buffer.from(`${protectedText}.${payloadText}`), spec.saltLength);
  const chain = (spec.chain ?? [leaf, 'intermediate', 'root']).map((n) => der(n).toString('base64'));
  return Buffer.from(
    JSON.stringify({ payload: payloadText, protected: protectedText, header: { x5c: chain, 'io.cncf.notary.signingAgent': 'manifold-test', ...spec.unprotected }, signature: signature.toString('base64url') }),
  );
}

const COSE_ALGS: Record<string, number> = { PS256: -37, PS384: -38, PS512: -39, ES256: -7, ES384: -35, ES512: -36 };

/** A COSE_Sign1 envelope, tagged, as notation-core-go's cose package writes it (times as tag 1). */
export function signCose(spec: EnvelopeSpec): Buffer {
  const leaf = spec.leaf ?? 'leaf';
  const alg = (spec.protected?.alg as string | undefined) ?? keyOf(leaf).alg;
  const h = headers(spec, alg, (d) => new Tag(1, Math.floor(Date.parse(d) / 1000)));
  // COSE's labels: alg 1, crit 2, content type 3.
  const map = new Map<number | string, unknown>();
  for (const [k, v] of Object.entries(h)) map.set(k === 'alg' ? 1 : k === 'crit' ? 2 : k === 'cty' ? 3 : k, k === 'alg' ? (COSE_ALGS[v as string] ?? v) : v);
  const protectedBytes = cbor(map);
  const payload = payloadOf(spec);
  const signature = signWith(leaf, keyOf(leaf).alg, cbor(['Signature1', protectedBytes, Buffer.alloc(0), payload]), spec.saltLength);
  const unprotected = new Map<number | string, unknown>([
    [33, (spec.chain ?? [leaf, 'intermediate', 'root']).map(der)],
    ['io.cncf.notary.signingAgent', 'manifold-test'],
    ...Object.entries(spec.unprotected ?? {}),
  ]);
  return cbor(new Tag(18, [protectedBytes, unprotected as CborValue, payload, signature]));
}

/** The core's CBOR writer (notary/cborWrite.ts), taking the loosely typed values a test builds. */
export { Tag };
export const cbor = (v: unknown): Buffer => encodeCbor(v as CborValue);

/**
 * `envelope` stored as notation stores it: a manifest of artifactType application/vnd.cncf.notary.signature (the
 * empty config), its one layer the envelope, its subject the image (notation's thumbprint annotation left out: verifying reads none).
 */
export async function attachNotary(store: Target, subject: Descriptor, envelope: Buffer, mediaType: string = NOTARY_JWS_MEDIA_TYPE): Promise<Descriptor> {
  return pushManifest(store, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: NOTARY_SIGNATURE_ARTIFACT_TYPE,
    config: await pushBlob(store, '{}', 'application/vnd.oci.empty.v1+json'),
    layers: [await pushBlob(store, envelope, mediaType)],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { 'org.opencontainers.image.created': '2026-01-02T03:04:05Z' },
  });
}

export { NOTARY_COSE_MEDIA_TYPE, NOTARY_JWS_MEDIA_TYPE };
