import * as l10n from '@vscode/l10n';
import { checkRegistry } from '../../oci/registry';
import type { Services } from '../services';
import { plainArgs } from './args';
import { askHost, askPlainHttp } from './registryArgs';

/** `manifold.addRegistry`: shows a registry in the Registries view. Arguments: `{ registry, plainHttp? }`. Returns the host. */
export async function addRegistry(services: Services, arg?: unknown): Promise<string> {
  const title = l10n.t('Add Registry');
  const plain = plainArgs(arg);
  const host = typeof plain.registry === 'string' ? checkRegistry(plain.registry) : await askHost(title);
  const plainHttp = typeof plain.plainHttp === 'boolean' ? plain.plainHttp : typeof plain.registry === 'string' ? false : await askPlainHttp(host, title);
  await services.registries.add(host, plainHttp);
  await services.registriesTree.registries();
  return host;
}
