// The row the Layouts view shows for a layout it cannot read, made to be acted on: an index.json (or oci-layout)
// that is not JSON opens at the place it stops being JSON (for index.json, where the Problems panel's entry points);
// a folder that lost its oci-layout offers to write it back. Anything else is the core's message, and a click shows the log.
import { join } from 'node:path';
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { INDEX_FILE, OCI_LAYOUT_FILE } from '../../oci/layout';
import { lostLayoutFile, type LostLayoutFile } from '../../oci/layout/lostLayoutFile';
import { MalformedJsonError } from '../../oci/validate';
import { MessageNode, type TreeContext } from '../tree/nodes';
import type { LayoutNode } from './layoutNodes';

export const RESTORE_LAYOUT_FILE = 'manifold.restoreLayoutFile';

export async function unreadableLayoutNode(layout: LayoutNode, err: unknown, ctx: TreeContext): Promise<MessageNode> {
  const message = (err as Error)?.message ?? String(err);
  // A layout archive has no index.json to open and nothing to write back: its row only says what is wrong.
  if (layout.folder.readOnly) return new MessageNode(layout, 'error', message);
  // index.json (or oci-layout) that is not JSON: the core gives the file and the place as fields.
  const name = [INDEX_FILE, OCI_LAYOUT_FILE].find((n) => err instanceof MalformedJsonError && err.where === join(layout.path, n));
  if (name && err instanceof MalformedJsonError) {
    const { line, column, reason } = err.place;
    const at = new vscode.Position(line - 1, column - 1);
    const options: vscode.TextDocumentShowOptions = { preview: true, selection: new vscode.Range(at, at) };
    const words = l10n.t('{0} is not JSON at line {1}, column {2}: {3}', name, line, column, reason);
    return new MessageNode(layout, 'error', `${words}\n${message}`, {
      command: 'vscode.open',
      title: l10n.t('Open {0} at line {1}, column {2}', name, line, column),
      arguments: [vscode.Uri.file(err.where), options],
    });
  }
  const lost = await lostFile(layout.path, ctx);
  if (!lost) return new MessageNode(layout, 'error', message);
  const words = l10n.t('The oci-layout file is missing, so this layout cannot be read');
  if (!vscode.workspace.isTrusted) {
    return new MessageNode(layout, 'error', `${words}\n${message}\n${l10n.t('Trust the workspace to restore it.')}`);
  }
  const how = l10n.t('Restoring writes {0} to {1}, as any write to the layout by Manifold or oras would; index.json and the blobs are left as they are.', '{"imageLayoutVersion":"1.0.0"}', lost.file);
  return new MessageNode(layout, 'error', `${words}\n${message}\n${how}`, {
    command: RESTORE_LAYOUT_FILE,
    title: l10n.t('Restore the oci-layout file'),
    arguments: [{ layout: layout.path }],
  }, 'restore');
}

/** The folder's lost oci-layout, when that is all that keeps it from being read (its index.json is there). */
async function lostFile(path: string, ctx: TreeContext): Promise<LostLayoutFile | undefined> {
  try {
    return await lostLayoutFile(path);
  } catch (err) {
    ctx.log.debug(`${path}: no oci-layout to restore: ${(err as Error).message}`);
    return undefined;
  }
}
