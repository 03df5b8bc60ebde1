import type { Descriptor } from '../descriptor';
import { isFallbackTag } from '../reference';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { describeManifest, type ManifestSummary } from './describeManifest';

export interface TagSummary extends ManifestSummary {
  tag: string;
}

export { isFallbackTag };

/** A target that lists its tags with their descriptors in one go (a layout reads them all from index.json). */
export interface TaggedDescriptorLister {
  taggedDescriptors(options?: OpOptions): AsyncIterable<{ tag: string; desc: Descriptor }>;
}

function listsTaggedDescriptors(target: ReadOnlyTarget): target is ReadOnlyTarget & TaggedDescriptorLister {
  return typeof (target as Partial<TaggedDescriptorLister>).taggedDescriptors === 'function';
}

/**
 * Every tag with its digest, kind and platforms (what `oras repo tags` lacks), read a few at a time.
 * Tags naming the same manifest (version aliases) share one reading of it.
 */
export async function listTagSummaries(target: ReadOnlyTarget, options: OpOptions & { all?: boolean; concurrency?: number } = {}): Promise<TagSummary[]> {
  const wanted = (tag: string) => options.all || !isFallbackTag(tag);
  const tags: Array<{ tag: string; desc?: Descriptor }> = [];
  if (listsTaggedDescriptors(target)) {
    for await (const t of target.taggedDescriptors(options)) if (wanted(t.tag)) tags.push(t);
  } else {
    for await (const tag of target.tags(options)) if (wanted(tag)) tags.push({ tag });
  }
  // What a summary depends on: the manifest, and the descriptor's media type and platform.
  const summaries = new Map<string, Promise<ManifestSummary>>();
  const describe = (desc: Descriptor): Promise<ManifestSummary> => {
    const key = `${desc.mediaType} ${desc.digest} ${desc.platform ? JSON.stringify(desc.platform) : ''}`;
    let summary = summaries.get(key);
    if (!summary) summaries.set(key, (summary = describeManifest(target, desc, options)));
    return summary;
  };
  const out: TagSummary[] = new Array(tags.length);
  let next = 0;
  const worker = async () => {
    while (next < tags.length) {
      const i = next++;
      const { tag } = tags[i]!;
      const desc = tags[i]!.desc ?? (await target.resolve(tag, options));
      out[i] = { tag, ...(await describe(desc)), desc };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 16) }, worker));
  return out;
}
