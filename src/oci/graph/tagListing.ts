import { ANNOTATION_REF_NAME, type Descriptor } from '../descriptor';
import type { DamagedEntry } from '../layout/indexFile';
import { isOciError } from '../errors';
import { isFallbackTag, isValidTag } from '../reference';
import { describeManifest, type ManifestSummary } from './describeManifest';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { sharedSignal } from '../sharedSignal';

/** One tag: what it points at and, unless that could not be read, what it is. */
export interface TagListing {
  tag: string;
  desc: Descriptor;
  summary?: ManifestSummary;
  /** Why the manifest could not be described (missing or corrupt blob); the tag is still listed. */
  error?: Error;
}

/**
 * Summaries by digest. Content is addressed by digest, so a summary never goes stale; the media type and
 * platform the listing descriptor carries are part of the key because a summary may come from them.
 * Tags naming the same manifest (version aliases) share one reading of it, even when asked at once.
 */
export class SummaryCache {
  private readonly map = new Map<string, Promise<ManifestSummary>>();

  async describe(target: ReadOnlyTarget, desc: Descriptor, options: OpOptions = {}): Promise<ManifestSummary> {
    const key = desc.platform ? `${desc.mediaType} ${desc.digest} ${JSON.stringify(desc.platform)}` : `${desc.mediaType} ${desc.digest}`;
    let summary = this.map.get(key);
    if (!summary) {
      summary = describeManifest(target, desc, options);
      this.map.set(key, summary);
      // A failed reading is not kept: the blob may be pushed or repaired, and a cancelled one read again.
      summary.catch(() => {
        if (this.map.get(key) === summary) this.map.delete(key);
      });
    }
    return { ...(await summary), desc };
  }

  clear(): void {
    this.map.clear();
  }
}

/** A target that lists its tags with their descriptors in one go (a layout reads them all from index.json). */
export interface TaggedDescriptorLister {
  taggedDescriptors(options?: OpOptions): AsyncIterable<{ tag: string; desc: Descriptor }>;
}

function listsTaggedDescriptors(target: ReadOnlyTarget): target is ReadOnlyTarget & TaggedDescriptorLister {
  return typeof (target as Partial<TaggedDescriptorLister>).taggedDescriptors === 'function';
}

/**
 * The tags of any target, in its order, not yet described: a layout's from one reading of index.json
 * (sorted), a registry's name by name, each resolved a few at a time (a failed resolve is thrown, but a tag found
 * gone by then is left out).
 * Fallback tags of referrer indexes (`sha256-<hex>`) only with `all`.
 */
export async function listTargetTags(
  target: ReadOnlyTarget,
  options: OpOptions & { all?: boolean; concurrency?: number; onInvalid?: (name: string) => void } = {},
): Promise<TagListing[]> {
  const wanted = (tag: string) => options.all || !isFallbackTag(tag);
  const listings: TagListing[] = [];
  if (listsTaggedDescriptors(target)) {
    for await (const t of target.taggedDescriptors(options)) if (wanted(t.tag)) listings.push(t);
    return listings;
  }
  const tags = await listTargetTagNames(target, options);
  const out = new Array<TagListing | undefined>(tags.length);
  let next = 0;
  const atOnce = Math.max(1, options.concurrency ?? 16);
  const resolveOptions = { ...options, signal: sharedSignal(options.signal, atOnce) };
  const worker = async (): Promise<void> => {
    while (next < tags.length) {
      const i = next++;
      // A name the registry lists that is no tag (its list may hold anything) is never put in a URL: left out and
      // passed to `onInvalid` when the caller reports it, else it fails the listing (resolve refuses it).
      if (options.onInvalid && !isValidTag(tags[i]!)) {
        options.onInvalid(tags[i]!);
        continue;
      }
      try {
        out[i] = { tag: tags[i]!, desc: await target.resolve(tags[i]!, resolveOptions) };
      } catch (err) {
        // Deleted between the listing and its resolving (a busy registry): gone, not a reason to list nothing.
        if (!isOciError(err, 'NOT_FOUND')) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: atOnce }, worker));
  return out.filter((l): l is TagListing => l !== undefined);
}

/**
 * The tags' names only, in the target's order, nothing resolved: a layout's from index.json (sorted), a registry's
 * from its tag list, whatever names it holds. Fallback tags (`sha256-<hex>`) only with `all`.
 */
