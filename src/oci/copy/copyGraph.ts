import { setMaxListeners } from 'node:events';
import type { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor';
import { isManifestMediaType } from '../mediaType';
import { isRetryableError, sleep } from '../transient';
import { isBlobMounter, isManifestChecker, isTagPusher, type OpOptions, type ReadOnlyTarget, type Target } from '../target';
import { checkCosignTagAt, type CosignTagAt, type CosignTagToCopy } from './cosignTagCopy';
import type { ReferrerFilter } from './referrerFilter';
import { type ReferrerListings, walkReferrers } from './referrerWalk';
import { CosignTagLookup } from '../referrers/cosignTags';
import { successors } from './successors';
import { asDocumentSays } from './documentMediaType';
import { semaphore } from '../semaphore';

export type CopyEvent =
  | { type: 'copying'; desc: Descriptor }
  | { type: 'bytes'; desc: Descriptor; bytes: number }
  | { type: 'copied'; desc: Descriptor }
  | { type: 'mounted'; desc: Descriptor }
  | { type: 'exists'; desc: Descriptor }
  | { type: 'retry'; desc: Descriptor; attempt: number; error: unknown };

export interface CopyGraphOptions extends OpOptions {
  /** Transfers at a time (default 3, as oras). */
  concurrency?: number;
  /**
   * Also copy the referrers of every manifest copied, recursively: children of indexes and referrers of referrers too;
   * and the manifests cosign's tags name for each (`sha256-<hex>.sig`, `.att`, `.sbom`), tagged alike at the destination.
   */
  referrers?: boolean;
  /** With `referrers`: only those this keeps, at every depth (cp -r --only). */
  only?: ReferrerFilter;
  onProgress?: (event: CopyEvent) => void;
  /** Tries per blob or manifest when a failure is transient (default 3): a stream cannot resume, so it restarts. */
  attempts?: number;
  /** cosign's tags at the source, when several copies share one listing of them (copyTags); else one per copy. */
  cosignTags?: CosignTagLookup;
  /** The source's referrer listings, when a plan and its copy, or several copies, share them (copyTags); else one per copy. */
  referrerListings?: ReferrerListings;
}

export interface CopyGraphResult {
  root: Descriptor;
  /** Blobs and manifests pushed (mounted ones included). */
  copied: number;
  /** Those found at the destination already (or pushed meanwhile by another copy whose push this one joined: sharedPushes). */
  existing: number;
  /** Bytes pushed. */
  bytes: number;
  /** The referrers found (and copied) with `referrers: true`. */
  referrers: Descriptor[];
  /** With `referrers: true`: cosign's tags found for what was copied, each copied and set at the destination. */
  cosignTags: CosignTagAt[];
  /** With `only`: the referrers (and cosign's tags, with `tag`) left behind, as the plan's `referrersLeft`. */
  referrersLeft: Array<{ desc: Descriptor; tag?: string }>;
}

/** Manifest reads and referrer listings at once (the registry client's default connection cap). */
const LOOKUPS_AT_ONCE = 8;
/** Abort listeners a task may hold on the copy's signal at once: a source read, a destination write, their streams. */
const LISTENERS_PER_TASK = 4;

/**
 * Copies the graph under `root` from `src` to `dst`, in the order registries accept: blobs, then child
 * manifests, then the root, then its referrers. Content at the destination is skipped; a manifest that
 * exists there is taken to have its graph there too (as oras does), except that with `referrers` its
 * children are still searched for referrers. Where the destination checks what it stores (a ManifestChecker: a
 * layout), every manifest to be stored is checked before any blob is sent, so a graph with one manifest refused
 * stores nothing there. A registry decides on each PUT, as with oras.
 * Transfers run `concurrency` at a time; the first failure cancels the rest. Blobs stream from source to
 * destination, verified on both sides.
 */
export async function copyGraph(src: ReadOnlyTarget, dst: Target, root: Descriptor, options: CopyGraphOptions = {}): Promise<CopyGraphResult> {
  return copyGraphs(src, dst, [root], options);
}

/** copyGraph of several roots as one graph (the platforms of a split copy): checked together, so all or none is stored. `root` is the first. */
export async function copyGraphs(src: ReadOnlyTarget, dst: Target, roots: readonly Descriptor[], options: CopyGraphOptions = {}): Promise<CopyGraphResult> {
  const abort = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
  const emit = options.onProgress ?? (() => undefined);
  const attempts = Math.max(1, options.attempts ?? 3);
  const concurrency = Math.max(1, options.concurrency ?? 3);
  const limit = semaphore(concurrency);
  // Manifest reads and referrer listings have a limit of their own (not the transfers': a parent's plan waits on its
  // children's). Unbounded, a graph of N manifests asked N at once, each request queued behind the connection cap with
  // an abort listener on the shared signal: past ten, Node warned on stderr of a leak.
  const lookup = semaphore(LOOKUPS_AT_ONCE);
  setMaxListeners(Math.max(10, LISTENERS_PER_TASK * (concurrency + LOOKUPS_AT_ONCE + 1)), signal);
  const manifests = new Map<string, Promise<Buffer>>();
  const nodes = new Map<string, Promise<void>>();
  const planned = new Map<string, Promise<PlannedManifest | undefined>>();
  const result: CopyGraphResult = { root: roots[0]!, copied: 0, existing: 0, bytes: 0, referrers: [], cosignTags: [], referrersLeft: [] };
  const mountFrom = isBlobMounter(dst) ? dst.mountSourceOf(src) : undefined;
  // A root's descriptor comes from a resolve (a registry's HEAD answer), not from a document verified by digest.
  const rootDigests = new Set(roots.map((r) => r.digest));

  const fetchManifest = (desc: Descriptor): Promise<Buffer> => {
    let p = manifests.get(desc.digest);
    if (!p) {
      p = withRetry(desc, () => lookup(() => src.fetchBytes(desc, { signal })));
      manifests.set(desc.digest, p);
    }
    return p;
  };

  const withRetry = async <T>(desc: Descriptor, run: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (attempt >= attempts || signal.aborted || !isRetryableError(err)) throw err;
        emit({ type: 'retry', desc, attempt, error: err });
        await sleep(Math.min(2000, 200 * 2 ** attempt), signal);
      }
    }
  };

  const copyNode = (desc: Descriptor): Promise<void> => {
    let p = nodes.get(desc.digest);
    if (!p) {
      p = copyOne(desc);
      nodes.set(desc.digest, p);
    }
    return p;
  };

  /**
   * Under the same limit as the transfers: a graph of 2,000 blobs must not send 2,000 checks (and open as many
   * connections) at once. Released before the children are visited, so a parent never holds a slot they need.
   */
  const existsAtDestination = async (desc: Descriptor): Promise<boolean> => {
    if (!(await limit(() => withRetry(desc, () => dst.exists(desc, { signal }))))) return false;
    result.existing++;
    emit({ type: 'exists', desc });
    return true;
  };

  /**
   * A manifest missing at the destination: its bytes, checked as the destination will check them, and what must be
   * stored before it; the manifests among those planned too. Undefined when the destination has it (and so, as
   * taken, its graph). Nothing is sent: the whole graph is planned first, so a manifest refused stores nothing.
   */
  const planManifest = (desc: Descriptor): Promise<PlannedManifest | undefined> => {
    let p = planned.get(desc.digest);
    if (!p) {
      p = (async () => {
        signal.throwIfAborted();
        if (await existsAtDestination(desc)) return undefined;
        const bytes = await fetchManifest(desc);
        // Read first: malformed JSON is named by the reader, with its place.
        const below = successors(desc, bytes);
        // A root is stored under the flavor its document declares (a HEAD answer may give Docker's for OCI's).
        const stored = rootDigests.has(desc.digest) ? asDocumentSays(desc, bytes) : desc;
        if (isManifestChecker(dst)) dst.checkManifest(stored, bytes);
        await Promise.all(below.filter((d) => isManifestMediaType(d.mediaType)).map(planManifest));
        return { desc: stored, bytes, below };
      })();
      planned.set(desc.digest, p);
    }
    return p;
  };

  const copyOne = async (desc: Descriptor): Promise<void> => {
    signal.throwIfAborted();
    if (isManifestMediaType(desc.mediaType)) {
      const plan = await planManifest(desc);
      if (!plan) return;
      await Promise.all(plan.below.map(copyNode));
      // Told as stored (a root under its document's flavor), so the progress line names what the destination holds.
      // The slot is the transfer's: a referrer's listing in its subject's fallback index (a registry without the
      // referrers API) is waited for outside it, so the other referrers of the subject are stored meanwhile and
      // listed together by the next rewrite, not one rewrite each.
      const pushing = await limit(async () => {
        emit({ type: 'copying', desc: plan.desc });
        let stored!: () => void;
        const storedNow = new Promise<void>((resolve) => (stored = resolve));
        const push = withRetry(desc, () => joining((onJoined) => dst.push(plan.desc, plan.bytes, { signal, onStored: stored, onJoined })));
        await Promise.race([storedNow, push]);
        return { push };
      });
      pushed(plan.desc, (await pushing.push) ?? 'copied');
      return;
    }
    if (await existsAtDestination(desc)) return;
    await limit(async () => {
      emit({ type: 'copying', desc });
      pushed(desc, await withRetry(desc, () => transferBlob(desc)));
    });
  };

  /** Counts and tells a push: made by this copy, or one it joined (another copy's, through sharedPushes), found there. */
  const pushed = (desc: Descriptor, how: 'copied' | 'mounted' | 'joined') => {
    if (how === 'joined') {
      result.existing++;
      emit({ type: 'exists', desc });
      return;
    }
    result.copied++;
    result.bytes += desc.size;
    emit({ type: how, desc });
  };

  /** One attempt: a fresh source stream, counted for progress, into the destination. Returns how it got there. */
  const transferBlob = (desc: Descriptor) =>
    joining(async (onJoined): Promise<'copied' | 'mounted'> => {
      let stream: Readable | undefined;
      const open = async () => {
        stream = countProgress(await src.fetch(desc, { signal }), (bytes) => emit({ type: 'bytes', desc, bytes }));
        return stream;
      };
      try {
        if (isBlobMounter(dst)) return (await dst.pushBlob(desc, open, { signal, mountFrom, onJoined })) === 'mounted' ? 'mounted' : 'copied';
        await dst.push(desc, await open(), { signal, onJoined });
        return 'copied';
      } finally {
        // On failure the source must stop too; on success it has ended and this is a no-op.
        stream?.destroy();
      }
    });

  try {
    // With `referrers`: every manifest under the roots, the referrers of each, recursively, and what cosign's tags name
    // for each of those, walked the same way (the manifests read through this copy's reads, with its retries).
    const { referrers, cosign, left } = options.referrers
      ? await walkReferrers(src, roots, { signal, cosignTags: options.cosignTags ?? new CosignTagLookup(src, { signal }), manifest: fetchManifest, listings: options.referrerListings, ...(options.only ? { only: options.only } : {}) })
      : { referrers: [], cosign: [] as CosignTagToCopy[], left: [] };
    result.referrersLeft = left;
    // A cosign tag's manifest is a resolve's answer, as a root's: stored under the flavor its document declares.
    for (const t of cosign) rootDigests.add(t.desc.digest);
    const all = [...roots, ...referrers, ...cosign.map((t) => t.desc)];
    // Every manifest checked before the first blob is sent: one refused (an index's child, a referrer) stores nothing;
    // and every cosign tag the copy would point elsewhere at the destination (checkCosignTagAt).
    const [, cosignAt] = await Promise.all([
      Promise.all(all.filter((d) => isManifestMediaType(d.mediaType)).map(planManifest)),
      Promise.all(cosign.map((t) => lookup(() => checkCosignTagAt(src, dst, t, { signal })))),
    ]);
    const root = await planned.get(roots[0]!.digest);
    if (root) result.root = { ...result.root, mediaType: root.desc.mediaType };
    // All at once, so the existence checks overlap: each referrer names its subject among its successors,
    // so copyNode still pushes it only after what it refers to.
    await Promise.all(all.map(copyNode));
    result.referrers = referrers;
    // Tagged once everything is stored, one after another (a registry tags by a PUT of the manifest again).
    for (const [i, t] of cosign.entries()) {
      const at = cosignAt[i]!;
      if (at.current !== t.desc.digest) {
        // As copy.ts tags a root: a registry in one PUT of the bytes at hand, under the flavor they declare.
        if (isTagPusher(dst)) {
          const bytes = await fetchManifest(t.desc);
          await dst.pushManifest(asDocumentSays(t.desc, bytes), bytes, t.tag, { ...options, signal });
        } else await dst.tag(t.desc, t.tag, { ...options, signal });
      }
      result.cosignTags.push(at);
    }
    return result;
  } catch (err) {
    abort.abort(err);
    // Let the checks and transfers still running see the abort and stop before the caller goes on.
    await Promise.allSettled([...planned.values(), ...nodes.values()]);
    throw err;
  }
}

