import * as vscode from 'vscode';
import type { ItemSpec } from '../present/items';
import { BlobNode, LayoutNode, MessageNode, Node, type TreeContext } from './nodes';

export const LAYOUTS_VIEW = 'manifold.layouts';

/** The Layouts view: one node per layout, refreshed per layout (watcher, commands) or whole (folders changed). */
export class LayoutsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly roots = new Map<string, LayoutNode>();
  private rootList: Promise<Node[]> | undefined;

  constructor(readonly ctx: TreeContext) {}

  dispose(): void {
    this.emitter.dispose();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return toTreeItem(node.spec(), node);
  }

  getChildren(node?: Node): Promise<Node[]> {
    if (node) return node.children(this.ctx);
    if (!this.rootList) this.rootList = this.loadRoots();
    return this.rootList;
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  resolveTreeItem(item: vscode.TreeItem, node: Node): Promise<vscode.TreeItem> {
    return resolveTooltip(item, node, this.ctx);
  }

  /** The layout nodes as last listed (loads them if needed). */
  async layouts(): Promise<LayoutNode[]> {
    return (await this.getChildren()).filter((n): n is LayoutNode => n instanceof LayoutNode);
  }

  async findLayout(path: string): Promise<LayoutNode | undefined> {
    const folder = this.ctx.registry.layoutOf(path);
    return (await this.layouts()).find((n) => n.path === (folder?.path ?? path));
  }

  /** The layouts whose tags have been read (expanded at least once), for the watcher's check. */
  loadedLayouts(): LayoutNode[] {
    return [...this.roots.values()].filter((n) => n.loaded && !n.folder.readOnly);
  }

  /** Redraws a node without reloading it. */
  redraw(node: Node): void {
    this.emitter.fire(node);
  }

  /** Finds the layouts again (new or removed `oci-layout` files, folders added). */
  refreshAll(): void {
    for (const n of this.roots.values()) n.invalidate();
    this.rootList = undefined;
    this.emitter.fire(undefined);
  }

  /** Re-reads one layout's index.json and everything under it. */
  refreshLayout(path: string): boolean {
    const node = this.roots.get(path);
    if (!node) return false;
    // A folder's store re-reads index.json when it changes; an archive's is opened again.
    if (node.folder.readOnly) this.ctx.registry.forget(path);
    node.invalidate();
    this.emitter.fire(node);
    return true;
  }

  private async loadRoots(): Promise<Node[]> {
    try {
      const folders = await this.ctx.registry.discover();
      const next = new Map<string, LayoutNode>();
      for (const folder of folders) {
        // The same node object across refreshes: VS Code matches refresh events by object.
        const node = this.roots.get(folder.path) ?? new LayoutNode(folder);
        node.folder = folder;
        next.set(folder.path, node);
      }
      this.roots.clear();
      for (const [k, v] of next) this.roots.set(k, v);
      return [...next.values()];
    } catch (err) {
      this.ctx.log.error(`finding layouts: ${(err as Error).stack ?? err}`);
      this.rootList = undefined;
      return [new MessageNode(undefined, 'error', (err as Error).message)];
    }
  }
}

export function toTreeItem(spec: ItemSpec, node: Node): vscode.TreeItem {
  const state =
    spec.collapsible === 'none'
      ? vscode.TreeItemCollapsibleState.None
      : spec.collapsible === 'expanded'
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(spec.label, state);
  item.id = node.id;
  item.description = spec.description;
  item.contextValue = spec.contextValue;
  item.iconPath = new vscode.ThemeIcon(spec.icon.id, spec.icon.color ? new vscode.ThemeColor(spec.icon.color) : undefined);
  if (node instanceof MessageNode && node.action) {
    item.command = node.action;
  } else if (node instanceof MessageNode && node.severity === 'error') {
    item.command = { command: 'manifold.showLog', title: vscode.l10n.t('Show log') };
  } else if (node instanceof BlobNode && node.role === 'config') {
    item.command = { command: 'manifold.openConfig', title: vscode.l10n.t('Open config'), arguments: [node] };
  }
  return item;
}

/** Fills in the tooltip on hover: the node's own facts, with what only a read of the manifest tells. */
export async function resolveTooltip(item: vscode.TreeItem, node: Node, ctx: TreeContext): Promise<vscode.TreeItem> {
  let text: string | undefined;
  try {
    text = await node.resolveTooltip(ctx);
  } catch (err) {
    ctx.log.warn(`tooltip of ${node.id}: ${(err as Error).message}`);
  }
  text ??= node.spec().tooltip?.();
  if (text) item.tooltip = markdown(text);
  return item;
}

function markdown(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text, true);
  md.isTrusted = false;
  return md;
}
