// What a layer carries, for the user: "Open Content" shows a text layer (an SBOM, an end-of-life note, a config) as
// a read-only document; "Save As…" writes any blob to a file, verified against its digest.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { readBlobText, saveBlob } from '../../oci/artifacts/blobContent';
import { titleOf } from '../../oci/descriptor';
import { isOciError } from '../../oci/errors';
import { shortDigest } from '../../oci/reference';
import type { Services } from '../services';
import { BlobNode } from '../tree/nodes';

function blobFrom(arg: unknown, command: string): BlobNode {
  if (arg instanceof BlobNode && arg.source) return arg;
  throw new Error(l10n.t('{0} works on a layer or config in the Layouts or Registries view.', command));
}

/** The name a user would give the blob: its title (as oras pushed it), else the short digest. */
function nameOf(node: BlobNode): string {
  const base = titleOf(node.desc)?.split(/[\\/]/).filter(Boolean).pop();
  return base || `${node.role === 'config' ? 'config' : 'layer'}-${shortDigest(node.desc.digest)}`;
}

/**
 * `manifold.openBlob`: the blob as read-only text. One too large or not text is refused with the reason, and
 * "Save As…" offered instead. Returns the document's URI, or undefined when refused.
 */
export async function openBlob(services: Services, arg?: unknown): Promise<string | undefined> {
  const node = blobFrom(arg, l10n.t('Open Content'));
  const target = await services.sources.open(node.source!.ref);
  try {
    await readBlobText(target, node.desc); // checked before a document exists, so a refusal is a message
  } catch (err) {
    if (!isOciError(err, 'TOO_LARGE') && !isOciError(err, 'NOT_TEXT')) throw err;
    const save = l10n.t('Save As…');
    const why = isOciError(err, 'TOO_LARGE') ? l10n.t('{0} is too large to show as text.', nameOf(node)) : l10n.t('{0} is not text.', nameOf(node));
    // Not awaited: the command is done; the offer stays until the user answers or dismisses it.
    void vscode.window.showWarningMessage(why, { detail: err.message }, save).then((choice) => (choice === save ? saveBlobAs(services, node) : undefined));
    return undefined;
  }
  const uri = services.documents.uri('blob', node.source!.ref, node.desc, nameOf(node));
  await services.documents.show(uri);
  return uri.toString();
}

/** `manifold.saveBlobAs`: writes the blob to a file the user picks (or `file`, for tests), verified. */
export async function saveBlobAs(services: Services, arg?: unknown, file?: string): Promise<string | undefined> {
  const node = blobFrom(arg, l10n.t('Save As…'));
  let dest = file ? vscode.Uri.file(file) : undefined;
  if (!dest) {
    const home = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.env.HOME ?? '/');
    dest = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(home, nameOf(node)), title: l10n.t('Save {0}', nameOf(node)) });
    if (!dest) return undefined;
  }
  const target = await services.sources.open(node.source!.ref);
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('Saving {0}…', nameOf(node)), cancellable: true }, (_progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return saveBlob(target, node.desc, dest!.fsPath, { signal: abort.signal });
  });
  services.log.info(`saved ${node.desc.digest} to ${dest.fsPath}`);
  if (!file) void vscode.window.showInformationMessage(l10n.t('Saved {0} to {1} (verified: {2}).', nameOf(node), dest.fsPath, shortDigest(node.desc.digest)));
  return dest.fsPath;
}
