// Keyless attestations made as `cosign attest` keyless makes them (no real one in the `.att` annotation format is at
// hand): the DSSE envelope signed over PAE by the key of a leaf carrying Fulcio's extensions
// (test/fixtures/cosign-keyless-made), the layer annotated with the certificate, the chain and a Rekor bundle whose
// SET a Rekor key made here signs over an `intoto` entry of the envelope (rekor's canonical body, 0.0.2 or 0.0.1).
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DSSE_MEDIA_TYPE, INTOTO_PAYLOAD_TYPE, makeEnvelope, makeStatement, PREDICATE_TYPE_ANNOTATION } from '../../src/oci/attestations';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';
import { cosignTag } from '../../src/oci/referrers';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, CHAIN_ANNOTATION, loadRekorKey, type RekorKey, SIGNATURE_ANNOTATION } from '../../src/oci/signatures';
import { canonicalJson } from '../../src/oci/signatures/rekorBundle';
import type { Target } from '../../src/oci/target';
import { pushBlob, pushManifest } from '../unit/builders';

export const MADE_FIXTURES = join(__dirname, '..', 'fixtures', 'cosign-keyless-made');
export const GHA = 'https://token.actions.githubusercontent.com';
/** The identity (URI SAN) of the made leaf `workflow.pem`, issued through GHA, chained through `intermediate.pem` to `root.pem`. */
export const WORKFLOW = 'https://github.com/example/app/.github/workflows/release.yml@refs/heads/main';
export const CUSTOM = 'https://cosign.sigstore.dev/attestation/v1';

export interface RekorLog {
  privateKey: KeyObject;
  pub: RekorKey;
  /** Its public key as a file, as `--rekor-key` and `manifold.rekorKeys` read it. */
  file: string;
}

/** A Rekor log made for a test: its key pair, its public key written to `dir/name.pub`. */
export function rekorLog(dir: string, name: string): RekorLog {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const text = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const file = join(dir, `${name}.pub`);
  writeFileSync(file, text);
  return { privateKey, pub: loadRekorKey(file, text), file };
}

/** The canonical body rekor logs for `cosign attest` of `envelope` signed by the certificate `certPem` (pkg/types/intoto). */
export function intotoBody(version: '0.0.1' | '0.0.1-old' | '0.0.2', envelope: Buffer, certPem: string): string {
  const doc = JSON.parse(envelope.toString()) as { payload: string; payloadType: string; signatures: Array<{ sig: string }> };
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const hash = { algorithm: 'sha256', value: sha(envelope) };
  const payloadHash = { algorithm: 'sha256', value: sha(Buffer.from(doc.payload, 'base64')) };
  const key = Buffer.from(certPem).toString('base64');
  // `0.0.1-old`: as older rekors canonicalized 0.0.1, without the payload hash.
  const spec =
    version === '0.0.1-old'
      ? { content: { hash }, publicKey: key }
      : version === '0.0.1'
      ? { content: { hash, payloadHash }, publicKey: key }
      : // 0.0.2 logs each signature's base64 text base64-encoded again.
        { content: { envelope: { payloadType: doc.payloadType, signatures: doc.signatures.map((s) => ({ sig: Buffer.from(s.sig).toString('base64'), publicKey: key })) }, hash, payloadHash } };
  return Buffer.from(JSON.stringify({ apiVersion: version.replace('-old', ''), kind: 'intoto', spec })).toString('base64');
}

/** A bundle of `body` as Rekor returns it: the SET over the canonical JSON of the four fields, by `log`. */
export function bundle(log: Pick<RekorLog, 'privateKey' | 'pub'>, body: string, integratedTime: number): string {
  const Payload = { body, integratedTime, logIndex: 7, logID: log.pub.logId };
  return JSON.stringify({ SignedEntryTimestamp: sign('sha256', Buffer.from(canonicalJson(Payload)), log.privateKey).toString('base64'), Payload });
}

export interface MadeAttestation {
  bytes: Buffer;
  annotations: Record<string, string>;
  /** The Rekor entry's body its bundle logs. */
  body: string;
}

/** An attestation (`custom`, predicate `text`) of `image` as `cosign attest` keyless writes it, logged by `log` at `loggedAt`. */
export function keylessAttestation(
  image: Descriptor,
  log: RekorLog,
  loggedAt: number,
  o: { text?: string; version?: '0.0.1' | '0.0.1-old' | '0.0.2'; leaf?: string; fixtures?: string } = {},
): MadeAttestation {
  const fixtures = o.fixtures ?? MADE_FIXTURES;
  const pem = (name: string) => readFileSync(join(fixtures, `${name}.pem`), 'utf8');
  const leaf = o.leaf ?? 'workflow';
  const statement = makeStatement('custom', Buffer.from(o.text ?? 'hello'), image.digest, 'r.example/app', new Date('2026-12-01T00:00:00Z'));
  const bytes = makeEnvelope(INTOTO_PAYLOAD_TYPE, statement, (b) => sign('sha256', b, createPrivateKey(readFileSync(join(fixtures, `${leaf}.key.pem`)))));
  const body = intotoBody(o.version ?? '0.0.2', bytes, pem(leaf));
  const annotations = {
    [SIGNATURE_ANNOTATION]: '',
    [PREDICATE_TYPE_ANNOTATION]: CUSTOM,
    [CERTIFICATE_ANNOTATION]: pem(leaf),
    [CHAIN_ANNOTATION]: pem('intermediate') + pem('root'),
    [BUNDLE_ANNOTATION]: bundle(log, body, loggedAt),
  };
  return { bytes, annotations, body };
}

/** `layers` stored as one attestation manifest, tagged as cosign tags it for `image` (`sha256-<hex>.att`). */
export async function storeAttestations(target: Target, image: Descriptor, layers: ReadonlyArray<Pick<MadeAttestation, 'bytes' | 'annotations'>>): Promise<void> {
  const descs = [];
  for (const l of layers) descs.push({ ...(await pushBlob(target, l.bytes, DSSE_MEDIA_TYPE)), annotations: l.annotations });
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaType.ImageManifest, config: await pushBlob(target, '{}', MediaType.ImageConfig), layers: descs };
  await target.tag(await pushManifest(target, manifest), cosignTag(image.digest, 'att'));
}
