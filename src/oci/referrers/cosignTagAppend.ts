import type { Descriptor, ImageManifest } from '../descriptor';
import { digestOf } from '../digest';
import { encodeManifest } from '../encoding/goJson';
import { isOciError, OciError } from '../errors';
import { MediaType } from '../mediaType';
import { inIndexBatch, type OpOptions, type Target } from '../target';
import { parseManifestStrict } from '../validate';

/**
 * Adds `layer` (its bytes `bytes`) as the last layer of the manifest cosign's tag `tag` names, or of a new one, as
 * cosign adds a signature to `.sig` and an attestation to `.att`: an image whose config lists the layers as its
 * diff_ids. A layer already there (same digest and annotations) is not added twice: an Ed25519 or RSA signature of the
 * same payload is the same bytes, and cosign does not add it again. sign.ts (`.sig`) and attest.ts (`.att`) both use it.
 */
export async function appendToCosignTag(target: Target, tag: string, layer: Descriptor, bytes: Buffer, options: OpOptions = {}): Promise<{ manifest: Descriptor; layers: number }> {
  const op: OpOptions = { signal: options.signal };
  const had = await tagLayers(target, tag, op);
  const same = (l: Descriptor) => l?.digest === layer.digest && JSON.stringify(l.annotations ?? {}) === JSON.stringify(layer.annotations ?? {});
  const layers = had.some(same) ? had : [...had, layer];
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
  const blob: Descriptor = { mediaType: layer.mediaType, digest: layer.digest, size: layer.size };
  await inIndexBatch(
    target,
    async (batched) => {
      await target.push(blob, bytes, batched);
      await target.push(configDesc, config, batched);
      await target.push(desc, manifestBytes, batched);
      await target.tag(desc, tag, batched);
    },
    op,
  );
  return { manifest: desc, layers: layers.length };
}

/**
 * The layers of the manifest `tag` names, or none when there is none. A manifest there that is damaged (not an image
 * manifest, a layer that is no usable descriptor) is refused, naming the JSON path: what it holds cannot be carried
 * into the new one, and replacing it would drop signatures someone else added.
 */
async function tagLayers(target: Target, tag: string, op: OpOptions): Promise<Descriptor[]> {
  let desc: Descriptor;
  try {
    desc = await target.resolve(tag, op);
  } catch (err) {
    if (isOciError(err, 'NOT_FOUND')) return [];
    throw err;
  }
  const where = `${tag} (${desc.digest})`;
  const doc = parseManifestStrict(await target.fetchBytes(desc, op), 'manifest', where);
  if (!doc.manifest) throw new OciError('INVALID_MANIFEST', `${where}: an index, not the image manifest cosign's tag names: nothing added to it`);
  return doc.manifest.layers;
}
