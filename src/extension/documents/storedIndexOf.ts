import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { digestOf } from '../../oci/digest';
import type { SourceRef } from '../present/sourceRef';
import type { Services } from '../services';
import { parseStoredIndexUri } from './indexUri';

/**
 * The stored index an index editor shows: a stored one names its layout and tag; a file is looked up by its digest
 * in the layout it is in (what is stored is what referrers hang on and what is checked: unsaved changes are not).
 */
export async function storedIndexOf(services: Services, uri: vscode.Uri): Promise<{ ref: SourceRef; reference: string }> {
  const stored = parseStoredIndexUri(uri);
  if (stored) return { ref: { kind: 'layout', path: stored.layout }, reference: stored.reference };
  const folder = uri.scheme === 'file' ? services.layouts.layoutOf(uri.fsPath) : undefined;
  const name = vscode.workspace.asRelativePath(uri, true);
  if (!folder) throw new Error(l10n.t('{0} is not in an OCI image layout: this works on an index stored in one.', name));
  const digest = digestOf(Buffer.from((await vscode.workspace.openTextDocument(uri)).getText(), 'utf8'));
  const store = await services.layouts.open(folder.path);
  if (!(await store.exists({ mediaType: '', digest, size: 0 }).catch(() => false))) {
    throw new Error(l10n.t('The index in {0} is not stored in the layout {1} (save it there first).', name, folder.path));
  }
  return { ref: { kind: 'layout', path: folder.path }, reference: digest };
}
