import type { Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { listTags, untaggedEntries, type TagListing } from '../graph/tagListing';
import { inIndexBatch, type OpOptions, type ReadOnlyTarget, type Target } from '../target';
import { copy } from './copy';
import { planCopy } from './plan';
import type { CopyEvent } from './copyGraph';

/** A tag of the destination that named another manifest than the archive's tag of the same name. */
export interface LayoutTagMove {
  tag: string;
  from: string;
  to: string;
}

export interface LayoutImportOptions extends OpOptions {
  /** Transfers at a time (default 3). */
  concurrency?: number;
  /** Before each tag's content is copied: which tag, and its place among them (from 0). */
  onTag?: (tag: string, index: number, total: number) => void;
  /** Every copy event (blobs and manifests copied or found there). */
  onProgress?: (event: CopyEvent) => void;
}

export interface LayoutImportResult {
  /** Tag to digest, for every tag of the archive, sorted by tag. */
  tags: Record<string, string>;
  /** Referrers copied along (recursively, of every tag's content), by digest. */
  referrers: string[];
  /** Untagged entries of the archive that are not referrers of what was imported: not copied. */
  leftOut: string[];
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
  return planFrom(await entriesOf(src), dst, options);
}

/** planLayoutImport of entries already read. */
async function planFrom(entries: Descriptor[], dst: ReadOnlyTarget, options: OpOptions): Promise<{ listings: TagListing[]; moving: LayoutTagMove[] }> {
  const listings = listTags(entries);
  const moving: LayoutTagMove[] = [];
  for (const { tag, desc } of listings) {
    const now = await dst.resolve(tag, options).then((d) => d.digest, () => undefined);
    if (now !== undefined && now !== desc.digest) moving.push({ tag, from: now, to: desc.digest });
  }
  return { listings, moving };
}

/**
 * Copies every tag of a layout (an archive, typically) into `dst`, each with everything below it and its referrers,
 * as `cp -r` does one tag at a time. A tag of `dst` that names something else moves (the manifest it left stays
 * stored; in a layout, listed untagged).
 *
 * Every manifest and tag is checked before anything is stored (a refused import stores nothing). Then in three
 * passes, so that a damaged or missing blob anywhere in the archive fails before any tag of `dst` changes: first
 * the content of every tag (nothing is listed in index.json for it), then the referrers (a stored referrer is
 * listed, as each must be to be found), then the tags, in one index.json update where `dst` batches them.
 */
export async function importLayout(src: ReadOnlyTarget, dst: Target, options: LayoutImportOptions = {}): Promise<LayoutImportResult> {
  const entries = await entriesOf(src);
  const { listings, moving } = await planFrom(entries, dst, options);
  const copyOptions = { signal: options.signal, concurrency: options.concurrency, onProgress: options.onProgress };
  // Every manifest and tag the passes would store, checked first (the plan runs the copy's checks): one refused in
  // the last tag, or in a referrer, stores nothing of the first tag, where the pass over it would have stored its blobs.
  for (const { tag } of listings) await planCopy(src, tag, dst, [tag], { signal: options.signal, referrers: true });
  for (const [i, { tag }] of listings.entries()) {
    options.onTag?.(tag, i, listings.length);
    await copy(src, tag, dst, [], copyOptions);
  }
  const tags: Record<string, string> = {};
  const referrers = new Set<string>();
  await inIndexBatch(
    dst,
    async (batched) => {
      // The content is there: these passes only look for referrers, copy them, and point the tags.
      for (const { tag } of listings) {
        const result = await copy(src, tag, dst, [], { ...copyOptions, ...batched, referrers: true });
        for (const r of result.referrers) referrers.add(r.digest);
      }
      for (const { tag } of listings) tags[tag] = (await copy(src, tag, dst, [tag], { ...copyOptions, ...batched })).root.digest;
    },
    { signal: options.signal },
  );
  const imported = new Set(Object.values(tags));
  const leftOut = untaggedEntries(entries)
    .map((d) => d.digest)
    .filter((d) => !referrers.has(d) && !imported.has(d));
  return { tags, referrers: [...referrers], leftOut, moved: moving };
}
