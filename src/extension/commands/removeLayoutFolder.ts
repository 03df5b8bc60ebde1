import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Services } from '../services';
import { layoutFrom } from './args';

/** `manifold.removeLayoutFolder`: stops showing an added layout; nothing on disk changes. */
export async function removeLayoutFolder(services: Services, arg?: unknown): Promise<void> {
  const { path } = await layoutFrom(services, arg, l10n.t('Remove Layout Folder'));
  if (!services.layouts.addedFolders().includes(path)) {
    void vscode.window.showInformationMessage(l10n.t('{0} is in the workspace, so it is always shown.', path));
    return;
  }
  await services.layouts.removeFolder(path);
  services.tree.refreshAll();
  await services.tree.layouts();
}
