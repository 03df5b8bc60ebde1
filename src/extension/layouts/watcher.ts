import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import vscode = require('vscode');
import { INDEX_FILE, OCI_LAYOUT_FILE } from '../../oci/layout';
import { lostLayoutShape } from '../../oci/layout/lostLayoutFile';
import type { LayoutFolders } from './layoutFolders';
import type { LayoutsTreeProvider } from './layoutsTree';
import { indexStamp } from './layoutNodes';

const DEBOUNCE_MS = 300;
/** How often the index.json of each layout shown is checked, for changes the file watcher missed. */
const POLL_MS = 3000;

/**
 * Refreshes a layout when its index.json changes on disk (another tool, the CLI, a command), and the whole
 * list when an `oci-layout` file appears or goes, or the index.json of a folder that lost its oci-layout does. Events are debounced per layout: a `manifold tag` of
 * twenty tags is one refresh, not twenty. File watchers miss events now and then (network and container
 * mounts, folders made after the watch began), so while the view is visible the index.json of each layout
 * it has read is also checked every few seconds.
 */
export class LayoutWatcher implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private outside: vscode.FileSystemWatcher[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly poller: NodeJS.Timeout;

  constructor(
    private readonly layouts: LayoutFolders,
    private readonly tree: LayoutsTreeProvider,
    private readonly visible: () => boolean,
    private readonly log: vscode.LogOutputChannel,
    /** The workspace-wide watcher of index.json and oci-layout files (shared; its owner disposes it). */
    workspaceFiles: vscode.FileSystemWatcher,
  ) {
    this.listen(workspaceFiles);
    this.subscriptions.push(layouts.onDidChangeFolders(() => this.watchAdded()));
    this.watchAdded();
    this.poller = setInterval(() => void this.poll(), POLL_MS);
  }

  dispose(): void {
    clearInterval(this.poller);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const w of this.outside) w.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  /** Added folders outside the workspace need watchers of their own. */
  private watchAdded(): void {
    for (const w of this.outside) w.dispose();
    this.outside = [];
    for (const path of this.layouts.addedFolders()) {
      const uri = vscode.Uri.file(path);
      if (vscode.workspace.getWorkspaceFolder(uri)) continue;
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(uri, '{index.json,oci-layout}'));
      this.listen(w);
      this.outside.push(w);
    }
  }

  private listen(watcher: vscode.FileSystemWatcher): void {
    watcher.onDidChange((uri) => this.changed(uri, false), undefined, this.subscriptions);
    watcher.onDidCreate((uri) => this.changed(uri, true), undefined, this.subscriptions);
    watcher.onDidDelete((uri) => this.changed(uri, true), undefined, this.subscriptions);
  }

  private changed(uri: vscode.Uri, createdOrDeleted: boolean): void {
    const dir = dirname(uri.fsPath);
    this.log.trace(`watcher: ${createdOrDeleted ? 'created or deleted' : 'changed'} ${uri.fsPath}`);
    // A new or removed oci-layout changes which layouts exist; index.json rewrites are atomic renames,
    // which some platforms report as create/delete, so those only refresh their layout.
    const key = basename(uri.fsPath) === 'oci-layout' && createdOrDeleted ? '' : dir;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (key === '') this.tree.refreshAll();
        else void this.indexChanged(dir);
      }, DEBOUNCE_MS),
    );
  }

  /**
   * An index.json come, gone or rewritten. In a folder that lost its oci-layout it decides whether the folder is
   * listed (see LayoutFolders.discover), so its coming or going finds the layouts again. Any other index.json
   * outside a known layout is someone else's file (node_modules is full of them): a few stats say so.
   */
  private async indexChanged(dir: string): Promise<void> {
    const listed = this.layouts.folders.some((f) => f.path === dir);
    const relist = listed ? !(await exists(join(dir, INDEX_FILE))) && !(await exists(join(dir, OCI_LAYOUT_FILE))) : await lostLayoutShape(dir);
    if (relist) {
      this.log.debug(`watcher: ${dir} ${listed ? 'has neither index.json nor oci-layout now' : 'has index.json and blobs/ but no oci-layout'}: finding layouts again`);
      this.tree.refreshAll();
    } else if (listed) this.tree.refreshLayout(dir);
  }

  private async poll(): Promise<void> {
    if (!this.visible()) return;
    for (const node of this.tree.loadedLayouts()) {
      const now = await indexStamp(node.path);
      if (now && node.stamp && now !== node.stamp) {
        this.log.debug(`index.json of ${node.path} changed without a watcher event: refreshing`);
        this.tree.refreshLayout(node.path);
      }
    }
  }
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
