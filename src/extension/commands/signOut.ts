import * as vscode from 'vscode';
import type { Services } from '../services';
import { registryFrom } from './registryArgs';

/** `manifold.signOut`: forgets the credentials Manifold stored for a registry (the Docker config is left alone). */
export async function signOut(s: Services, arg?: unknown): Promise<string> {
  const host = await registryFrom(s, arg, vscode.l10n.t('Sign Out of Registry'));
  await s.registries.signOut(host);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Signed out of {0}', host), 5000);
  return host;
}
