import { ANNOTATION_REF_NAME, type Descriptor } from '../descriptor';
import { isImageIndex, isManifestMediaType } from '../mediaType';
import type { OpOptions, ReadOnlyTarget } from '../target';
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
}

/**
 * What `manifest delete --include-referrers` deletes: the manifest, the referrers whose subject it is
 * (recursively), and for an index, its children that nothing else reaches (judged against the store's
 * entries, so only where it has them: a layout's index.json), each with their referrers in turn.
 * Configs and layers are not listed: a layout keeps them until `prune`, a registry collects them itself.
 */
export async function planDeleteWithReferrers(target: ReadOnlyTarget, desc: Descriptor, options: OpOptions = {}): Promise<DeletePlan> {
  const doomed = new Map<string, PlannedDeletion>();
  const add = async (d: Descriptor, role: PlannedDeletion['role'], of?: string): Promise<void> => {
    if (doomed.has(d.digest)) return;
    doomed.set(d.digest, { desc: d, role, ...(of ? { of } : {}) });
    for await (const r of target.referrers(d, options)) await add(r, 'referrer', d.digest);
  };
  await add(desc, 'manifest');

  const parentOf = new Map<string, string>();
  const childrenOf = async (d: Descriptor): Promise<Descriptor[]> => {
    if (!isManifestMediaType(d.mediaType)) return [];
    try {
      return (await readManifestContent(target, d, options)).manifests;
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      return []; // missing or unreadable: nothing below it to judge
    }
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
      for (const p of doomed.values()) for (const c of await childrenOf(p.desc)) if (!parentOf.has(c.digest)) parentOf.set(c.digest, p.desc.digest);
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
  for (const p of doomed.values()) for (const c of await childrenOf(p.desc)) if (doomed.has(c.digest)) before.get(c.digest)!.add(p.desc.digest);
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
  return { deletions, kept, childrenConsidered };
}
