// What Copy to Layout asks once for several rows (copyRowsToLayout.ts): the questions one row's copy asks of it
// alone, put to the whole selection.
import * as l10n from '@vscode/l10n';
import { basename } from 'node:path';
import { manifestName } from '../present/format';
import { referrerKindTable } from '../settings/referrerKinds';
import { pickOne } from '../ui/prompts';
import type { SourceManifest } from './args';
import { askLayoutTag } from './copyIntoLayout';
import { lookForReferrers, tallyCarried, withPlatformsText } from './carriedReferrers';
import { pickReferrerKinds, type ReferrerChoice, SOME_KINDS_ITEM } from './copyReferrers';

/** `app:v1`, `app@abcd1234abcd`: a row by its layout folder's name and its tag (or digest). */
export function rowName(s: SourceManifest): string {
  const where = s.ref.kind === 'layout' ? basename(s.ref.path) : s.ref.repository;
  return `${where}${s.tag !== undefined ? ':' : '@'}${manifestName(s.tag, s.desc.digest)}`;
}

/** The tag a row without one a reference can carry is given, asked naming the row. */
export async function askRowTag(title: string, source: SourceManifest): Promise<string[]> {
  return [await askLayoutTag(`${title} (${rowName(source)})`, source.tag)];
}

/** Two rows that would give one tag to different manifests: refused before anything is asked or copied. */
export function refuseSharedTags(sources: readonly SourceManifest[], tags: readonly (readonly string[])[]): void {
  const given = new Map<string, number>();
  for (const [i, rowTags] of tags.entries()) {
    for (const tag of rowTags) {
      const first = given.get(tag);
      if (first !== undefined && sources[first]!.desc.digest !== sources[i]!.desc.digest) {
        throw new Error(l10n.t('{0} and {1} would both be tagged {2} in the destination: copy them one at a time.', rowName(sources[first]!), rowName(sources[i]!), tag));
      }
      given.set(tag, first ?? i);
    }
  }
}

/**
 * Whether the rows' referrers come along, and which: asked once, only when the copy of some row would carry any (its
 * own, an index's platforms', those of referrers, cosign's tags: carriedReferrers.ts), naming how many rows have some,
 * how many are on platforms, and the kinds; the answer holds for every row. They come along unless the user says
 * otherwise; Only Some Kinds… picks the kinds, those found ticked.
 */
export async function askRowsReferrers(title: string, sources: readonly SourceManifest[]): Promise<ReferrerChoice> {
  const table = referrerKindTable();
  const tally = tallyCarried(table, await lookForReferrers(sources));
  const { withSome: rows, what } = tally;
  if (rows === 0) return { referrers: true };
  const some = withPlatformsText(rows === 1 ? l10n.t('1 of the {0} rows has referrers', sources.length) : l10n.t('{0} of the {1} rows have referrers', rows, sources.length), tally);
  const items = [
    { label: l10n.t('With their referrers'), description: what, detail: l10n.t('and the referrers of what is below each (each platform of an index)'), value: 'all' as const },
    SOME_KINDS_ITEM(),
    { label: l10n.t('Without referrers'), description: l10n.t('the images alone'), value: 'none' as const },
  ];
  const choice = (await pickOne(items, { title, placeHolder: l10n.t('{0}: {1}. Copy them too?', some, what) })).value;
  if (choice !== 'some') return { referrers: choice === 'all' };
  return { referrers: true, only: await pickReferrerKinds(table, tally.seen, title) };
}
