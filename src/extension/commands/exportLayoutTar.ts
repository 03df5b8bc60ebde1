import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isWithin } from '../../oci/pathWithin';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { writeLayoutTar, type TarExportResult } from '../../oci/layout/tarExport';
import type { Services } from '../services';
import { layoutFrom, plainArgs } from './args';
import { withProgress } from '../ui/progress';
import { need } from '../ui/prompts';
import { formatSize, shortDigest } from '../present/format';

/** Whether `file` is in `folder`, or is it, by the real paths: a link to the layout is the layout. */
export function isInsideLayout(folder: string, file: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p; // not there (yet): as given
    }
  };
  return isWithin(real(folder), join(real(dirname(file)), basename(file)));
}

/**
 * `manifold.exportLayoutTar`: writes the layout folder as a deterministic layout tar (the bytes `writeLayoutTar`
 * gives: the same layout, the same tar), to a file the user picks, by default `<layout>.tar` beside the folder.
 * Cancellable; a cancelled or failed export leaves no file under the name. Arguments: a layout node, or
 * `{ layout, file }` (no dialog then). Returns where it wrote and the tar's size and digest.
 */
export async function exportLayoutTar(services: Services, arg?: unknown): Promise<TarExportResult & { file: string }> {
  const title = l10n.t('Export Layout as .tar');
  const layout = await layoutFrom(services, arg, title);
  if (layout.store.readOnly) throw new Error(l10n.t('{0} is a layout archive already.', layout.path));
  const file = await tarFileFor(layout.path, plainArgs(arg).file, title);
  const name = vscode.workspace.asRelativePath(layout.path);
  const result = await withProgress(l10n.t('Exporting {0}…', name), (signal) => writeLayoutTar(layout.path, file, { signal }));
  const message = l10n.t('Exported {0} to {1} ({2}, {3}).', name, file, formatSize(result.size), shortDigest(result.digest));
  services.log.info(`${message} ${result.digest}`);
  offerReveal(message, file);
  return { ...result, file };
}

/**
 * Where a layout's tar goes: `given`, or the save dialog's answer (`<layout>.tar` beside the folder offered); refused
 * inside the folder it exports, where the tar would be part of what it is a copy of.
 */
export async function tarFileFor(layoutPath: string, given: unknown, title: string): Promise<string> {
  let file = typeof given === 'string' ? resolve(given) : undefined;
  if (!file) {
    const picked = need(
      await vscode.window.showSaveDialog({
        title,
        defaultUri: vscode.Uri.file(join(dirname(layoutPath), `${basename(layoutPath)}.tar`)),
        filters: { [l10n.t('Layout archives')]: ['tar'] },
        saveLabel: l10n.t('Export'),
      }),
    );
    file = picked.fsPath;
  }
  if (isInsideLayout(layoutPath, file)) throw new Error(l10n.t('{0} is inside the layout {1}: choose a place outside it.', file, layoutPath));
  return file;
}

/** The export's notification, with a button that shows the tar in the file manager; a warning when `warn`. */
export function offerReveal(message: string, file: string, warn = false): void {
  const reveal = l10n.t('Reveal in File Explorer');
  void (warn ? vscode.window.showWarningMessage(message, reveal) : vscode.window.showInformationMessage(message, reveal)).then((action) =>
    action === reveal ? vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file)) : undefined,
  );
}
