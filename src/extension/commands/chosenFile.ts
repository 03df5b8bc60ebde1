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

/**
 * Where a file's signature is found beside it: cosign's sign-blob (and Sign File) bundle or classic base64 form,
 * attest-blob's DSSE envelope (`--output-signature`, named as the README's examples name it), then notation's
 * (`notation blob sign`, Sign File with `manifold.signingFormat` `notary`): JWS, COSE.
 */
export const BESIDE = ['.sigstore.json', '.bundle', '.sig', '.intoto.jsonl', '.jws.sig', '.cose.sig'];

/** The files an Explorer command was run on: its selection (the second argument), when it holds several. */
export function explorerSelection(arg: unknown, answers: unknown): string[] {
  if (!(arg instanceof vscode.Uri) || !Array.isArray(answers) || answers.length < 2) return [];
  return answers.filter((u): u is vscode.Uri => u instanceof vscode.Uri && u.scheme === 'file').map((u) => u.fsPath);
}

/** The selection less the signatures of files also selected (a release file and its bundle picked together). */
export function signedFiles(files: readonly string[]): string[] {
  const chosen = new Set(files);
  return files.filter((f) => !BESIDE.some((ext) => f.endsWith(ext) && chosen.has(f.slice(0, -ext.length))));
}
