// A layout or a registry repository checked whole: where the walks start when no tag or digest is given.
import { ANNOTATION_REF_NAME, type Descriptor } from '../descriptor';
import { damagedEntriesOf, unlistedEntriesOf } from '../graph';
import { listedTypeFinding } from '../indexDocument';
import { isFallbackTag, shortDigest } from '../reference';
import type { ReadOnlyTarget } from '../target';
import type { GraphCheck } from './checkGraph';
import { checkUnreachableBlobs } from './unreachableNotes';

/**
 * A layout whole: the entries index.json cannot use are problems of index.json (no digest, the entry's path); each
 * one it lists is checked, named by its tag or `@digest`; then each entry's mediaType is compared with what its
 * document declares (a problem of index.json too). `layout` is the store itself (it reports the unreadable
 * entries), `check` may read through another target over it. `name`: the layout as the user named it; given, the
 * blobs nothing index.json reaches are said too where `layout` can tell them (a folder; see unreachableNotes).
 */
export async function checkLayoutEntries(layout: ReadOnlyTarget, check: GraphCheck, name?: string): Promise<void> {
  for (const d of await unlistedEntriesOf(layout)) {
    check.note({ severity: 'error', code: 'damaged-entry', where: 'index.json', document: 'index.json', digest: '', path: d.path, message: d.problem });
  }
  const entries = (await layout.entries?.()) ?? [];
  // Tagged entries first: a referrer reached from its subject is then named by where it hangs, not by its digest.
  const tagged = (d: Descriptor) => d.annotations?.[ANNOTATION_REF_NAME];
  for (const d of [...entries.filter(tagged), ...entries.filter((d) => !tagged(d))]) await check.add(d, tagged(d) ?? `@${shortDigest(d.digest)}`);
  await checkLayoutEntryTypes(layout, check);
  if (name !== undefined) await checkUnreachableBlobs(layout, name, check);
}

/**
 * Notes each index.json entry (of those `listed` picks) whose mediaType disagrees with what its document declares,
 * as a problem of index.json at the entry's mediaType; call it once `check` has checked the documents (it compares
 * with what they declared, read nothing again). For a layout checked by tag or digest too: its entries for the root.
 */
export async function checkLayoutEntryTypes(layout: ReadOnlyTarget, check: GraphCheck, listed: (d: Descriptor) => boolean = () => true): Promise<void> {
  const entries = (await layout.entries?.()) ?? [];
  // entries() leaves the damaged entries out: the others' places in index.json are the places left between them.
  const damaged = new Set((await damagedEntriesOf(layout)).map((d) => d.at));
  let at = 0;
  for (const d of entries) {
    while (damaged.has(at)) at++;
    const declared = listed(d) ? check.declaredBy(d.digest) : undefined;
    const found = declared && listedTypeFinding(d.mediaType, declared, d.digest, ['manifests', at]);
    if (found) check.note({ severity: found.severity, code: found.code, where: 'index.json', document: 'index.json', digest: '', path: found.path, message: found.message, link: found.link });
    at++;
  }
}

/** A repository whole: each tag, referrers' fallback tags last (their referrers are reached from their subjects first). */
export async function checkRepositoryTags(repository: ReadOnlyTarget, check: GraphCheck): Promise<void> {
  const { signal } = check;
  const tags: string[] = [];
  for await (const tag of repository.tags({ signal })) tags.push(tag);
  for (const tag of [...tags.filter((x) => !isFallbackTag(x)), ...tags.filter(isFallbackTag)]) {
    let desc: Descriptor;
    try {
      desc = await repository.resolve(tag, { signal });
    } catch (err) {
      if (signal?.aborted) throw err; // cancelled: not a problem of the tag
      check.note({ severity: 'error', code: 'unresolvable-tag', where: tag, document: 'tag', digest: '', path: '', message: `the tag is listed but cannot be resolved: ${(err as Error).message}` });
      continue;
    }
    await check.add(desc, tag);
  }
}
