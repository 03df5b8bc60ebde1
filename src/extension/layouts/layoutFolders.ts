import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import vscode = require('vscode');
import { SummaryCache } from '../../oci/graph';
import { INDEX_FILE, OCI_LAYOUT_FILE, OciLayoutStore } from '../../oci/layout';
import { lostLayoutShape } from '../../oci/layout/lostLayoutFile';
import { isWithin } from '../../oci/pathWithin';

export interface LayoutFolder {
  /** Absolute path of the layout folder (or `.tar`). */
  path: string;
  /** Added by the user rather than found in the workspace. */
  added: boolean;
  readOnly: boolean;
}

const ADDED_KEY = 'manifold.layoutFolders';
/** Context key listing the known layout folders, for `resourcePath in manifold.layoutFolders` in Explorer menus. */
export const LAYOUT_FOLDERS_CONTEXT = 'manifold.layoutFolders';
const EXCLUDE = '{**/node_modules/**,**/.manifold-tmp/**,**/.git/**}';

/**
 * The layouts Manifold shows: those found in the workspace (`oci-layout` files, or index.json beside blobs/ in a
 * folder that lost its oci-layout) and those the user added
 * (kept in workspaceState). Opens each once and keeps the store, whose caches make re-reading cheap.
 */
export class LayoutFolders implements vscode.Disposable {
  private readonly stores = new Map<string, Promise<OciLayoutStore>>();
  private readonly summaryCaches = new Map<string, SummaryCache>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the user adds or removes a folder. */
  readonly onDidChangeFolders = this.changed.event;
  private known: LayoutFolder[] = [];

  constructor(private readonly state: vscode.Memento) {}

  dispose(): void {
    this.changed.dispose();
  }

  addedFolders(): string[] {
    return this.state.get<string[]>(ADDED_KEY, []);
  }

  async addFolder(path: string): Promise<void> {
    const abs = resolve(path);
    const added = this.addedFolders();
    if (!added.includes(abs)) await this.state.update(ADDED_KEY, [...added, abs]);
    this.changed.fire();
  }

  async removeFolder(path: string): Promise<void> {
    const abs = resolve(path);
    await this.state.update(ADDED_KEY, this.addedFolders().filter((p) => p !== abs));
    this.forget(abs);
    this.changed.fire();
  }

  /** The layouts as last discovered. */
  get folders(): readonly LayoutFolder[] {
    return this.known;
  }

  /** Finds the workspace's layouts again and merges the added ones; sets the Explorer context key. */
  async discover(): Promise<LayoutFolder[]> {
    const [found, indexes] = await Promise.all([
      vscode.workspace.findFiles('**/oci-layout', EXCLUDE),
      vscode.workspace.findFiles(`**/${INDEX_FILE}`, EXCLUDE),
    ]);
    const byPath = new Map<string, LayoutFolder>();
    const withLayoutFile = new Set<string>();
    for (const uri of found) {
      if (uri.scheme !== 'file') continue;
      const path = dirname(uri.fsPath);
      byPath.set(path, { path, added: false, readOnly: false });
      withLayoutFile.add(path);
    }
    // A layout folder that lost its oci-layout (index.json and blobs/ still there) is listed too, so that its row
    // says so and offers to write the file back, in every session and not only the one it was lost in.
    const candidates = indexes.filter((uri) => uri.scheme === 'file').map((uri) => dirname(uri.fsPath)).filter((path) => !byPath.has(path));
    const shaped = await Promise.all(candidates.map(async (path) => ((await lostLayoutShape(path)) ? path : undefined)));
    for (const path of shaped) if (path) byPath.set(path, { path, added: false, readOnly: false });
    for (const path of this.addedFolders()) {
      if (byPath.has(path)) byPath.get(path)!.added = true;
      else byPath.set(path, { path, added: true, readOnly: await isFile(path) });
    }
    // A layout shown until now that lost its oci-layout but not its index.json stays, so its row can say what
    // is wrong and offer to write the file back (see unreadableLayout), rather than vanish without a word.
    for (const f of this.known) {
      if (!f.added && !byPath.has(f.path) && (await isFile(join(f.path, INDEX_FILE)))) byPath.set(f.path, f);
    }
    // A store checked the oci-layout when it was opened: one whose folder lost it since is dropped, so that the
    // layout is opened (and refused) again, as any reader would.
    for (const f of byPath.values()) {
      if (!withLayoutFile.has(f.path) && !f.readOnly && !(await isFile(join(f.path, OCI_LAYOUT_FILE)))) this.forget(f.path);
    }
    this.known = [...byPath.values()].sort((a, b) => compareFolders(a.path, b.path));
    await vscode.commands.executeCommand('setContext', LAYOUT_FOLDERS_CONTEXT, this.known.map((f) => f.path));
    await vscode.commands.executeCommand('setContext', 'manifold.hasAddedLayouts', this.addedFolders().length > 0);
    return this.known;
  }

  /** The store for a layout, opened once. A failed open is not kept, so the next call tries again. */
  open(path: string): Promise<OciLayoutStore> {
    const abs = resolve(path);
    let store = this.stores.get(abs);
    if (!store) {
      store = isFile(abs).then((file) => (file ? OciLayoutStore.openTar(abs) : OciLayoutStore.open(abs)));
      this.stores.set(abs, store);
      store.catch(() => this.stores.delete(abs));
    }
    return store;
  }

  summaries(path: string): SummaryCache {
    const abs = resolve(path);
    let cache = this.summaryCaches.get(abs);
    if (!cache) this.summaryCaches.set(abs, (cache = new SummaryCache()));
    return cache;
  }

  /** Drops the open store (a layout deleted or replaced on disk, or a `.tar` rewritten). */
  forget(path: string): void {
    this.stores.delete(resolve(path));
  }

  /** The known layout containing `path` (a layout folder or anything inside it), if any. */
  layoutOf(path: string): LayoutFolder | undefined {
    return this.known.find((f) => isWithin(f.path, path));
  }
}

export function layoutName(path: string): string {
  return basename(path);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function compareFolders(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
