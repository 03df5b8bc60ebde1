import type { Descriptor } from '../descriptor';
import { isOciError } from '../errors';
import { semaphore } from '../semaphore';
import type { OpOptions, Target } from '../target';
import type { DeletePlan } from './deletePlan';

export interface DeletePlanOutcome {
  /** Deleted, in the plan's order. */
  deleted: Descriptor[];
  /** Not found when their turn came: a referrer a fallback tag lists but that is not stored, or one another process deleted meanwhile. */
  missing: Descriptor[];
}

/**
 * Deletions sent at once on a registry: the registry client's own connection limit. Each is a DELETE, and on a
 * registry without the referrers API a read of the manifest and a rewrite of its subject's fallback tag too.
 */
const DELETIONS_AT_ONCE = 8;

/**
 * Deletes what `planDeleteWithReferrers` planned, in its order (referrers before their subjects, an index before its
 * children), so a run stopped part way never leaves a listed manifest pointing at a deleted one. Each deletion is by
 * the bare descriptor (the plan's may carry a platform or artifact type from a listing). `onDeleted` and the outcome
 * follow the plan's order; the error thrown is the first in that order.
 *
 * On a registry up to DELETIONS_AT_ONCE are sent at once, each only once those the plan's `waitFor` puts before it
 * are deleted (or missing), so that order holds as when sent one by one. Two referrers of one subject are sent at
 * once too: with the referrers API the registry lists them itself; without it, each deletion rewrites the subject's
 * `sha256-<hex>` fallback index (read, push the list without it, delete the old), and RemoteRepository.delete queues
 * the DELETE and that change with the subject's others: one rewrite at a time per subject sends the DELETEs queued,
 * then pushes one index without them all (two rewrites at once would lose one's change, and an index pushed while a
 * referrer it lists is being deleted would name a manifest gone, which a registry refuses). When one fails, those after it in the plan are
 * no longer sent (those before it still are, as one by one); those already sent are let finish, not cut off (the
 * registry may have done the deletion), and said before the error is thrown. A store that lists its entries (a
 * layout) rewrites index.json under its lock for each deletion, on the spot: there they go one by one, as does a
 * plan without `waitFor`.
 */
export async function runDeletePlan(
  target: Target,
  plan: DeletePlan,
  options: OpOptions & { onDeleted?: (desc: Descriptor, missing: boolean) => void } = {},
): Promise<DeletePlanOutcome> {
  const atOnce = plan.waitFor !== undefined && typeof target.entries !== 'function';
  const limit = semaphore(atOnce ? DELETIONS_AT_ONCE : 1);
  let stopAfter = Infinity; // the position of the first deletion in the plan known to have failed
  const sent = new Map<string, Promise<boolean | undefined>>(); // digest -> missing, or undefined when not sent
  const runs = plan.deletions.map(({ desc }, i) => {
    // Only those planned earlier are waited for: should a cycle have made the plan go on in discovery order, a later
    // one is not. One by one, each waits for the one before it.
    const before = atOnce ? [...(plan.waitFor!.get(desc.digest) ?? [])] : i > 0 ? [plan.deletions[i - 1]!.desc.digest] : [];
    const first = before.map((d) => sent.get(d)).filter((p) => p !== undefined);
    const run = Promise.all(first).then(() =>
      limit(async () => {
        if (i > stopAfter) return undefined; // not sent: one before it failed
        options.signal?.throwIfAborted();
        try {
          await target.delete({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, options);
          return false;
        } catch (err) {
          if (isOciError(err, 'NOT_FOUND')) return true;
          stopAfter = Math.min(stopAfter, i);
          throw err;
        }
      }),
    );
    run.catch(() => {}); // awaited in its turn below
    sent.set(desc.digest, run);
    return run;
  });

  const outcome: DeletePlanOutcome = { deleted: [], missing: [] };
  const said = (desc: Descriptor, missing: boolean) => {
    (missing ? outcome.missing : outcome.deleted).push(desc);
    options.onDeleted?.(desc, missing);
  };
  for (const [i, run] of runs.entries()) {
    let missing: boolean | undefined;
    try {
      missing = await run;
    } catch (err) {
      // The first failure in the plan's order: those after it that were sent already are let finish and said.
      stopAfter = Math.min(stopAfter, i);
      const after = await Promise.allSettled(runs.slice(i + 1));
      for (const [j, r] of after.entries()) if (r.status === 'fulfilled' && r.value !== undefined) said(plan.deletions[i + 1 + j]!.desc, r.value);
      throw err;
    }
    if (missing === undefined) continue; // not reached: a run before it failed (and is thrown above)
    said(plan.deletions[i]!.desc, missing);
  }
  return outcome;
}
