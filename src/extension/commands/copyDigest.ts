import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { BlobNode } from '../tree/nodes';
import type { Services } from '../services';
import { sourceManifestFrom } from './args';

/** `manifold.copyDigest`: the digest of a tag, manifest, config or layer. Returns it. */
export async function copyDigest(services: Services, arg?: unknown): Promise<string> {
  const digest = arg instanceof BlobNode ? arg.desc.digest : (await sourceManifestFrom(services, arg, l10n.t('Copy Digest'))).desc.digest;
  await vscode.env.clipboard.writeText(digest);
  vscode.window.setStatusBarMessage(l10n.t('Copied {0}', digest), 3000);
  return digest;
}
