import type { Descriptor, ImageIndex, Platform } from './descriptor';
import { OciError } from './errors';
import { isImageIndex } from './mediaType';
import { entryPlatform, formatPlatform, platformMatches, shownPlatform } from './platform';
import type { OpOptions, ReadOnlyTarget } from './target';
import { usableChild } from './validate';
import { readDeclaredKind } from './graph/declaredKind';

/** From an index, the first child of the platform asked for; an image must itself match. Names what there is. */
export async function selectPlatform(target: ReadOnlyTarget, desc: Descriptor, platform: Platform, options: OpOptions = {}): Promise<Descriptor> {
  // The document says which kind it is, whatever the entry or HEAD answer listed it as (readDeclaredKind).
  const read = await readDeclaredKind(target, desc, options);
  const declared = read?.desc ?? desc;
  if (!isImageIndex(declared.mediaType)) {
    if (declared.platform && !platformMatches(platform, declared.platform)) {
      throw new OciError('NOT_FOUND', `${declared.digest} is ${shownPlatform(declared.platform)}, not ${formatPlatform(platform)}`);
    }
    return declared;
  }
  const index = read!.doc as unknown as ImageIndex;
  // An entry of another tool's index may be anything (`null`, a string): entryPlatform reads only what is a platform.
  const children: unknown[] = Array.isArray(index.manifests) ? index.manifests : [];
  const at = children.findIndex((c) => platformMatches(platform, entryPlatform(c)));
  if (at === -1) {
    const have = children.map(entryPlatform).filter((p): p is Platform => p !== undefined).map(shownPlatform);
    throw new OciError('NOT_FOUND', `no manifest for platform ${formatPlatform(platform)} in the index ${declared.digest}; it has ${have.length ? have.join(', ') : 'no platforms'}`);
  }
  return usableChild(declared.digest, children, at);
}
