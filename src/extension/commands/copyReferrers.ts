import * as l10n from '@vscode/l10n';
import type { Descriptor } from '../../oci/descriptor';
import type { ReadOnlyTarget } from '../../oci/target';
import { referrerName } from '../present/items';
import { pickOne } from '../ui/prompts';

/** Past this many referrers of one image, the choice names the kinds it has seen rather than listing on. */
const LOOK_AT = 50;

/**
 * Whether a copy brings the referrers (signatures, SBOMs, attestations) along: `given` (an argument), else, when
 * the user is answering the copy's questions, a choice, asked only when the image has referrers of its own (one
 * listing). They come along unless the user says otherwise, as `oras cp -r` and the CLI's `cp` do.
 */
export async function askCopyReferrers(target: ReadOnlyTarget, desc: Descriptor, title: string, given: unknown, interactive: boolean): Promise<boolean> {
  if (typeof given === 'boolean') return given;
  if (!interactive) return true;
  const names = new Map<string, number>();
  if ((await tallyReferrers(target, desc, names)) === 0) return true;
  const what = referrerKindsText(names);
  const items = [
    { label: l10n.t('With its referrers'), description: what, detail: l10n.t('and the referrers of what is below it (each platform of an index)'), value: true },
    { label: l10n.t('Without referrers'), description: l10n.t('the image alone'), value: false },
  ];
  return (await pickOne(items, { title, placeHolder: l10n.t('Attached to it: {0}. Copy them too?', what) })).value;
}

/**
 * Counts the referrers of `desc` by kind into `names` (`SBOM` -> 2), up to LOOK_AT of them (past that the choice names
 * the kinds seen rather than listing on); returns how many were seen.
 */
export async function tallyReferrers(target: ReadOnlyTarget, desc: Descriptor, names: Map<string, number>): Promise<number> {
  let seen = 0;
  for await (const r of target.referrers(desc)) {
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
