import * as l10n from '@vscode/l10n';
import { referrersToCarry, type ReferrerToCarry } from '../../oci/copy';
import type { Descriptor } from '../../oci/descriptor';
import { COSIGN_TAG_KINDS, type KindTable, parseCosignTag } from '../../oci/referrers';
import type { ReadOnlyTarget } from '../../oci/target';
import { kindName } from '../present/coverageItem';
import { referrerName } from '../present/items';
import { referrerKindTable } from '../settings/referrerKinds';
import { withProgress } from '../ui/progress';
import { Cancelled, pickOne } from '../ui/prompts';
import { kindsOfReferrer, pickReferrerKinds, type ReferrerChoice, referrerKindsText, SOME_KINDS_ITEM } from './copyReferrers';

/** Past this many tags, the referrers question is asked from what the first of them have. */
const TALLY_TAGS = 20;

/** Past this many referrers under one tag, the question names the kinds it has seen rather than looking on. */
const LOOK_AT = 50;

/**
 * Whether the referrers of a set of tags come along (Back Up Repository…, Copy Layout to Registry, Import .tar into
 * Layout…), and which: asked only when the copy would carry some (of the first TALLY_TAGS tags): a tag's own, an
 * index's platforms', those of referrers, cosign's tags, found by the copy's own walk (referrersToCarry), naming how
 * many tags have them, how many are on platforms, and their kinds. They come along unless the user says otherwise, as
 * in Copy to Layout; Only Some Kinds… picks the kinds, those found ticked. `question` words the pick's placeholder
 * from "1 of the 2 tags has referrers" and the kinds; `without`: whether "Without referrers" is offered.
 */
export async function askTagsReferrers(
  src: ReadOnlyTarget,
  tags: ReadonlyArray<{ desc: Descriptor }>,
  title: string,
  question: (some: string, what: string) => string,
  without = true,
): Promise<ReferrerChoice> {
  const looked = tags.slice(0, TALLY_TAGS);
  const table = referrerKindTable();
  const found = await withProgress(l10n.t('Looking for referrers…'), (signal) =>
    referrersToCarry(src, looked.map((t) => t.desc), { signal, most: LOOK_AT }).catch((err: unknown) => {
      if (signal.aborted) throw new Cancelled();
      throw err;
    }),
  );
  const withSome = found.filter((f) => f.length > 0).length;
  if (withSome === 0) return { referrers: true };
  // Each referrer once, though two tags name one image, or one index holds another's platform.
  const each = new Map(found.flat().map((f) => [`${f.desc.digest} ${f.tag ?? ''}`, f]));
  const names = new Map<string, number>();
  const seen = new Set<string>();
  for (const f of each.values()) {
    const name = carriedName(f);
    names.set(name, (names.get(name) ?? 0) + 1);
    kindsOfCarried(table, f).forEach((k) => seen.add(k));
  }
  // By name: a registry lists referrers in an order of its own, a layout in another.
  const what = referrerKindsText(new Map([...names].sort(([a], [b]) => a.localeCompare(b))));
  const tagsSome =
    looked.length < tags.length
      ? l10n.t('{0} of the first {1} tags have referrers', withSome, looked.length)
      : withSome === 1
      ? l10n.t('1 of the {0} tags has referrers', tags.length)
      : l10n.t('{0} of the {1} tags have referrers', withSome, tags.length);
  // Those on an index's platforms named too: the tags may have none of their own (signed with attach --platform).
  const onPlatforms = [...each.values()].filter((f) => f.on === 'platform').length;
  const some =
    onPlatforms === 0
      ? tagsSome
      : withSome === 1
      ? l10n.t('{0}, {1} of the {2} on its platforms', tagsSome, onPlatforms, each.size)
      : l10n.t('{0}, {1} of the {2} on their platforms', tagsSome, onPlatforms, each.size);
  const items = [
    { label: l10n.t('With their referrers'), description: what, detail: l10n.t('and the referrers of what is below each (each platform of an index)'), value: 'all' as const },
    SOME_KINDS_ITEM(),
    ...(without ? [{ label: l10n.t('Without referrers'), description: l10n.t('the images alone'), value: 'none' as const }] : []),
  ];
  const choice = (await pickOne(items, { title, placeHolder: question(some, what) })).value;
  if (choice !== 'some') return { referrers: choice === 'all' };
  return { referrers: true, only: await pickReferrerKinds(table, seen, title) };
}

/** A cosign tag's manifest is what its suffix says (as the copy's --only judges it); a referrer, what it says it is. */
function kindsOfCarried(table: KindTable, f: ReferrerToCarry): string[] {
  const suffix = f.tag ? parseCosignTag(f.tag)?.suffix : undefined;
  return suffix ? [COSIGN_TAG_KINDS[suffix]] : kindsOfReferrer(table, f.desc);
}

function carriedName(f: ReferrerToCarry): string {
  const suffix = f.tag ? parseCosignTag(f.tag)?.suffix : undefined;
  return suffix ? kindName(COSIGN_TAG_KINDS[suffix], new Map()) : referrerName(f.desc);
}
