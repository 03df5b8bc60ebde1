import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Services } from '../services';
import { chooseFiles } from '../ui/fileChooser';
import type { PlainArgs } from './args';

/**
 * The file Sign File and Verify File Signature work on: the Explorer's (a URI), `{ file }` from a caller, else chosen
 * in a file dialog (the palette).
 */
export async function chosenFile(services: Services, arg: unknown, given: PlainArgs, title: string, openLabel: string): Promise<string> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof given.file === 'string') return given.file;
  const picked = await chooseFiles(services.context.workspaceState, { title: l10n.t('{0}: Choose the File', title), openLabel, canSelectFiles: true, canSelectFolders: false, canSelectMany: false });
  return picked[0]!.fsPath;
}
