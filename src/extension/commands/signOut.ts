import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Services } from '../services';
import { registryFrom } from './registryArgs';

/** `manifold.signOut`: forgets the credentials Manifold stored for a registry (the Docker config is left alone). */
export async function signOut(services: Services, arg?: unknown): Promise<string> {
  const host = await registryFrom(services, arg, l10n.t('Sign Out of Registry'));
  await services.registries.signOut(host);
  vscode.window.setStatusBarMessage(l10n.t('Signed out of {0}', host), 5000);
  return host;
}
