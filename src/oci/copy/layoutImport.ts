import type { Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { listTags, untaggedEntries, type TagListing } from '../graph/tagListing';
import type { OpOptions, ReadOnlyTarget, Target } from '../target';
import { copyTags, tagMovesAt, type CopyTagsOptions, type LayoutTagMove } from './copyTags';

export type { LayoutTagMove };

export type LayoutImportOptions = Omit<CopyTagsOptions, 'referrers' | 'checkFirst'>;

export interface LayoutImportResult {
  /** Tag to digest, for every tag of the archive, sorted by tag. */
  tags: Record<string, string>;
  /** Referrers copied along (recursively, of every tag's content), by digest. */
  referrers: string[];
  /** Untagged entries of the archive that are not referrers of what was imported: not copied. */
  leftOut: string[];
  /**
   * With `only`: the referrers it left (cosign's tags with `tag`), and those below them, each once: not copied, and
   * not in `leftOut`.
   */
  referrersLeft: Array<{ desc: Descriptor; tag?: string }>;
  /** Tags of the destination that now name the archive's manifest instead of another. */
  moved: LayoutTagMove[];
}

/** What `src` lists: a layout (folder or tar) does; a registry lists no entries. */
async function entriesOf(src: ReadOnlyTarget): Promise<Descriptor[]> {
  if (!src.entries) throw new OciError('INVALID_ARGUMENT', 'the source lists no entries: only a layout (folder or tar) can be imported whole');
  return src.entries();
}

/** The tags of `src` (its listings, sorted) and which of them name something else in `dst` now. */
export async function planLayoutImport(src: ReadOnlyTarget, dst: ReadOnlyTarget, options: OpOptions = {}): Promise<{ listings: TagListing[]; moving: LayoutTagMove[] }> {
  const listings = listTags(await entriesOf(src));
  return { listings, moving: await tagMovesAt(dst, listings, options) };
}

/**
 * Copies every tag of a layout (an archive, typically) into `dst`, each with everything below it and its referrers,
 * as `cp -r` does one tag at a time (copyTags: everything checked first, a refused import stores nothing, no tag
 * of `dst` changes before all the content is there).
 */
export async function importLayout(src: ReadOnlyTarget, dst: Target, options: LayoutImportOptions = {}): Promise<LayoutImportResult> {
  const entries = await entriesOf(src);
  const result = await copyTags(src, listTags(entries), dst, options);
  const tags = Object.fromEntries(result.tags.map((t) => [t.tag, t.digest]));
  const referrers = new Set(result.referrers);
  const imported = new Set(Object.values(tags));
  const referrersLeft = options.only ? await belowLeft(src, result.referrersLeft, options) : [];
  const byOnly = new Set(referrersLeft.map((l) => l.desc.digest));
  const leftOut = untaggedEntries(entries)
    .map((d) => d.digest)
    .filter((d) => !referrers.has(d) && !imported.has(d) && !byOnly.has(d));
  return { tags, referrers: result.referrers, leftOut, referrersLeft, moved: result.moved };
}

/**
 * What `--only` left, with the referrers below each (never looked at by the copy, but in the archive all the same):
 * so that none of them is said to be left out for want of a tag.
 */
async function belowLeft(src: ReadOnlyTarget, left: ReadonlyArray<{ desc: Descriptor; tag?: string }>, options: OpOptions): Promise<Array<{ desc: Descriptor; tag?: string }>> {
  const out = [...left];
  const seen = new Set(out.map((l) => l.desc.digest));
  let level = left.map((l) => l.desc);
  while (level.length > 0) {
    const next: Descriptor[] = [];
    for (const d of level) {
      for await (const r of src.referrers(d, { signal: options.signal })) {
        if (seen.has(r.digest)) continue;
        seen.add(r.digest);
        out.push({ desc: r });
        next.push(r);
      }
    }
    level = next;
  }
  return out;
}
