import { ANNOTATION_REF_NAME, type Descriptor } from '../descriptor';
import { isImageIndex, isManifestMediaType } from '../mediaType';
import { semaphore } from '../semaphore';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { gatherAhead, type GatheredAhead } from './gatheredAhead';
import { readManifestContent } from './manifestContent';
import { unreachableAfter } from './reachability';

export interface PlannedDeletion {
  desc: Descriptor;
  /**
   * `manifest`: the one named; `referrer`: its subject is being deleted; `fallback`: the fallback-tag index
   * (`sha256-<hex>`) listing the referrers of a manifest being deleted; `child`: an index being deleted lists it
   * and nothing else reaches it.
   */
  role: 'manifest' | 'referrer' | 'fallback' | 'child';
  /** The subject (for a referrer) or the index (for a child) that brought it in. */
  of?: string;
}

export interface DeletePlan {
  /** Everything to delete, in a safe order: referrers before their subjects, an index before its children. */
  deletions: PlannedDeletion[];
  /** Children of a deleted index that stay, because something else reaches them. */
  kept: Descriptor[];
  /** False on a store that does not list what it keeps (a registry): an index's children are then never deleted. */
  childrenConsidered: boolean;
  /**
   * For each digest planned, the planned digests to delete before it (its referrers, the indexes listing it): what
   * runDeletePlan waits for before sending it. A plan made without it is deleted one manifest at a time.
   */
  waitFor?: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Referrers listings and manifest reads made at once: the registry client's own connection limit (8), so more would
 * only queue. On a registry each is a round trip or more; a layout reads on the spot either way.
 */
const READS_AT_ONCE = 8;

/**
 * What `manifest delete --include-referrers` deletes: the manifest, the referrers whose subject it is
 * (recursively), and for an index, its children that nothing else reaches (judged against the store's
 * entries, so only where it has them: a layout's index.json), each with their referrers in turn.
 * Configs and layers are not listed: a layout keeps them until `prune`, a registry collects them itself.
 */
export async function planDeleteWithReferrers(target: ReadOnlyTarget, desc: Descriptor, options: OpOptions = {}): Promise<DeletePlan> {
  // The walk below goes one manifest after another, in its order; the round trips it needs are made ahead, a few at
  // a time: each manifest's referrers listing as soon as the manifest is found in its subject's listing, and its
  // content (read for its children) as soon as it is planned. The walk takes each from here, so what it plans, in
  // what order, and the error it meets first (a listing's, at the place its iteration met it) are the same as when
  // made in turn. What is left when the plan is made, or fails, is stopped and settled before it returns.
  const ahead = new AbortController();
  const aheadOp: OpOptions = { ...options, signal: options.signal ? AbortSignal.any([options.signal, ahead.signal]) : ahead.signal };
  const limit = semaphore(READS_AT_ONCE);
  const started: Promise<unknown>[] = [];
  const listings = new Map<string, GatheredAhead<Descriptor>>();
  const listing = (d: Descriptor): GatheredAhead<Descriptor> => {
    let found = listings.get(d.digest);
    if (!found) {
      found = gatherAhead(() => target.referrers(d, aheadOp), limit, (r) => void listing(r));
      listings.set(d.digest, found);
      started.push(found.settled);
    }
    return found;
  };
  const contents = new Map<string, Promise<Descriptor[]>>();
  const childrenOf = (d: Descriptor): Promise<Descriptor[]> => {
    if (!isManifestMediaType(d.mediaType)) return Promise.resolve([]);
    let found = contents.get(d.digest);
    if (!found) {
      found = limit(async () => {
        try {
          return (await readManifestContent(target, d, aheadOp)).manifests;
        } catch (err) {
          if ((err as Error).name === 'AbortError') throw err;
          return []; // missing or unreadable: nothing below it to judge
        }
      });
      found.catch(() => {}); // an abort is the walk's when it comes to it
      contents.set(d.digest, found);
      started.push(found);
    }
    return found;
  };
  try {
    return await plan(target, desc, options, listing, childrenOf);
  } finally {
    ahead.abort();
    await Promise.allSettled(started);
  }
}

async function plan(
  target: ReadOnlyTarget,
  desc: Descriptor,
  options: OpOptions,
  listing: (d: Descriptor) => AsyncIterable<Descriptor>,
  childrenOf: (d: Descriptor) => Promise<Descriptor[]>,
): Promise<DeletePlan> {
  const doomed = new Map<string, PlannedDeletion>();
  const add = async (d: Descriptor, role: PlannedDeletion['role'], of?: string): Promise<void> => {
    if (doomed.has(d.digest)) return;
    doomed.set(d.digest, { desc: d, role, ...(of ? { of } : {}) });
    void childrenOf(d);
    for await (const r of listing(d)) await add(r, 'referrer', d.digest);
  };
  await add(desc, 'manifest');

  const parentOf = new Map<string, string>();
  // Each planned manifest's children, in the plan's order (their reads made ahead, at once).
  const childrenInOrder = async function* (): AsyncIterable<[PlannedDeletion, Descriptor[]]> {
    const planned = [...doomed.values()];
    const read = planned.map((p) => childrenOf(p.desc));
    for (const [i, p] of planned.entries()) yield [p, await read[i]!];
  };
  const kept: Descriptor[] = [];
  const childrenConsidered = typeof target.entries === 'function';
  if (childrenConsidered) {
    const entries = await target.entries!();
    const fallbacks = new Map<string, Descriptor>();
    for (const e of entries) {
      const m = /^([a-z0-9]+)-([a-f0-9]{32,})$/.exec(e.annotations?.[ANNOTATION_REF_NAME] ?? '');
      if (m) fallbacks.set(`${m[1]}:${m[2]}`, e);
    }
    for (;;) {
      for (const p of [...doomed.values()]) {
        const f = fallbacks.get(p.desc.digest);
        if (f && !doomed.has(f.digest)) doomed.set(f.digest, { desc: { mediaType: f.mediaType, digest: f.digest, size: f.size }, role: 'fallback', of: p.desc.digest });
      }
      for await (const [p, children] of childrenInOrder()) for (const c of children) if (!parentOf.has(c.digest)) parentOf.set(c.digest, p.desc.digest);
      const report = await unreachableAfter(target, entries, { delete: [...doomed.keys()] }, options);
      const fresh = report.manifests.filter((m) => !doomed.has(m.digest));
      if (fresh.length === 0) break;
      for (const m of fresh) await add(m, 'child', parentOf.get(m.digest));
    }
  }
  if (isImageIndex(desc.mediaType)) {
    for (const c of await childrenOf(desc)) if (!doomed.has(c.digest) && !kept.some((k) => k.digest === c.digest)) kept.push(c);
  }

  // Referrers before their subjects, an index before its children: no step leaves something listed that points at a deleted manifest.
  const before = new Map<string, Set<string>>([...doomed.keys()].map((k) => [k, new Set<string>()]));
  for (const p of doomed.values()) {
    if (p.role === 'referrer' && p.of) before.get(p.of)?.add(p.desc.digest);
  }
  for await (const [p, children] of childrenInOrder()) for (const c of children) if (doomed.has(c.digest)) before.get(c.digest)!.add(p.desc.digest);
  const deletions: PlannedDeletion[] = [];
  const done = new Set<string>();
  while (deletions.length < doomed.size) {
    const ready = [...doomed.values()].filter((p) => !done.has(p.desc.digest) && [...before.get(p.desc.digest)!].every((d) => done.has(d)));
    // Content addressing makes a cycle impossible; should one appear anyway, go on in discovery order.
    const next = ready.length > 0 ? ready : [[...doomed.values()].find((p) => !done.has(p.desc.digest))!];
    for (const p of next) {
      done.add(p.desc.digest);
      deletions.push(p);
    }
  }
  return { deletions, kept, childrenConsidered, waitFor: before };
}
