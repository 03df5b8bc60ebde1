import type { Descriptor } from '../descriptor';
import { isOciError, type OciError } from '../errors';
import { listTargetTags } from '../graph/tagListing';
import { inOrder } from '../inOrder';
import { inIndexBatch, isIndexBatcher, type OpOptions, type ReadOnlyTarget, type Target } from '../target';
import { copy } from './copy';
import { CosignTagLookup, parseCosignTag } from '../referrers/cosignTags';
import { checkCosignTagAt, type CosignTagAt } from './cosignTagCopy';
import type { ReferrerFilter } from './referrerFilter';
import { ReferrerListings, walkReferrers } from './referrerWalk';
import type { CopyEvent } from './copyGraph';
import { planCopy } from './plan';
import { sharedPushes } from './sharedPushes';

/** One tag to copy: its name and what it names at the source. */
export interface TagToCopy {
  tag: string;
  desc: Descriptor;
}

/** A tag of the destination that named another manifest than the source's tag of the same name. */
export interface LayoutTagMove {
  tag: string;
  from: string;
  to: string;
}

export interface CopyTagsOptions extends OpOptions {
  /** Transfers at a time (default 3). */
  concurrency?: number;
  /** Copy the referrers of each tag's content too, recursively (default true). */
  referrers?: boolean;
  /**
   * With `referrers`: only those this keeps, at every depth, as `cp -r --only`. cosign's tags among the tags given are
   * then carried only as the referrers they are, judged alike: a `.sig` tag of an SBOM left goes with it, and one
   * whose subject is not copied is left too (in `referrersLeft`).
   */
  only?: ReferrerFilter;
  /**
   * Check every manifest and tag before anything is stored (default true): cheap from a layout, a second reading
   * of every manifest from a registry (each copy still checks what it stores).
   */
  checkFirst?: boolean;
  /** Before each tag's content is copied: which tag, and its place among them (from 0). */
  onTag?: (tag: string, index: number, total: number) => void;
  /** Every copy event (blobs and manifests copied or found there). */
  onProgress?: (event: CopyEvent) => void;
  /**
   * Once a tag of the destination names the source's manifest, each tag once: at the start for one that did already,
   * then as each is set (into a layout, all of them once its index.json is written). A cancelled copy's caller knows
   * from it which tags it left tagged, without asking a destination that may be what stalled.
   */
  onTagged?: (tag: string) => void;
}

export interface CopiedTag {
  tag: string;
  digest: string;
  /** Referrers found under it (its content's and, for an index, each child's), recursively. */
  referrers: number;
}

export interface CopyTagsResult {
  /** In the order given. */
  tags: CopiedTag[];
  /** Every referrer copied along, by digest (one shared by two tags once). */
  referrers: string[];
  /** With `only`: the referrers (and cosign's tags, with `tag`) left behind, each once; what is below them is not looked at. */
  referrersLeft: Array<{ desc: Descriptor; tag?: string }>;
  /** Tags of the destination that now name the source's manifest instead of another. */
  moved: LayoutTagMove[];
  /** Blobs and manifests stored at the destination, and their bytes. */
  copied: number;
  bytes: number;
}

/**
 * The tags a backup or restore copies: those `named`, each resolved (one missing fails, in the error `missing`
 * makes, before anything is copied; any other failure, a registry not reached, as it is), else every tag of `from`
 * but the referrers' `sha256-<hex>` stand-ins, which the referrers copy writes again where the destination needs them.
 */
export async function tagsToCopy(
  from: ReadOnlyTarget,
  named: readonly string[] | undefined,
  options: OpOptions & { missing: (tag: string, err: OciError) => Error },
): Promise<TagToCopy[]> {
  if (!named) return (await listTargetTags(from, { signal: options.signal })).map(({ tag, desc }) => ({ tag, desc }));
  const out: TagToCopy[] = [];
  for (const tag of named) {
    const desc = await from.resolve(tag, { signal: options.signal }).catch((err: unknown) => {
      throw isOciError(err, 'NOT_FOUND') ? options.missing(tag, err) : err;
    });
    out.push({ tag, desc });
  }
  return out;
}

/** Whether any tag of `dst` is one of cosign's (else no cosign tag a copy sets there names something else now). */
async function hasCosignTag(dst: ReadOnlyTarget, options: OpOptions): Promise<boolean> {
  for await (const tag of dst.tags({ signal: options.signal })) if (parseCosignTag(tag)) return true;
  return false;
}

/**
 * Every cosign tag a copy with referrers of `root` would set at `dst`, found and checked (checkCosignTagAt) before
 * anything is stored: for a copy that does not plan the whole graph first (backup, whose content pass would otherwise
 * store blobs before the referrers pass refuses a tag). Reads at the source only what finding them takes: indexes,
 * referrer listings, cosign tags.
 */