/**
 * One push, told whether it joined a push of the same content already under way through the destination (sharedPushes,
 * copies beside one another): then 'joined', as that copy pushed it and this one found it there. Each attempt anew: a
 * retry after the push it joined failed is its own.
 */
async function joining<T>(push: (onJoined: () => void) => Promise<T>): Promise<T | 'joined'> {
  let joined = false;
  const how = await push(() => (joined = true));
  return joined ? 'joined' : how;
}

/** A manifest to store: its bytes, checked, and what must be stored before it (successors). */
interface PlannedManifest {
  /** What it is stored under: a root's as its document says. */
  desc: Descriptor;
  bytes: Buffer;
  below: Descriptor[];
}

/**
 * Tells how many bytes of `stream` its consumer has taken, without a stream stage of its own: a pass-through
 * Transform would hold one more read buffer per transfer. A readable emits 'data' for every chunk it hands over,
 * whether read() (an async iterator) or flowing (pipe) takes it; paused first, so the listener does not start it flowing.
 * A source that fails before its consumer listens must not be an uncaught error: the consumer still gets it, from the
 * stream's state, when it reads or waits for the end (as a pipeline stage in between did).
 */
function countProgress(stream: Readable, report: (bytes: number) => void): Readable {
  let done = 0;
  stream.pause();
  stream.on('error', () => undefined);
  stream.on('data', (chunk: Uint8Array | string) => {
    done += chunk.length;
    report(done);
  });
  return stream;
}
