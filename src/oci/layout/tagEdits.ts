// How tag and untag change index.json's list of entries: pure list edits, kept apart from the store's I/O.
import type { Descriptor } from '../descriptor';
import { isManifestMediaType, otherKindDeclared } from '../mediaType';
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

/** What keepNeeded reads of a stored manifest: its own mediaType and whether it has a subject. */
export interface StoredDocument {
  mediaType?: string;
  subject?: unknown;
}

/**
 * Entries that lost their tag: a manifest with no other entry stays listed untagged when `keepAll`
 * (a tag moved away from it) or when it has a subject (an untag: the way oras keeps referrers
 * discoverable); otherwise it is dropped from index.json (its blob stays). An entry kept is written anew: listed
 * as the other kind than its document declares (an index under an image manifest type, or the reverse: a damaged
 * or hand-edited index.json), it is listed as the document's kind, as tag lists what it writes, instead of keeping
 * a wrong listing that `check` would go on reporting.
 */
export async function keepNeeded(
  list: readonly Descriptor[],
  removed: readonly Descriptor[],
  keepAll: boolean,
  stored: (desc: Descriptor) => Promise<StoredDocument | undefined>,
): Promise<Descriptor[]> {
  const out = [...list];
  for (const old of removed) {
    if (damageOf(old) || out.some((d) => d.digest === old.digest)) continue;
    const doc = isManifestMediaType(old.mediaType) ? await stored(old) : undefined;
    if (!keepAll && !doc?.subject) continue;
    const kept = withName(old, undefined);
    const own = otherKindDeclared(old.mediaType, doc);
    if (own !== undefined) kept.mediaType = own;
    out.push(kept);
  }
  return out;
}
