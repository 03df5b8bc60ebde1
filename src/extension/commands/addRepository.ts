import * as l10n from '@vscode/l10n';
import { isValidRepository } from '../../oci/registry';
import type { Services } from '../services';
import { plainArgs } from './args';
import { input } from '../ui/prompts';
import { registryFrom } from './registryArgs';

/** `manifold.addRepository`: a repository by name, for registries whose catalog is closed. Arguments: `{ registry, repository }`. */
export async function addRepository(services: Services, arg?: unknown): Promise<string> {
  const title = l10n.t('Add Repository');
  const host = await registryFrom(services, arg, title);
  const given = plainArgs(arg).repository;
  const name =
    typeof given === 'string'
      ? given
      : await input({
          title: `${title}: ${host}`,
          prompt: l10n.t('Repository name'),
          placeHolder: 'team/app',
          validateInput: (v) => (isValidRepository(v.trim()) ? undefined : l10n.t('Lowercase path components such as team/app')),
        });
  await services.registries.addRepository(host, name.trim());
  return `${host}/${name.trim()}`;
}
