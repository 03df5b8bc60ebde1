import type { Descriptor, ImageIndex, Platform } from './descriptor';
import { OciError } from './errors';
import { isImageIndex } from './mediaType';
import { entryPlatform, formatPlatform, platformMatches, shownPlatform } from './platform';
import type { OpOptions, ReadOnlyTarget } from './target';
import { parseJsonObject, usableChild } from './validate';

/** From an index, the first child of the platform asked for; an image must itself match. Names what there is. */
export async function selectPlatform(target: ReadOnlyTarget, desc: Descriptor, platform: Platform, options: OpOptions = {}): Promise<Descriptor> {
  if (!isImageIndex(desc.mediaType)) {
    if (desc.platform && !platformMatches(platform, desc.platform)) {
      throw new OciError('NOT_FOUND', `${desc.digest} is ${shownPlatform(desc.platform)}, not ${formatPlatform(platform)}`);
    }
    return desc;
  }
  const index = parseJsonObject(await target.fetchBytes(desc, options), `index ${desc.digest}`) as unknown as ImageIndex;
  // An entry of another tool's index may be anything (`null`, a string): entryPlatform reads only what is a platform.
  const children: unknown[] = Array.isArray(index.manifests) ? index.manifests : [];
  const at = children.findIndex((c) => platformMatches(platform, entryPlatform(c)));
  if (at === -1) {
    const have = children.map(entryPlatform).filter((p): p is Platform => p !== undefined).map(shownPlatform);
    throw new OciError('NOT_FOUND', `no manifest for platform ${formatPlatform(platform)} in the index ${desc.digest}; it has ${have.length ? have.join(', ') : 'no platforms'}`);
  }
  return usableChild(desc.digest, children, at);
}
