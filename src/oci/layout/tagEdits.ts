// How tag and untag change index.json's list of entries: pure list edits, kept apart from the store's I/O.
import type { Descriptor } from '../descriptor';
import { isManifestMediaType } from '../mediaType';
import { damageOf } from './indexFile';
import { nameOf, sameEntry, withName } from './indexView';

/** What a tag does to the list: the entries it keeps, in order, and those it took off `reference`. */
export interface Retagged {
  list: Descriptor[];
  removed: Descriptor[];
}

/**
 * Puts `entry` (named `reference`, for `digest`) into `manifests` in one pass over what may be 10,000 entries:
 * the entries named `reference` come out, the new entry goes where the first of them was, or replaces the
 * untagged entry that only kept this manifest listed. Undefined when the list already says exactly this.
 * `damaged` is called (and must throw) when an entry named `reference` is damaged: moving the tag would drop it.
 */
export function retag(manifests: readonly Descriptor[], entry: Descriptor, reference: string, damaged: () => never): Retagged | undefined {
  const removed: Descriptor[] = [];
  const list: Descriptor[] = [];
  let namedAt = -1;
  let untaggedAt = -1;
  for (const d of manifests) {
    const name = nameOf(d);
    if (name === reference) {
      if (damageOf(d)) damaged();
      if (namedAt === -1) namedAt = list.length;
      removed.push(d);
      continue;
    }
    if (!name && d.digest === entry.digest && !damageOf(d)) {
      if (untaggedAt !== -1) continue; // a second untagged entry of it: dropped
      untaggedAt = list.length;
    }
    list.push(d);
  }
  if (removed.length === 1 && sameEntry(removed[0]!, entry)) return undefined;
  if (untaggedAt !== -1) list[untaggedAt] = entry;
  else if (namedAt !== -1) list.splice(namedAt, 0, entry);
  else list.push(entry);
  return { list, removed };
}

/**
 * Entries that lost their tag: a manifest with no other entry stays listed untagged when `keepAll`
 * (a tag moved away from it) or when it has a subject (an untag: the way oras keeps referrers
 * discoverable); otherwise it is dropped from index.json (its blob stays).
 */
export async function keepNeeded(
  list: readonly Descriptor[],
  removed: readonly Descriptor[],
  keepAll: boolean,
  hasSubject: (desc: Descriptor) => Promise<boolean>,
): Promise<Descriptor[]> {
  const out = [...list];
  for (const old of removed) {
    if (damageOf(old) || out.some((d) => d.digest === old.digest)) continue;
    if (keepAll || (isManifestMediaType(old.mediaType) && (await hasSubject(old)))) out.push(withName(old, undefined));
  }
  return out;
}