async function checkCosignTagsFirst(
  src: ReadOnlyTarget,
  root: Descriptor,
  dst: Pick<ReadOnlyTarget, 'resolve' | 'fetchBytes'>,
  options: OpOptions & { cosignTags: CosignTagLookup; referrerListings: ReferrerListings; only?: ReferrerFilter },
): Promise<CosignTagAt[]> {
  const { cosign } = await walkReferrers(src, [root], { ...options, listings: options.referrerListings });
  return inOrder(cosign, { atOnce: 8, signal: options.signal }, (t, signal) => checkCosignTagAt(src, dst, t, { signal }));
}

/** Which of `tags` name something else at `dst` now (each would move). */
export async function tagMovesAt(dst: ReadOnlyTarget, tags: readonly TagToCopy[], options: OpOptions = {}): Promise<LayoutTagMove[]> {
  return movesOf(tags, await tagsNowAt(dst, tags, options));
}

/** What each of `tags` names at `dst` now (undefined: not a tag there). */
function tagsNowAt(dst: ReadOnlyTarget, tags: readonly TagToCopy[], options: OpOptions): Promise<Array<string | undefined>> {
  // Eight at a time: a registry answers each tag's HEAD a round trip later.
  return inOrder(tags, { atOnce: 8, signal: options.signal }, ({ tag }, signal) => dst.resolve(tag, { signal }).then((d) => d.digest, () => undefined));
}

function movesOf(tags: readonly TagToCopy[], now: ReadonlyArray<string | undefined>): LayoutTagMove[] {
  return tags.flatMap(({ tag, desc }, i) => (now[i] !== undefined && now[i] !== desc.digest ? [{ tag, from: now[i]!, to: desc.digest }] : []));
}

/**
 * Copies each tag of `src` to `dst` under the same name, with everything below it and (unless `referrers: false`) its
 * referrers, as `cp -r` does one tag at a time: the whole of a layout (import), of a repository (backup), of a
 * backup to a registry (restore). A tag of `dst` that names something else moves (the manifest it left stays stored).
 *
 * Each tag is copied by the digest it named when listed, so the passes agree even if the source's tag moves meanwhile.
 * In three passes, so that a damaged or missing blob anywhere fails before any tag of `dst` changes: first the content
 * of every tag (a layout lists nothing for it), then the referrers (a stored referrer is listed, as each must be to
 * be found), then the tags, in one index.json update where `dst` batches them.
 */
export async function copyTags(src: ReadOnlyTarget, tags: readonly TagToCopy[], dst: Target, options: CopyTagsOptions = {}): Promise<CopyTagsResult> {
  try {
    return await copyTagsInPasses(src, tags, dst, options);
  } catch (err) {
    // Stopped by the caller: its reason, not what a transfer it cut short said of it (`The operation was aborted`).
    options.signal?.throwIfAborted();
    throw err;
  }
}

