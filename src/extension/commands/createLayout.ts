import { join, resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { OciLayoutStore } from '../../oci/layout';
import type { Services } from '../services';
import { plainArgs } from './args';
import { layoutChanged, reportDone } from '../ui/report';
import { input } from '../ui/prompts';

/**
 * `manifold.createLayout`: a new, empty OCI image layout (`oci-layout`, `index.json`, `blobs/`). Takes a folder
 * URI (Explorer), `{ path }`, or asks, proposing `layout` in the first workspace folder. An existing layout is
 * left as it is. Returns the layout's path.
 */
export async function createLayout(services: Services, arg?: unknown): Promise<string> {
  let path = arg instanceof vscode.Uri ? arg.fsPath : typeof plainArgs(arg).path === 'string' ? (plainArgs(arg).path as string) : undefined;
  if (!path) {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    path = await input({
      title: l10n.t('Create OCI Image Layout'),
      prompt: l10n.t('Folder for the new layout (made if missing)'),
      value: root ? join(root, 'layout') : '',
      validateInput: (v) => (v.trim() === '' ? l10n.t('Enter a folder') : undefined),
    });
  }
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const abs = root ? resolve(root, path.trim()) : resolve(path.trim());
  await OciLayoutStore.open(abs, { create: true });
  // Outside the workspace findFiles cannot see it: remember it as an added folder.
  if (!vscode.workspace.getWorkspaceFolder(vscode.Uri.file(abs))) await services.layouts.addFolder(abs);
  services.tree.refreshAll();
  layoutChanged(services, abs);
  await services.tree.layouts();
  reportDone(services, l10n.t('Created the OCI image layout {0}', vscode.workspace.asRelativePath(abs, (vscode.workspace.workspaceFolders?.length ?? 0) > 1)), { layout: abs });
  return abs;
}
