import vscode = require('vscode');
import { LayoutNode, type LayoutsContext } from './layoutNodes';
import { NodeTreeProvider } from '../tree/nodeTree';

export const LAYOUTS_VIEW = 'manifold.layouts';

/** The Layouts view: one node per layout, refreshed per layout (watcher, commands) or whole (folders changed). */
export class LayoutsTreeProvider extends NodeTreeProvider<LayoutNode, LayoutsContext> {
  constructor(ctx: LayoutsContext) {
    super(ctx);
    // Rows that offer a write (restoring a lost oci-layout) are drawn without it in Restricted Mode.
    this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshAll()));
  }

  /** The layout nodes as last listed (loads them if needed). */
  async layouts(): Promise<LayoutNode[]> {
    return (await this.getChildren()).filter((n): n is LayoutNode => n instanceof LayoutNode);
  }

  async findLayout(path: string): Promise<LayoutNode | undefined> {
    const folder = this.ctx.layouts.layoutOf(path);
    return (await this.layouts()).find((n) => n.path === (folder?.path ?? path));
  }

  /** The layouts whose tags have been read (expanded at least once), for the watcher's check. */
  loadedLayouts(): LayoutNode[] {
    return [...this.roots.values()].filter((n) => n.loaded && !n.folder.readOnly);
  }

  /** Re-reads one layout's index.json and everything under it. */
  refreshLayout(path: string): boolean {
    const node = this.roots.get(path);
    if (!node) return false;
    // A folder's store re-reads index.json when it changes; an archive's is opened again.
    if (node.folder.readOnly) this.ctx.layouts.forget(path);
    node.invalidate();
    this.redraw(node);
    return true;
  }

  /** Finds the layouts again (new or removed `oci-layout` files, folders added). */
  protected async listRoots(previous: ReadonlyMap<string, LayoutNode>): Promise<Map<string, LayoutNode>> {
    const next = new Map<string, LayoutNode>();
    for (const folder of await this.ctx.layouts.discover()) {
      const node = previous.get(folder.path) ?? new LayoutNode(folder);
      node.folder = folder;
      next.set(folder.path, node);
    }
    return next;
  }
}
