import type { Descriptor } from '../descriptor';
import { isOciError } from '../errors';
import type { OpOptions, Target } from '../target';
import type { DeletePlan } from './deletePlan';

export interface DeletePlanOutcome {
  /** Deleted, in the plan's order. */
  deleted: Descriptor[];
  /** Not found when their turn came: a referrer a fallback tag lists but that is not stored, or one another process deleted meanwhile. */
  missing: Descriptor[];
}

/**
 * Deletes what `planDeleteWithReferrers` planned, one at a time in its order (referrers before their subjects, an
 * index before its children), so a run stopped part way never leaves a listed manifest pointing at a deleted one.
 * Each deletion is by the bare descriptor (the plan's may carry a platform or artifact type from a listing).
 */
export async function runDeletePlan(
  target: Target,
  plan: DeletePlan,
  options: OpOptions & { onDeleted?: (desc: Descriptor, missing: boolean) => void } = {},
): Promise<DeletePlanOutcome> {
  const outcome: DeletePlanOutcome = { deleted: [], missing: [] };
  for (const { desc } of plan.deletions) {
    options.signal?.throwIfAborted();
    try {
      await target.delete({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, options);
    } catch (err) {
      if (!isOciError(err, 'NOT_FOUND')) throw err;
      outcome.missing.push(desc);
      options.onDeleted?.(desc, true);
      continue;
    }
    outcome.deleted.push(desc);
    options.onDeleted?.(desc, false);
  }
  return outcome;
}