export async function listTargetTagNames(target: ReadOnlyTarget, options: OpOptions & { all?: boolean } = {}): Promise<string[]> {
  const wanted = (tag: string) => options.all || !isFallbackTag(tag);
  const names: string[] = [];
  if (listsTaggedDescriptors(target)) {
    for await (const t of target.taggedDescriptors(options)) if (wanted(t.tag)) names.push(t.tag);
  } else {
    for await (const tag of target.tags(options)) if (wanted(tag)) names.push(tag);
  }
  return names;
}

/** A layout whose index.json may hold entries that cannot be used: listings leave them out, and this names them. */
export interface DamageReporter {
  damagedEntries(): Promise<DamagedEntry[]>;
  /** Usable entries whose manifest cannot be read (missing, corrupt): a referrers listing leaves them out too. */
  unreadableEntries?(): Promise<DamagedEntry[]>;
}

/** The target's damaged index.json entries; none for a target that has no index.json (a registry). */
export async function damagedEntriesOf(target: ReadOnlyTarget): Promise<DamagedEntry[]> {
  const reporter = target as Partial<DamageReporter>;
  return typeof reporter.damagedEntries === 'function' ? reporter.damagedEntries() : [];
}

/**
 * What a listing of referrers could not see, in index.json order: the damaged entries and those whose manifest
 * cannot be read, either of which may be a referrer. None for a target without index.json (a registry).
 */
export async function unlistedEntriesOf(target: ReadOnlyTarget): Promise<DamagedEntry[]> {
  const reporter = target as Partial<DamageReporter>;
  const unreadable = typeof reporter.unreadableEntries === 'function' ? await reporter.unreadableEntries() : [];
  return [...(await damagedEntriesOf(target)), ...unreadable].sort((a, b) => a.at - b.at);
}

/** The tags named in `entries` (index.json), sorted, not yet described. The last entry of a name wins, as the store resolves it. */
export function listTags(entries: readonly Descriptor[], options: { all?: boolean } = {}): TagListing[] {
  const byTag = new Map<string, Descriptor>();
  for (const e of entries) {
    const tag = e.annotations?.[ANNOTATION_REF_NAME];
    if (tag && (options.all || !isFallbackTag(tag))) byTag.set(tag, e);
  }
  return [...byTag].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([tag, desc]) => ({ tag, desc }));
}

/**
 * Fills in each listing's summary (or error), a few at a time, keeping going past a tag whose content is
 * broken. `onProgress` is called after each one, so a view can show them as they come.
 */
export async function describeTags(
  target: ReadOnlyTarget,
  listings: TagListing[],
  options: OpOptions & { cache?: SummaryCache; concurrency?: number; onProgress?: (listing: TagListing) => void } = {},
): Promise<void> {
  const cache = options.cache ?? new SummaryCache();
  let next = 0;
  const atOnce = Math.max(1, options.concurrency ?? 16);
  const describeOptions = { ...options, signal: sharedSignal(options.signal, atOnce) };
  const worker = async (): Promise<void> => {
    while (next < listings.length) {
      const item = listings[next++]!;
      options.signal?.throwIfAborted();
      try {
        item.summary = await cache.describe(target, item.desc, describeOptions);
        delete item.error;
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err;
        item.error = err as Error;
      }
      options.onProgress?.(item);
    }
  };
  await Promise.all(Array.from({ length: atOnce }, worker));
}

/** listTags, then describeTags: every tag with its kind and platforms. */
export async function listTagsWithSummaries(
  target: ReadOnlyTarget,
  entries: readonly Descriptor[],
  options: OpOptions & { cache?: SummaryCache; all?: boolean; concurrency?: number } = {},
): Promise<TagListing[]> {
  const listings = listTags(entries, options);
  await describeTags(target, listings, options);
  return listings;
}

/** Entries of index.json without a tag: referrers listed the oras way, manifests kept by digest. */
export function untaggedEntries(entries: readonly Descriptor[]): Descriptor[] {
  const tagged = new Set(entries.filter((e) => e.annotations?.[ANNOTATION_REF_NAME]).map((e) => e.digest));
  const seen = new Set<string>();
  return entries.filter((e) => {
    if (e.annotations?.[ANNOTATION_REF_NAME] || tagged.has(e.digest) || seen.has(e.digest)) return false;
    seen.add(e.digest);
    return true;
  });
}
