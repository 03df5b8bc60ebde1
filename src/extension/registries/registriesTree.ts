import * as vscode from 'vscode';
import { MessageNode, type Node } from '../layouts/nodes';
import { resolveTooltip, toTreeItem } from '../layouts/layoutsTree';
import { RegistryNode, type RegistriesContext } from './registryNodes';

export const REGISTRIES_VIEW = 'manifold.registries';

/** The Registries view: the registries the user added, refreshed when one is added, removed or signed in to. */
export class RegistriesTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly roots = new Map<string, RegistryNode>();
  private rootList: Promise<Node[]> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(readonly ctx: RegistriesContext) {
    this.subscriptions = [ctx.registries.onDidChange(() => this.refreshAll()), vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshAll())];
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.emitter.dispose();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return toTreeItem(node.spec(), node);
  }

  getChildren(node?: Node): Promise<Node[]> {
    if (node) return node.children(this.ctx);
    this.rootList ??= this.loadRoots();
    return this.rootList;
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  resolveTreeItem(item: vscode.TreeItem, node: Node): Promise<vscode.TreeItem> {
    return resolveTooltip(item, node, this.ctx);
  }

  redraw(node: Node): void {
    this.emitter.fire(node);
  }

  refreshAll(): void {
    for (const n of this.roots.values()) n.invalidate();
    this.rootList = undefined;
    this.emitter.fire(undefined);
  }

  async registries(): Promise<RegistryNode[]> {
    return (await this.getChildren()).filter((n): n is RegistryNode => n instanceof RegistryNode);
  }

  private async loadRoots(): Promise<Node[]> {
    // Restricted Mode: no registry is listed or contacted; the view's welcome text says why.
    if (!vscode.workspace.isTrusted) return [];
    try {
      const next = new Map<string, RegistryNode>();
      for (const entry of this.ctx.registries.list()) {
        const node = this.roots.get(entry.host) ?? new RegistryNode(entry);
        node.entry = entry;
        node.user = await this.ctx.registries.user(entry.host);
        next.set(entry.host, node);
      }
      this.roots.clear();
      for (const [k, v] of next) this.roots.set(k, v);
      return [...next.values()];
    } catch (err) {
      this.rootList = undefined;
      return [new MessageNode(undefined, 'error', (err as Error).message)];
    }
  }
}
