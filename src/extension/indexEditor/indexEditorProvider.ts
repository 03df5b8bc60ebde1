import { basename, dirname } from 'node:path';
import { quotedText } from '../../oci/shownName';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { webviewPage } from '../ui/webviewPage';
import { indexModel, type IndexModel } from '../../oci/indexDocument';
import { isOciError } from '../../oci/errors';
import { digestOf } from '../../oci/digest';
import type { Services } from '../services';
import { untrustedMessage, UntrustedWorkspaceError } from '../trust';
import { DIAGNOSTIC_SOURCE } from '../diagnostics';
import { LayoutFinder, roleOf } from '../documents/documentRole';
import { addManifests, applyIntents, checkTableEdit, intentsOf } from './documentEdits';
import { decodedText, encodedBytes } from './encodedBytes';
import { rowKinds } from './kindsColumn';
import { referrerKindTable } from '../settings/referrerKinds';
import { formattedIndexUri } from '../documents/formattedIndex';
import { isDigestReference, isMovableName, parseStoredIndexUri } from '../documents/indexUri';
import { inOwnWords } from '../present/ownWords';
import type { BlobState, EditorState, FromWebview, RowView, ToWebview } from '../../shared/indexEditorProtocol';

export const INDEX_EDITOR_VIEW_TYPE = 'manifold.indexEditor';

/**
 * The index editor: a table beside the text of an image index. The text stays the single source of truth: the
 * table is re-read from it on every change (the parse cached per document version), and every action is a
 * small WorkspaceEdit of the text, so undo, redo, dirty state, save and diffs behave as in the text editor.
 */
export class IndexEditorProvider implements vscode.CustomTextEditorProvider {
  private readonly models = new Map<string, { version: number; model: IndexModel }>();
  /**
   * The digest of what each document is saved as: the tag's current digest for a stored index, the bytes on disk
   * for a file. Read from there, never from the text: VS Code reports a change before it marks the document dirty,
   * so "the text while not dirty" can be the first unsaved edit.
   */
  private readonly saved = new Map<string, string>();
  /** What each document is saved as, as JSON values (compact, re-encoded): tells a reformatting from a change. */
  private readonly savedValue = new Map<string, string>();
  /** The last state sent to each document's page: what the user sees (tests read it through `shownState`). */
  private readonly shown = new Map<string, EditorState>();
  private readonly finder = new LayoutFinder();

  constructor(private readonly services: Services) {}

  /** The table of a document, read once per version (the webview and the blob check both need it). */
  model(document: vscode.TextDocument): IndexModel {
    const key = document.uri.toString();
    const cached = this.models.get(key);
    if (cached?.version === document.version) return cached.model;
    const model = indexModel(document.getText());
    this.models.set(key, { version: document.version, model });
    return model;
  }

