import * as l10n from '@vscode/l10n';
import { parseRegistryReference } from '../../oci/registry';
import type { Services } from '../services';
import { input, pickOne } from '../ui/prompts';

/**
 * A repository of the Registries view, or another one typed in: `host/repo`, or with `tag` set, `host/repo:tag`
 * (the input starts at `host/repo:` when one was picked). For the layout commands that copy or pull a whole reference.
 */
export async function askRepository(services: Services, title: string, prompt: string, tag = false): Promise<string> {
  const known = services.registries.list().flatMap((r) => r.repositories.map((repo) => `${r.host}/${repo}`));
  const other = l10n.t('Other…');
  const picked = known.length > 0 ? (await pickOne([...known.map((k) => ({ label: k })), { label: other }], { title, placeHolder: prompt })).label : other;
  if (picked !== other && !tag) return picked;
  const value = await input({
    title,
    prompt,
    value: picked === other ? '' : `${picked}:`,
    placeHolder: tag ? 'localhost:5000/team/app:v1' : 'localhost:5000/team/app',
    validateInput: (v) => {
      try {
        const r = parseRegistryReference(v.trim());
        if (tag && !r.reference) return l10n.t('Add :tag or @digest');
        if (!tag && r.reference) return l10n.t('Name only the repository');
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  return value.trim();
}
