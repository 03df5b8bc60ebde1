import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { OciLayoutStore } from '../../oci/layout';
import { lostLayoutFile } from '../../oci/layout/lostLayoutFile';
import type { Services } from '../services';
import { plainArgs } from './args';
import { need } from '../ui/prompts';
import { chooseFiles } from '../ui/fileChooser';

/** `manifold.addLayoutFolder`: shows a layout folder (or a layout `.tar`, read-only) that is not found in the workspace. */
export async function addLayoutFolder(services: Services, arg?: unknown): Promise<string> {
  let path = arg instanceof vscode.Uri ? arg.fsPath : typeof plainArgs(arg).path === 'string' ? (plainArgs(arg).path as string) : undefined;
  if (!path) {
    // At the workspace folder, then beside the layout last added (its parent is remembered, apart from the files').
    const picked = await chooseFiles(services.context.workspaceState, {
      title: l10n.t('Add OCI Image Layout'),
      openLabel: l10n.t('Add Layout'),
      canSelectFolders: true,
      canSelectFiles: true,
      canSelectMany: false,
      filters: { [l10n.t('Layout archives')]: ['tar'] },
    }, 'layouts');
    path = need(picked[0]).fsPath;
  }
  // Refuse what is not a layout now, with the core's reason, rather than listing a broken entry; a folder that
  // only lost its oci-layout is listed, and its row offers to write the file back.
  if (path.endsWith('.tar')) await OciLayoutStore.openTar(path);
  else if (!(await lostLayoutFile(path))) await OciLayoutStore.open(path);
  await services.layouts.addFolder(path);
  services.tree.refreshAll();
  await services.tree.layouts();
  return path;
}
