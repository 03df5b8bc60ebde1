import * as l10n from '@vscode/l10n';
import { ReferrerFilter } from '../../oci/copy';
import type { Descriptor } from '../../oci/descriptor';
import { type KindTable, predicateTypesOf } from '../../oci/referrers';
import type { ReadOnlyTarget } from '../../oci/target';
import { referrerName } from '../present/items';
import { referrerKindTable } from '../settings/referrerKinds';
import { pickMany, pickOne } from '../ui/prompts';

/** Past this many referrers of one image, the choice names the kinds it has seen rather than listing on. */
const LOOK_AT = 50;

/** Whether a copy brings the referrers, and which (`cp -r --only`): all when `only` is unset. */
export interface ReferrerChoice {
  referrers: boolean;
  only?: ReferrerFilter;
}

/**
 * Whether a copy brings the referrers (signatures, SBOMs, attestations) along: `given` (an argument, with `only`: kind
 * ids or artifact types, as `cp -r --only` takes them), else, when the user is answering the copy's questions, a
 * choice, asked only when the image has referrers of its own (one listing): all of them, only some kinds (picked
 * among the kinds of manifold.referrerKinds' table), or none. They come along unless the user says otherwise, as
 * `oras cp -r` and the CLI's `cp` do.
 */
export async function askCopyReferrers(target: ReadOnlyTarget, desc: Descriptor, title: string, given: unknown, interactive: boolean, only?: unknown): Promise<ReferrerChoice> {
  const table = referrerKindTable();
  const told = givenOnly(only, given, table);
  if (told) return told;
  if (typeof given === 'boolean') return { referrers: given };
  if (!interactive) return { referrers: true };
  const names = new Map<string, number>();
  const seen = new Set<string>();
  if ((await tallyReferrers(target, desc, names, (r) => kindsOfReferrer(table, r).forEach((k) => seen.add(k)))) === 0) return { referrers: true };
  const what = referrerKindsText(names);
  const items = [
    { label: l10n.t('With its referrers'), description: what, detail: l10n.t('and the referrers of what is below it (each platform of an index)'), value: 'all' as const },
    SOME_KINDS_ITEM(),
    { label: l10n.t('Without referrers'), description: l10n.t('the image alone'), value: 'none' as const },
  ];
  const choice = (await pickOne(items, { title, placeHolder: l10n.t('Attached to it: {0}. Copy them too?', what) })).value;
  if (choice !== 'some') return { referrers: choice === 'all' };
  return { referrers: true, only: await pickReferrerKinds(table, seen, title) };
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

/** The kinds `table` tells of referrer `r`, as coverage does. */
export function kindsOfReferrer(table: KindTable, r: Descriptor): string[] {
  return table.classify({ artifactType: r.artifactType, annotations: r.annotations, predicateTypes: predicateTypesOf(r.annotations) });
}

/**
 * Counts the referrers of `desc` by kind into `names` (`SBOM` -> 2), up to LOOK_AT of them (past that the choice names
 * the kinds seen rather than listing on); returns how many were seen.
 */
export async function tallyReferrers(target: ReadOnlyTarget, desc: Descriptor, names: Map<string, number>, each?: (r: Descriptor) => void): Promise<number> {
  let seen = 0;
  for await (const r of target.referrers(desc)) {
    each?.(r);
    const name = referrerName(r);
    names.set(name, (names.get(name) ?? 0) + 1);
    if (++seen >= LOOK_AT) break;
  }
  return seen;
}

/** `signature ×2, SBOM`: the kinds tallied, for a choice's description. */
export function referrerKindsText(names: ReadonlyMap<string, number>): string {
  return [...names].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
}
