import type { Descriptor, ImageIndex, Platform } from './descriptor';
import { OciError } from './errors';
import { isImageIndex } from './mediaType';
import { formatPlatform, platformMatches, shownPlatform } from './platform';
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
  const children = Array.isArray(index.manifests) ? index.manifests : [];
  const at = children.findIndex((c) => platformMatches(platform, c.platform));
  if (at === -1) {
    const have = children.filter((c) => c.platform).map((c) => shownPlatform(c.platform!));
    throw new OciError('NOT_FOUND', `no manifest for platform ${formatPlatform(platform)} in the index ${desc.digest}; it has ${have.length ? have.join(', ') : 'no platforms'}`);
  }
  return usableChild(desc.digest, children, at);
}
