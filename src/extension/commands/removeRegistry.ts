import * as l10n from '@vscode/l10n';
import type { Services } from '../services';
import { registryFrom } from './registryArgs';

/** `manifold.removeRegistry`: stops showing a registry; its stored credentials stay until "Sign Out". */
export async function removeRegistry(services: Services, arg?: unknown): Promise<void> {
  const host = await registryFrom(services, arg, l10n.t('Remove Registry'));
  await services.registries.remove(host);
  await services.registriesTree.registries();
}
