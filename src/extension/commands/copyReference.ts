import * as vscode from 'vscode';
import type { Services } from '../services';
import { manifestFrom, referenceText } from './args';

/** `manifold.copyReference`: `layout:tag` or `layout@digest`, as the CLI's `--oci-layout` takes it. Returns it. */
export async function copyReference(s: Services, arg?: unknown): Promise<string> {
  const ref = referenceText(await manifestFrom(s, arg, vscode.l10n.t('Copy Reference')));
  await vscode.env.clipboard.writeText(ref);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', ref), 3000);
  return ref;
}
