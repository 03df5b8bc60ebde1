import { isFallbackTag } from '../reference';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { describeManifest, type ManifestSummary } from './describeManifest';

export interface TagSummary extends ManifestSummary {
  tag: string;
}

export { isFallbackTag };

/** Every tag with its digest, kind and platforms (what `oras repo tags` lacks), read a few at a time. */
export async function listTagSummaries(target: ReadOnlyTarget, options: OpOptions & { all?: boolean; concurrency?: number } = {}): Promise<TagSummary[]> {
  const tags: string[] = [];
  for await (const tag of target.tags(options)) {
    if (options.all || !isFallbackTag(tag)) tags.push(tag);
  }
  const out: TagSummary[] = new Array(tags.length);
  let next = 0;
  const worker = async () => {
    while (next < tags.length) {
      const i = next++;
      const tag = tags[i]!;
      const desc = await target.resolve(tag, options);
      out[i] = { tag, ...(await describeManifest(target, desc, options)) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 16) }, worker));
  return out;
}
