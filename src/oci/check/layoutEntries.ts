import { ANNOTATION_REF_NAME, type Descriptor } from '../descriptor';
import { unlistedEntriesOf } from '../graph';
import { shortDigest } from '../reference';
import type { ReadOnlyTarget } from '../target';
import type { GraphCheck } from './checkGraph';

/**
 * A layout whole: the entries index.json cannot use are problems of index.json (no digest, the entry's path); each
 * one it lists is checked, named by its tag or `@digest`. `layout` is the store itself (it reports the unreadable
 * entries), `check` may read through another target over it.
 */
export async function checkLayoutEntries(layout: ReadOnlyTarget, check: GraphCheck): Promise<void> {
  for (const d of await unlistedEntriesOf(layout)) {
    check.note({ severity: 'error', code: 'damaged-entry', where: 'index.json', digest: '', path: d.path, message: d.problem });
  }
  const entries = (await layout.entries?.()) ?? [];
  // Tagged entries first: a referrer reached from its subject is then named by where it hangs, not by its digest.
  const tagged = (d: Descriptor) => d.annotations?.[ANNOTATION_REF_NAME];
  for (const d of [...entries.filter(tagged), ...entries.filter((d) => !tagged(d))]) await check.add(d, tagged(d) ?? `@${shortDigest(d.digest)}`);
}