async function copyTagsInPasses(src: ReadOnlyTarget, given: readonly TagToCopy[], dst: Target, options: CopyTagsOptions): Promise<CopyTagsResult> {
  const withReferrers = options.referrers ?? true;
  const only = withReferrers ? options.only : undefined;
  // Told which referrers to carry: cosign's tags are referrers, carried by the walk when it keeps them, not as tags.
  const cosignGiven = only ? given.filter((t) => parseCosignTag(t.tag)) : [];
  const tags = only ? given.filter((t) => !parseCosignTag(t.tag)) : given;
  const filter = only ? { only } : {};
  // One look at the source's cosign tags for every tag copied, in the plans and the passes (a backup of 30 tags with
  // an SBOM each: one listing, not 180 more requests).
  const cosignTags = new CosignTagLookup(src, { signal: options.signal });
  // And one listing of each manifest's referrers for the plans, the cosign check and the referrers pass (a backup of a
  // repository into the folder of an earlier backup of its signed tag: 45 requests, was 65 with each listed twice).
  const referrerListings = new ReferrerListings(src);
  const now = await tagsNowAt(dst, tags, options);
  const moved = movesOf(tags, now);
  const told = new Set<string>();
  const tagged = (tag: string) => {
    if (told.has(tag)) return;
    told.add(tag);
    options.onTagged?.(tag);
  };
  tags.forEach(({ tag, desc }, i) => (now[i] === desc.digest ? tagged(tag) : undefined));
  // Several manifests at a time in each pass (a registry some way off answers each round trip late; a copy's own
  // transfers overlap only within one graph). The results keep their order, and the first failure in that order
  // stops the others (inOrder). Tags naming one manifest are one item, copied once.
  const byDigest = new Map<string, { desc: Descriptor; tags: Array<{ tag: string; i: number }> }>();
  tags.forEach(({ tag, desc }, i) => {
    const group = byDigest.get(desc.digest) ?? { desc, tags: [] };
    group.tags.push({ tag, i });
    byDigest.set(desc.digest, group);
  });
  const groups = [...byDigest.values()];
  // Every manifest and tag the passes would store, checked first (the plan runs the copy's checks): one refused in
  // the last tag, or in a referrer, stores nothing of the first tag, where the pass over it would have stored its blobs.
  // (Each plan checks eight things at a time at the destination.)
  const checkOptions = { atOnce: Math.max(1, options.concurrency ?? 3), signal: options.signal, listenersPerTask: 4 * 9 };
  if (options.checkFirst ?? true) {
    await inOrder(tags, checkOptions, ({ tag, desc }, signal) => planCopy(src, desc.digest, dst, [tag], { signal, referrers: withReferrers, cosignTags, referrerListings, ...filter }));
  } else if (withReferrers && (await hasCosignTag(dst, options))) {
    // Not every manifest, but still every cosign tag the referrers pass would refuse to point elsewhere, as cp does
    // (the content pass would have stored blobs by then). The listings and cosign look-ups are kept for the referrers
    // pass. A destination without cosign tags (a first backup) has none to refuse: not walked.
    await inOrder(groups, checkOptions, ({ desc }, signal) => checkCosignTagsFirst(src, desc, dst, { signal, cosignTags, referrerListings, ...filter }));
  }
  let copied = 0;
  let bytes = 0;
  const count = (r: { copied: number; bytes: number }) => {
    copied += r.copied;
    bytes += r.bytes;
  };
  const concurrency = Math.max(1, options.concurrency ?? 3);
  const passOptions = (signal?: AbortSignal) => ({ atOnce: concurrency, signal, listenersPerTask: 4 * (concurrency + 1) });
  const to = sharedPushes(dst);
  const copyOptions = { concurrency: options.concurrency, onProgress: options.onProgress, cosignTags, referrerListings };
  await inOrder(groups, { ...passOptions(options.signal), before: (g) => g.tags.forEach(({ tag, i }) => options.onTag?.(tag, i, tags.length)) }, async ({ desc }, signal) => {
    count(await copy(src, desc.digest, to, [], { ...copyOptions, signal }));
  });
  const referrers = new Set<string>();
  const left = new Map<string, { desc: Descriptor; tag?: string }>();
  const cosignCarried = new Set<string>();
  const found = new Map<string, number>();
  const batching = isIndexBatcher(dst);
  await inIndexBatch(
    to,
    async (batched) => {
      const signal = batched.signal ?? options.signal;
      // The content is there: these passes only look for referrers, copy them, and point the tags.
      if (withReferrers) {
        await inOrder(groups, passOptions(signal), async ({ desc }, signal) => {
          const result = await copy(src, desc.digest, to, [], { ...copyOptions, ...batched, signal, referrers: true, ...filter });
          count(result);
          found.set(desc.digest, result.referrers.length);
          for (const r of result.referrers) referrers.add(r.digest);
          for (const l of result.referrersLeft) left.set(`${l.desc.digest} ${l.tag ?? ''}`, l);
          for (const t of result.cosignTags) cosignCarried.add(t.tag);
        });
      }
      // Into a registry one tag after another: it is tagged by a PUT of the manifest again, and distribution 2.8
      // answered a PUT of an index "digest invalid" while a child it lists was being PUT again beside it. A layout only
      // notes them, for its one index.json write.
      const tagsAtOnce = batching ? concurrency : 1;
      await inOrder(tags, { ...passOptions(signal), atOnce: tagsAtOnce }, async ({ tag, desc }, signal) => {
        count(await copy(src, desc.digest, to, [tag], { ...copyOptions, ...batched, signal }));
        if (!batching) tagged(tag);
      });
    },
    { signal: options.signal },
  );
  if (batching) tags.forEach(({ tag }) => tagged(tag));
  const done = tags.map(({ tag, desc }) => ({ tag, digest: desc.digest, referrers: found.get(desc.digest) ?? 0 }));
  // A cosign tag given whose subject the walk never reached (not copied, or below a referrer left) is left too.
  for (const t of cosignGiven) if (!cosignCarried.has(t.tag) && !left.has(`${t.desc.digest} ${t.tag}`)) left.set(`${t.desc.digest} ${t.tag}`, { desc: t.desc, tag: t.tag });
  return { tags: done, referrers: [...referrers], referrersLeft: [...left.values()], moved, copied, bytes };
}
