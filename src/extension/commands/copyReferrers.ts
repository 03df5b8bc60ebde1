import * as l10n from '@vscode/l10n';
import { ReferrerFilter, resolveCopyRoot } from '../../oci/copy';
import type { Descriptor } from '../../oci/descriptor';
import type { KindTable } from '../../oci/referrers';
import type { PlatformPattern } from '../../oci/platformPattern';
import type { ReadOnlyTarget } from '../../oci/target';
import { referrerKindTable } from '../settings/referrerKinds';
import { pickMany, pickOne } from '../ui/prompts';
import { lookForReferrers, tallyCarried } from './carriedReferrers';

/** Whether a copy brings the referrers, and which (`cp -r --only`): all when `only` is unset. */
export interface ReferrerChoice {
  referrers: boolean;
  only?: ReferrerFilter;
}

/**
 * Whether a copy brings the referrers (signatures, SBOMs, attestations) along: `given` (an argument, with `only`: kind
 * ids or artifact types, as `cp -r --only` takes them), else, when the user is answering the copy's questions, a
 * choice, asked only when the copy would carry some: what the copy's own walk finds from the root it copies (of an
 * index, with `platforms` picked, the one platform or the new index of them): its own, its platforms', those of
 * referrers, cosign's tags (carriedReferrers.ts). All of them, only some kinds (picked among the kinds of
 * manifold.referrerKinds' table, those found ticked), or none. They come along unless the user says otherwise, as
 * `oras cp -r` and the CLI's `cp` do.
 */
export async function askCopyReferrers(
  source: { target: ReadOnlyTarget; desc: Descriptor; reference: string },
  title: string,
  given: unknown,
  interactive: boolean,
  only?: unknown,
  platforms?: readonly PlatformPattern[],
): Promise<ReferrerChoice> {
  const table = referrerKindTable();
  const told = givenOnly(only, given, table);
  if (told) return told;
  if (typeof given === 'boolean') return { referrers: given };
  if (!interactive) return { referrers: true };
  // What the copy will walk: with some platforms picked, not the index the user chose but what replaces it.
  const root = platforms ? await resolveCopyRoot(source.target, source.reference, [], { platforms }) : { source: source.target, root: source.desc };
  const tally = tallyCarried(table, await lookForReferrers([{ target: root.source, desc: root.root }]));
  if (tally.count === 0) return { referrers: true };
  const { what, count, onPlatforms } = tally;
  const items = [
    { label: l10n.t('With its referrers'), description: what, detail: l10n.t('and the referrers of what is below it (each platform of an index)'), value: 'all' as const },
    SOME_KINDS_ITEM(),
    { label: l10n.t('Without referrers'), description: l10n.t('the image alone'), value: 'none' as const },
  ];
  // Those on an index's platforms counted apart: an index signed with attach --platform has none of its own.
  const placeHolder =
    onPlatforms === 0
      ? l10n.t('Attached to it: {0}. Copy them too?', what)
      : onPlatforms === 1
      ? l10n.t('1 of its {0} referrers is on its platforms: {1}. Copy them too?', count, what)
      : l10n.t('{0} of its {1} referrers are on its platforms: {2}. Copy them too?', onPlatforms, count, what);
  const choice = (await pickOne(items, { title, placeHolder })).value;
  if (choice !== 'some') return { referrers: choice === 'all' };
  return { referrers: true, only: await pickReferrerKinds(table, tally.seen, title) };
}

/** `only` given as an argument (kind ids or artifact types, as `cp -r --only` takes them), unless `referrers` is false. */
export function givenOnly(only: unknown, referrers: unknown, table = referrerKindTable()): ReferrerChoice | undefined {
  if (!Array.isArray(only) || referrers === false) return undefined;
  return { referrers: true, only: new ReferrerFilter(only.filter((v): v is string => typeof v === 'string'), table, 'only') };
}

/** The choice that leads to pickReferrerKinds, beside "with" and "without" referrers. */
export const SOME_KINDS_ITEM = () => ({ label: l10n.t('Only Some Kinds…'), description: l10n.t('signatures and SBOMs, say: picked next'), value: 'some' as const });

/** The kinds of referrer to carry, picked among the table's; those in `seen` (the referrers found are of them) come ticked. */
export async function pickReferrerKinds(table: KindTable, seen: ReadonlySet<string>, title: string): Promise<ReferrerFilter> {
  const kinds = await pickMany(
    table.columns.map((c) => ({ label: c.title, description: c.id, id: c.id, picked: seen.has(c.id) })),
    { title, placeHolder: l10n.t('The kinds of referrer to copy') },
  );
  return new ReferrerFilter(kinds.map((k) => k.id), table, 'only');
}
