import type { Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { readManifestContent } from '../graph/manifestContent';
import { isManifestMediaType } from '../mediaType';
import type { OpOptions, ReadOnlyTarget, Target } from '../target';

/**
 * The manifest through which an entry of `entries` reaches `digest` (the entry itself when it is one), or
 * undefined when nothing reaches it. Missing or unreadable manifests are leaves.
 */
export async function whatReaches(target: ReadOnlyTarget, entries: readonly Descriptor[], digest: string, options: OpOptions = {}): Promise<Descriptor | undefined> {
  const seen = new Set<string>();
  const walk = async (desc: Descriptor): Promise<Descriptor | undefined> => {
    if (seen.has(desc.digest)) return undefined;
    seen.add(desc.digest);
    if (!isManifestMediaType(desc.mediaType)) return undefined;
    let content;
    try {
      content = await readManifestContent(target, desc, options);
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      return undefined;
    }
    const edges = [...content.manifests, ...(content.config ? [content.config] : []), ...content.layers];
    if (edges.some((e) => e.digest === digest)) return desc;
    for (const child of content.manifests) {
      const found = await walk(child);
      if (found) return found;
    }
    return undefined;
  };
  for (const e of entries) {
    if (e.digest === digest) return e;
    const found = await walk(e);
    if (found) return found;
  }
  return undefined;
}

/**
 * `oras blob delete`: on a registry, the API's DELETE; on a store that lists what it keeps (a layout), only a
 * blob nothing listed reaches, unless `force`.
 */
export async function deleteBlob(target: Target, desc: Descriptor, options: OpOptions & { force?: boolean; where?: string } = {}): Promise<void> {
  if (target.entries && !options.force) {
    const by = await whatReaches(target, await target.entries(), desc.digest, options);
    if (by) {
      const how = by.digest === desc.digest ? 'it is listed in index.json' : `the manifest ${by.digest} refers to it`;
      throw new OciError('INVALID_ARGUMENT', `${options.where ?? desc.digest}: the blob is in use (${how}); deleting it would leave that manifest incomplete; pass --force to delete it anyway`);
    }
  }
  await target.delete({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, options);
}
