import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Services } from '../services';
import { layoutFrom } from './args';

/**
 * `manifold.revealLayout`: a layout's folder in the Explorer view when it is in the workspace, else in the
 * operating system's file manager (the Explorer view cannot show a folder outside the workspace).
 * Arguments: a layout node or `{ layout }`. Returns where it was revealed.
 */
export async function revealLayout(services: Services, arg?: unknown): Promise<'explorer' | 'os'> {
  const layout = await layoutFrom(services, arg, l10n.t('Reveal in Explorer'));
  const uri = vscode.Uri.file(layout.path);
  if (vscode.workspace.getWorkspaceFolder(uri)) {
    await vscode.commands.executeCommand('revealInExplorer', uri);
    return 'explorer';
  }
  await vscode.commands.executeCommand('revealFileInOS', uri);
  return 'os';
}
