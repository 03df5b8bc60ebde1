import * as vscode from 'vscode';
import type { Services } from '../services';
import { sourceManifestFrom, sourceReferenceText } from './args';

/** `manifold.copyReference`: `layout:tag`, `layout@digest` or `host/repo:tag`, as the CLI takes references. Returns it. */
export async function copyReference(s: Services, arg?: unknown): Promise<string> {
  const ref = sourceReferenceText(await sourceManifestFrom(s, arg, vscode.l10n.t('Copy Reference')));
  await vscode.env.clipboard.writeText(ref);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', ref), 3000);
  return ref;
}
