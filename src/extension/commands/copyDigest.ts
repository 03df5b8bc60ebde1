import * as vscode from 'vscode';
import { BlobNode } from '../layouts/nodes';
import type { Services } from '../services';
import { sourceManifestFrom } from './args';

/** `manifold.copyDigest`: the digest of a tag, manifest, config or layer. Returns it. */
export async function copyDigest(s: Services, arg?: unknown): Promise<string> {
  const digest = arg instanceof BlobNode ? arg.desc.digest : (await sourceManifestFrom(s, arg, vscode.l10n.t('Copy Digest'))).desc.digest;
  await vscode.env.clipboard.writeText(digest);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', digest), 3000);
  return digest;
}