  async resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): Promise<void> {
    const media = vscode.Uri.joinPath(this.services.context.extensionUri, 'media', 'indexEditor');
    const dist = vscode.Uri.joinPath(this.services.context.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [media, dist] };

    const role = await roleOf(document.uri, this.finder);
    let ready = false;
    let blobsFor = -1;
    // The kinds column is read for one text (by its digest) at a time; a newer text drops an older look-up.
    let kindsFor: string | undefined;
    let kindsAbort: AbortController | undefined;
    const post = (message: ToWebview) => void panel.webview.postMessage(message);
    const update = (): void => {
      if (!ready) return;
      const state = this.state(document, role?.layout);
      this.shown.set(document.uri.toString(), state);
      post({ type: 'state', state });
      if (role?.layout && blobsFor !== document.version) {
        blobsFor = document.version;
        void this.blobs(role.layout, state).then((blobs) => {
          if (blobs && document.version === state.version) post({ type: 'blobs', version: state.version, blobs });
        });
      }
      if (role?.layout && state.kindsColumn && kindsFor !== state.digest) {
        kindsFor = state.digest;
        kindsAbort?.abort();
        const abort = (kindsAbort = new AbortController());
        void this.kinds(role.layout, document.getText(), abort.signal).then((rows) => {
          if (rows && !abort.signal.aborted) post({ type: 'kinds', digest: state.digest, rows });
        });
      }
    };

    // What is saved is read again where it may have changed: on opening, on a save, and when the text may be
    // the saved one again (a revert, a reload, or VS Code's first change event after a save).
    const refreshSaved = (): void =>
      void this.readSaved(document).then((saved) => {
        const key = document.uri.toString();
        if (saved === undefined || this.saved.get(key) === saved.digest) return;
        this.saved.set(key, saved.digest);
        if (saved.value === undefined) this.savedValue.delete(key);
        else this.savedValue.set(key, saved.value);
        update();
      });
    refreshSaved();
    const subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== document.uri.toString()) return;
        if (!document.isDirty) refreshSaved();
        update();
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => u.toString() === document.uri.toString())) update();
      }),
      // A save of a stored index moves its tag: the digest on disk is now the document's.
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.toString() !== document.uri.toString()) return;
        refreshSaved();
        update();
      }),
      // Content added to the layout (an SBOM attached, a blob copied in): the blob and kinds columns look again.
      this.services.layoutFiles.onDidChange((u) => {
        if (!role?.layout || dirname(u.fsPath) !== role.layout) return;
        blobsFor = -1;
        kindsFor = undefined;
        update();
      }),
      panel.webview.onDidReceiveMessage(
        (message: FromWebview) => void this.receive(document, message, () => ((ready = true), (blobsFor = -1), (kindsFor = undefined), update()), post),
      ),
    ];
    // Only now: the page's first message ('ready') must find the listener above.
    panel.webview.html = webviewPage(panel.webview, { css: vscode.Uri.joinPath(media, 'indexEditor.css'), script: vscode.Uri.joinPath(dist, 'indexEditor.js'), title: l10n.t('Index editor') });
    panel.onDidDispose(() => {
      for (const d of subscriptions) d.dispose();
      kindsAbort?.abort();
      if (!vscode.workspace.textDocuments.includes(document)) {
        this.models.delete(document.uri.toString());
        this.saved.delete(document.uri.toString());
        this.savedValue.delete(document.uri.toString());
        this.shown.delete(document.uri.toString());
      }
    });
  }

  private async receive(document: vscode.TextDocument, message: FromWebview, onReady: () => void, post: (m: ToWebview) => void): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          onReady();
          return;
        case 'edit':
          if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError('writes');
          if (message.version !== document.version) throw new Error(l10n.t('The document changed meanwhile: look again and retry.'));
          await checkTableEdit(document, message.edit);
          if (!(await applyIntents(document, intentsOf(message.edit)))) throw new Error(l10n.t('The document cannot be changed (it is read-only).'));
          return;
        case 'addManifests':
          if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError('writes');
          await addManifests(this.services, document);
          return;
        case 'showText':
          await this.showText(document, message.row, message.editable === true);
          return;
      }
    } catch (err) {
      if ((err as Error)?.name === 'Cancelled') return;
      const text = inOwnWords(isOciError(err) ? err.message : (err as Error)?.message ?? String(err));
      this.services.log.warn(`index editor (${basename(document.uri.path)}): ${text}`);
      post({ type: 'error', message: text });
    }
  }

  /** The text beside the table: a stored index formatted and read-only (its stored bytes are one line), unless `editable`. */
  private async showText(document: vscode.TextDocument, row: number | undefined, editable: boolean): Promise<void> {
    const shown = parseStoredIndexUri(document.uri) && !editable ? await vscode.workspace.openTextDocument(formattedIndexUri(document.uri)) : document;
    const r = row === undefined ? undefined : (shown === document ? this.model(document) : indexModel(shown.getText())).rows[row];
    const selection = r ? new vscode.Range(shown.positionAt(r.offset), shown.positionAt(r.offset + r.length)) : undefined;
    await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, selection, preview: false });
  }

  state(document: vscode.TextDocument, layout: string | undefined): EditorState {
    const model = this.model(document);
    const stored = parseStoredIndexUri(document.uri);
    const diagnostics = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === DIAGNOSTIC_SOURCE);
    const rows: RowView[] = model.rows.map((r) => ({
      index: r.index,
      platform: r.platformText,
      mediaType: r.mediaType,
      digest: r.digest,
      size: r.size,
      artifactType: r.artifactType,
      annotations: Object.entries(r.annotations),
    }));
    // Each row's problems, by where they are in the text.
    const rowProblems = new Map<number, string[]>();
    for (const d of diagnostics) {
      const offset = document.offsetAt(d.range.start);
      const row = model.rows.find((r) => offset >= r.offset && offset <= r.offset + r.length);
      if (row) rowProblems.set(row.index, [...(rowProblems.get(row.index) ?? []), d.message]);
    }
    for (const row of rows) {
      const problems = rowProblems.get(row.index);
      if (problems) row.problems = problems;
    }
    const savedDigest = this.saved.get(document.uri.toString());
    // The digest of what a save writes: with a byte order mark the text alone is not the bytes.
    const written = this.written(document, model);
    let readOnly: string | undefined;
    if (stored && isDigestReference(stored.reference)) readOnly = l10n.t('Opened by digest: tag the index to edit it (a saved copy would have no name).');
    else if (stored && !isMovableName(stored.reference)) readOnly = l10n.t('Named {0}, which is not a tag Manifold can move: tag the index to edit it.', quotedText(stored.reference));
    // Restricted Mode: the table only shows (the text stays the user's to edit in the text editor).
    else if (!vscode.workspace.isTrusted) readOnly = untrustedMessage('writes');
    return {
      version: document.version,
      kind: model.kind,
      syntaxError: model.syntaxError,
      readOnly,
      digest: written.digest,
      size: written.size,
      // Unsaved only when the text differs from what is saved (removing a row and adding it back is no change).
      dirty: savedDigest !== undefined ? written.digest !== savedDigest : document.isDirty,
      savedDigest,
      storedAs: stored ? stored.reference : undefined,
      layoutName: layout ? basename(layout) : undefined,
      mediaType: model.mediaType,
      artifactType: model.artifactType,
      annotations: Object.entries(model.annotations),
      rows,
      problems: {
        errors: diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length,
        warnings: diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length,
      },
      formattingOnly: savedDigest !== undefined && written.digest !== savedDigest && !model.syntaxError && this.sameValue(document),
      // The kinds of what is attached to each entry, from the layout the digests point into (not for a layout's own
      // index.json: its entries are tags, thousands of them).
      kindsColumn: model.kind === 'index' && !model.syntaxError && layout !== undefined && !isLayoutIndex(document.uri, layout),
      tagColumn: model.kind === 'index' && layout !== undefined && isLayoutIndex(document.uri, layout),
    };
  }

  /** The digest and size of the bytes a save writes: the model's (the text's UTF-8), or with a byte order mark. */
  private written(document: vscode.TextDocument, model: IndexModel): { digest: string; size: number } {
    const bytes = encodedBytes(document.getText(), document.encoding);
    return bytes ? { digest: digestOf(bytes), size: bytes.length } : { digest: model.digest, size: model.size };
  }

  /** Whether the document's text is the saved JSON value, written differently. */
  private sameValue(document: vscode.TextDocument): boolean {
    const saved = this.savedValue.get(document.uri.toString());
    return saved !== undefined && compactValue(document.getText()) === saved;
  }

  private async kinds(layout: string, text: string, signal: AbortSignal) {
    try {
      // The user's kinds too (the setting manifold.referrerKinds), as the trees and the coverage view read them.
      return await rowKinds(await this.services.layouts.open(layout), text, referrerKindTable(), signal);
    } catch (err) {
      if (!signal.aborted) this.services.log.debug(`index editor: referrer kinds in ${layout}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** What the index editor last showed for `uri` (undefined when no editor shows it). */
  shownState(uri: string): EditorState | undefined {
    return this.shown.get(uri);
  }

  /** What `document` is saved as: its tag's manifest (a stored index) or the file's bytes, by digest and JSON value. */
  private async readSaved(document: vscode.TextDocument): Promise<{ digest: string; value?: string } | undefined> {
    try {
      const stored = parseStoredIndexUri(document.uri);
      let bytes: Uint8Array;
      if (stored) {
        const store = await this.services.layouts.open(stored.layout);
        bytes = await store.fetchBytes(await store.resolve(stored.reference));
      } else if (document.isUntitled) return undefined;
      else bytes = await vscode.workspace.fs.readFile(document.uri);
      return { digest: digestOf(bytes), value: compactValue(decodedText(bytes)) };
    } catch (err) {
      this.services.log.debug(`index editor: what ${document.uri.toString()} is saved as: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async blobs(layout: string, state: EditorState): Promise<BlobState[] | undefined> {
    try {
      const store = await this.services.layouts.open(layout);
      return await Promise.all(
        state.rows.map(async (r) => {
          if (!r.digest) return 'unknown' as const;
          try {
            return (await store.exists({ mediaType: r.mediaType ?? '', digest: r.digest, size: r.size ?? 0 })) ? ('present' as const) : ('missing' as const);
          } catch {
            return 'unknown' as const; // not a digest (yet)
          }
        }),
      );
    } catch (err) {
      this.services.log.debug(`index editor: layout ${layout}: ${(err as Error).message}`);
      return undefined;
    }
  }

}

const COMPARE_MAX_CHARS = 1 << 20;

/** The JSON value of `text` written compactly, to compare two texts' values; undefined when not JSON (or large). */
function compactValue(text: string): string | undefined {
  if (text.length > COMPARE_MAX_CHARS) return undefined;
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function isLayoutIndex(uri: vscode.Uri, layout: string): boolean {
  return uri.scheme === 'file' && basename(uri.fsPath) === 'index.json' && dirname(uri.fsPath) === layout;
}

