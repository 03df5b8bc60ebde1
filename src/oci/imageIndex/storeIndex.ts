import type { Descriptor } from '../descriptor';
import { inIndexBatch, type OpOptions, type Target } from '../target';
import type { IndexEventHandler } from './events';

/** Pushes an index document (its children are already stored) and points each tag at it. */
export async function storeIndex(target: Target, desc: Descriptor, raw: Buffer, tags: readonly string[], emit: IndexEventHandler, options: OpOptions): Promise<void> {
  // A layout's index.json is rewritten once for the push and every tag.
  await inIndexBatch(
    target,
    async (batched) => {
      await target.push(desc, raw, batched);
      emit({ type: 'pushed', desc });
      for (const tag of tags) {
        await target.tag(desc, tag, batched);
        emit({ type: 'tagged', tag, desc });
      }
    },
    options,
  );
}
