import * as l10n from '@vscode/l10n';
import type { ImageIndex } from '../../oci/descriptor';
import { manifestName } from '../present/format';
import type { Services } from '../services';
import { annotationChanges } from './argValues';
import { plainArgs } from './args';
import { editableManifestFrom } from './targetArgs';
import { input, pickOne } from '../ui/prompts';
import { applyUpdate, referrerChoice, type UpdateCommandResult } from './updateIndex';

/**
 * `manifold.annotate`: edits an index's annotations in one go: the current ones are listed, each can be
 * changed or removed, new ones added, then "Apply" writes one updated index.
 * In a layout or on a registry. Arguments: an index node of either view, or `{ layout, index, annotations: ['key=value', 'key-'], referrers?: 'copy' | 'leave' }`.
 */
export async function annotate(services: Services, arg?: unknown, answers?: unknown): Promise<UpdateCommandResult> {
  const title = l10n.t('Edit Index Annotations');
  const target = await editableManifestFrom(services, arg, title, { indexOnly: true, key: 'index' });
  const given = annotationChanges(plainArgs(arg, answers).annotations, true);
  const choice = referrerChoice(plainArgs(arg, answers));
  if (given) return applyUpdate(services, target, { annotations: given }, title, choice);

  const index = JSON.parse((await target.target.fetchBytes(target.desc)).toString('utf8')) as ImageIndex;
  const current: Record<string, string> = { ...(index.annotations ?? {}) };
  const next: Record<string, string> = { ...current };
  for (;;) {
    const keys = Object.keys(next).sort();
    const changed = keys.length !== Object.keys(current).length || keys.some((k) => current[k] !== next[k]);
    const picked = await pickOne(
      [
        { label: l10n.t('$(check) Apply'), description: changed ? undefined : l10n.t('no changes yet'), key: '\0apply' },
        { label: l10n.t('$(add) Add annotation…'), key: '\0add' },
        ...keys.map((k) => ({ label: k, description: next[k], key: k })),
      ],
      { title: `${title}: ${manifestName(target.tag, target.desc.digest)}`, placeHolder: l10n.t('Pick an annotation to change or remove it') },
    );
    if (picked.key === '\0apply') break;
    if (picked.key === '\0add') {
      const entry = await input({
        title,
        prompt: 'key=value',
        validateInput: (v) => (v.indexOf('=') > 0 ? undefined : l10n.t('Use key=value')),
      });
      const eq = entry.indexOf('=');
      next[entry.slice(0, eq).trim()] = entry.slice(eq + 1);
      continue;
    }
    const value = await input({ title, prompt: l10n.t('Value of {0}; leave empty to remove it', picked.key), value: next[picked.key] });
    if (value === '') delete next[picked.key];
    else next[picked.key] = value;
  }
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(next)) if (current[k] !== v) set[k] = v;
  const remove = Object.keys(current).filter((k) => !(k in next));
  return applyUpdate(services, target, { annotations: { set, remove } }, title, choice);
}
