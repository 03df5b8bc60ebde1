import * as l10n from '@vscode/l10n';
import { checkRegistry } from '../../oci/registry';
import type { Services } from '../services';
import { plainArgs } from './args';
import { askAddress, askPlainHttp } from './registryArgs';

/** `manifold.addRegistry`: shows a registry in the Registries view. Arguments: `{ registry, plainHttp? }`. Returns the host. */
export async function addRegistry(services: Services, arg?: unknown): Promise<string> {
  const title = l10n.t('Add Registry');
  const plain = plainArgs(arg);
  // `{ registry }` from a caller is a host; typed by a person, `http://host:port` also says plain HTTP.
  const address = typeof plain.registry === 'string' ? { host: checkRegistry(plain.registry), plainHttp: false } : await askAddress(title);
  const host = address.host;
  const plainHttp = typeof plain.plainHttp === 'boolean' ? plain.plainHttp : address.plainHttp ?? (await askPlainHttp(host, title));
  await services.registries.add(host, plainHttp);
  await services.registriesTree.registries();
  return host;
}
