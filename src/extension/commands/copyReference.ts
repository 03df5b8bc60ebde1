import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Services } from '../services';
import { sourceManifestFrom, sourceReferenceText } from './args';

/** `manifold.copyReference`: `layout:tag`, `layout@digest` or `host/repo:tag`, as the CLI takes references. Returns it. */
export async function copyReference(services: Services, arg?: unknown): Promise<string> {
  const ref = sourceReferenceText(await sourceManifestFrom(services, arg, l10n.t('Copy Reference')));
  await vscode.env.clipboard.writeText(ref);
  vscode.window.setStatusBarMessage(l10n.t('Copied {0}', ref), 3000);
  return ref;
}
