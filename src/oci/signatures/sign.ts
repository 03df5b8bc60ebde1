import type { Descriptor, ImageManifest } from '../descriptor';
import { digestOf } from '../digest';
import { encodeManifest } from '../encoding/goJson';
import { isOciError } from '../errors';
import { MediaType } from '../mediaType';
import { cosignTag } from '../referrers/cosignTags';
import { inIndexBatch, type OpOptions, type Target } from '../target';
import { parseJsonObject } from '../validate';
import { makePayload, SIGNATURE_ANNOTATION, SIMPLESIGNING_MEDIA_TYPE } from './cosignFormat';
import type { SignKey } from './privateKeys';

export interface SignResult {
  /** The signature manifest now tagged `tag`: the one there before with this signature added as its last layer. */
  manifest: Descriptor;
  tag: string;
  /** The payload signed, as stored. */
  payload: Descriptor;
  /** How many signatures the manifest holds now. */
  signatures: number;
}

/**
 * Signs `subject` as cosign signs with a key: a payload naming its digest and `identity` (a docker reference),
 * signed with `key`, stored as a simplesigning layer of the manifest cosign's tag `sha256-<hex>.sig` names (a layer
 * added to the manifest already there, as cosign and skopeo add theirs). The tag scheme is what every registry
 * and layout keeps, and what cosign and skopeo read first.
 */
export async function signManifest(target: Target, subject: Descriptor, key: SignKey, identity: string, options: OpOptions = {}): Promise<SignResult> {
  const op: OpOptions = { signal: options.signal };
  const bytes = makePayload(subject.digest, identity);
  const payload: Descriptor = { mediaType: SIMPLESIGNING_MEDIA_TYPE, digest: digestOf(bytes), size: bytes.length };
  const layer: Descriptor = { ...payload, annotations: { [SIGNATURE_ANNOTATION]: key.sign(bytes).toString('base64') } };
  const tag = cosignTag(subject.digest, 'sig');
  const had = await signatureLayers(target, tag, op);
  // The same signature again (Ed25519 and RSA PKCS#1 v1.5 sign deterministically) is not added twice, as cosign does not.
  const same = (l: Descriptor) => l?.digest === layer.digest && l.annotations?.[SIGNATURE_ANNOTATION] === layer.annotations![SIGNATURE_ANNOTATION];
  const layers = had.some(same) ? had : [...had, layer];
  // cosign's config: an image config whose diff_ids are the payloads (stored uncompressed, so their digests).
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: [{ created: '0001-01-01T00:00:00Z' }],
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
  const configDesc: Descriptor = { mediaType: MediaType.ImageConfig, digest: digestOf(config), size: config.length };
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaType.ImageManifest, config: configDesc, layers };
  const manifestBytes = encodeManifest(manifest);
  const desc: Descriptor = { mediaType: MediaType.ImageManifest, digest: digestOf(manifestBytes), size: manifestBytes.length };
  await inIndexBatch(
    target,
    async (batched) => {
      await target.push(payload, bytes, batched);
      await target.push(configDesc, config, batched);
      await target.push(desc, manifestBytes, batched);
      await target.tag(desc, tag, batched);
    },
    op,
  );
  return { manifest: desc, tag, payload, signatures: layers.length };
}

/** The layers of the signature manifest `tag` names, or none when there is none. */
async function signatureLayers(target: Target, tag: string, op: OpOptions): Promise<Descriptor[]> {
  let desc: Descriptor;
  try {
    desc = await target.resolve(tag, op);
  } catch (err) {
    if (isOciError(err, 'NOT_FOUND')) return [];
    throw err;
  }
  const doc = parseJsonObject(await target.fetchBytes(desc, op), `signature manifest ${tag} (${desc.digest})`);
  return Array.isArray(doc.layers) ? (doc.layers as Descriptor[]) : [];
}
