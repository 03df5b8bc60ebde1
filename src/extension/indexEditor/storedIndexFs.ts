import { watch, type FSWatcher } from 'node:fs';
import { quotedText } from '../../oci/shownName';
import { stat as fsStat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Descriptor } from '../../oci/descriptor';
import { digestOf } from '../../oci/digest';
import { isOciError } from '../../oci/errors';
import { storeIndex } from '../../oci/imageIndex/storeIndex';
import type { OciLayoutStore } from '../../oci/layout';
import { MediaType } from '../../oci/mediaType';
import { shortDigest } from '../../oci/reference';
import { parseDocument, parseManifestStrict } from '../../oci/validate';
import { layoutChanged, reportDone } from '../ui/report';
import type { Services } from '../services';
import { untrustedMessage } from '../trust';
import { isDigestReference, isMovableName, parseStoredIndexUri, type StoredIndexRef } from '../documents/indexUri';

/**
 * Indexes stored in a layout as files, so VS Code's own editors, dirty state and save work on them. Reading gives
 * the stored bytes exactly (the digest shown is the stored one); saving stores the text as a new blob and moves
 * the tag to it, as `manifest index update` does (the old index stays, reachable by its digest). An index opened
 * by digest is read-only: no name would point at what a save stores.
 */
export class StoredIndexFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  // VS Code compares mtimes to detect changes behind an editor's back: each document's changes when its tag moves.
  private readonly seen = new Map<string, { digest: string; mtime: number }>();

  constructor(private readonly services: Services) {}

  dispose(): void {
    this.changed.dispose();
  }

  private ref(uri: vscode.Uri): StoredIndexRef {
    const ref = parseStoredIndexUri(uri);
    if (!ref) throw vscode.FileSystemError.FileNotFound(uri);
    return ref;
  }

  private async resolve(uri: vscode.Uri): Promise<{ ref: StoredIndexRef; store: OciLayoutStore; desc: Descriptor }> {
    const ref = this.ref(uri);
    try {
      const store = await this.services.layouts.open(ref.layout);
      return { ref, store, desc: await store.resolve(ref.reference) };
    } catch (err) {
      if (isOciError(err, 'NOT_FOUND')) throw vscode.FileSystemError.FileNotFound(uri);
      throw err;
    }
  }

  private async mtime(uri: vscode.Uri, layout: string, digest: string): Promise<number> {
    const key = uri.toString();
    const last = this.seen.get(key);
    if (last?.digest === digest) return last.mtime;
    let mtime = Date.now();
    if (!last) mtime = await fsStat(join(layout, 'index.json')).then((st) => st.mtimeMs, () => mtime);
    this.seen.set(key, { digest, mtime: Math.max(mtime, (last?.mtime ?? 0) + 1) });
    return this.seen.get(key)!.mtime;
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { ref, store, desc } = await this.resolve(uri);
    const readOnly = isDigestReference(ref.reference) || !isMovableName(ref.reference) || store.readOnly || !vscode.workspace.isTrusted;
    return {
      type: vscode.FileType.File,
      ctime: 0,
      mtime: await this.mtime(uri, ref.layout, desc.digest),
      size: desc.size,
      permissions: readOnly ? vscode.FilePermission.Readonly : undefined,
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { store, desc } = await this.resolve(uri);
    return store.fetchBytes(desc);
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    if (!vscode.workspace.isTrusted) throw vscode.FileSystemError.NoPermissions(untrustedMessage('writes'));
    const { ref, store, desc: current } = await this.resolve(uri);
    if (isDigestReference(ref.reference)) {
      throw vscode.FileSystemError.NoPermissions(l10n.t('{0} is opened by digest: a saved copy would have no name. Tag it first.', shortDigest(ref.reference)));
    }
    if (!isMovableName(ref.reference)) {
      throw vscode.FileSystemError.NoPermissions(l10n.t('{0} is not a tag Manifold can move: tag the index first.', quotedText(ref.reference)));
    }
    if (store.readOnly) throw vscode.FileSystemError.NoPermissions(l10n.t('The layout {0} is read-only.', ref.layout));
    const raw = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    const digest = digestOf(raw);
    if (digest === current.digest) return;
    // What the layout stores must be a valid index whose children are all there: the same rules as the CLI's update.
    let doc;
    try {
      doc = parseManifestStrict(raw, 'index');
    } catch {
      throw notStored(ref.reference, current.digest, problemsText(raw));
    }
    const missing: string[] = [];
    for (const [i, child] of doc.index!.manifests.entries()) if (!(await store.exists(child))) missing.push(`manifests[${i}] (${shortDigest(child.digest)})`);
    if (missing.length > 0) {
      throw notStored(ref.reference, current.digest, l10n.t('the layout does not hold {0}', missing.join(', ')));
    }
    const desc: Descriptor = { mediaType: doc.index!.mediaType ?? MediaType.ImageIndex, digest, size: raw.length };
    try {
      await storeIndex(store, desc, raw, [ref.reference], () => undefined, {});
    } catch (err) {
      throw notStored(ref.reference, current.digest, (err as Error).message);
    }
    await this.mtime(uri, ref.layout, digest);
    layoutChanged(this.services, ref.layout);
    // Saving a stored index is a write the user should see confirmed: the tag now names another digest.
    const message = l10n.t('Saved {0} in {1}: it names {2} now (it named {3}, which stays listed).', ref.reference, basename(ref.layout), shortDigest(digest), shortDigest(current.digest));
    reportDone(this.services, message, { layout: ref.layout, tag: ref.reference, digest });
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  /** Tags move when index.json is rewritten (by anyone): then the document may have new content. */
  watch(uri: vscode.Uri): vscode.Disposable {
    const ref = parseStoredIndexUri(uri);
    if (!ref || isDigestReference(ref.reference)) return new vscode.Disposable(() => undefined);
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      watcher = watch(ref.layout, (_event, name) => {
        if (name !== 'index.json') return;
        clearTimeout(timer);
        timer = setTimeout(() => void this.checkMoved(uri), 200);
      });
      watcher.on('error', () => watcher?.close());
    } catch {
      // A `.tar` layout or a folder gone: nothing to watch.
    }
    return new vscode.Disposable(() => {
      clearTimeout(timer);
      watcher?.close();
    });
  }

  private async checkMoved(uri: vscode.Uri): Promise<void> {
    const last = this.seen.get(uri.toString());
    try {
      const { desc } = await this.resolve(uri);
      if (last && last.digest === desc.digest) return;
      await this.mtime(uri, this.ref(uri).layout, desc.digest);
      this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    } catch {
      this.changed.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}

/**
 * Why a save stored nothing, in the editor's words. VS Code shows a provider's error as "Unable to write file '...'
 * (<the error as text>)", and an error's text starts with its class name (`OciError: ...`): this one has none.
 */
function notStored(tag: string, digest: string, reason: string): Error {
  const err = new Error(l10n.t('The index cannot be saved: {0}. {1} still names {2}.', reason, tag, shortDigest(digest)));
  err.name = '';
  return err;
}

/** What makes the text no index, each with its place: `manifests[2].digest: digest is required`. */
function problemsText(raw: Buffer): string {
  const errors = parseDocument(raw, { expect: 'index' }).problems.filter((p) => p.severity === 'error');
  const shown = errors.slice(0, 3).map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`));
  if (errors.length > 3) shown.push(l10n.t('{0} more problems', errors.length - 3));
  return shown.join('; ') || l10n.t('it is not a valid image index');
}
