import * as l10n from '@vscode/l10n';
import type { Descriptor } from '../../oci/descriptor';
import type { ReadOnlyTarget } from '../../oci/target';
import { referrerName } from '../present/items';
import { pickOne } from '../ui/prompts';

/** Past this many, the choice names the kinds it has seen rather than listing on. */
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
  let seen = 0;
  for await (const r of target.referrers(desc)) {
    const name = referrerName(r);
    names.set(name, (names.get(name) ?? 0) + 1);
    if (++seen >= LOOK_AT) break;
  }
  if (seen === 0) return true;
  const what = [...names].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
  const items = [
    { label: l10n.t('With its referrers'), description: what, detail: l10n.t('and the referrers of what is below it (each platform of an index)'), value: true },
    { label: l10n.t('Without referrers'), description: l10n.t('the image alone'), value: false },
  ];
  return (await pickOne(items, { title, placeHolder: l10n.t('Attached to it: {0}. Copy them too?', what) })).value;
}
