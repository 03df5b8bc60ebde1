import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Services } from '../services';
import { chooseFiles } from '../ui/fileChooser';
import { need } from '../ui/prompts';
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

/** A file a command signs, attests or verifies, read whole; one that cannot be read is named with why. */
export async function readInput(file: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    throw new Error(l10n.t('{0}: {1}', file, (err as Error).message));
  }
}

/** Before several files are written beside a selection: those already there named in one question; declined, cancelled. */
export async function askToReplaceAll(paths: readonly string[]): Promise<void> {
  const there = (await Promise.all(paths.map(async (p) => ((await fsp.lstat(p).then(() => true, () => false)) ? basename(p) : undefined)))).filter((f): f is string => f !== undefined);
  if (there.length === 0) return;
  const replace = l10n.t('Replace');
  const choice = await vscode.window.showWarningMessage(l10n.t('{0} exist already. Replace them?', there.join(', ')), { modal: true }, replace);
  need(choice === replace ? choice : undefined);
}

/**
 * What Sign File… and Attest File… say once they have written: the message, with a Verify button that runs Verify
 * File Signature… on what was written (`verifyArgs`, as that command takes them).
 */
export function offerVerify(message: string, ...verifyArgs: unknown[]): void {
  const verify = l10n.t('Verify');
  void vscode.window.showInformationMessage(message, verify).then((action) => {
    if (action === verify) void vscode.commands.executeCommand('manifold.verifyFileSignature', ...verifyArgs);
  });
}
