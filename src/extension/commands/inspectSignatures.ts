import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { sourceReferenceText } from './args';
import type { Services } from '../services';
import { verifiedManifest } from './verifyInputs';

/** What Inspect Signatures returns to `executeCommand` callers (the tests): the document opened and its text. */
export interface InspectOutcome {
  uri: string;
  text: string;
}

/**
 * `manifold.inspectSignatures`: every signature and attestation of an image (of each manifest below an index, as
 * `manifold inspect --recursive`), in every format, as the CLI's tree shows them, in a read-only document named after the image. Only
 * read, nothing trusted: no keys or trust asked for. Arguments as Verify Signatures': a tag or manifest node,
 * `{ layout, reference }`, `{ registry, repository, reference }`, an index editor's URI; from the palette, a layout's
 * tag picked.
 */
export async function inspectSignatures(services: Services, arg?: unknown): Promise<InspectOutcome> {
  const m = await verifiedManifest(services, arg, l10n.t('Inspect Signatures'));
  const uri = services.documents.uri('signatures', m.ref, m.desc, m.tag ?? m.desc.digest);
  // The document provider reads the signatures (on a registry that takes a while): the status bar says so. Not a
  // cancellable notification: opening a document cannot be cancelled.
  const title = l10n.t('Reading the signatures of {0}', sourceReferenceText(m));
  const editor = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => Promise.resolve(services.documents.show(uri)));
  return { uri: uri.toString(), text: editor.document.getText() };
}
