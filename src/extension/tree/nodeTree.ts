import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { ItemSpec } from '../present/items';
import { BlobNode, MessageNode, type Node, type TreeContext } from './nodes';

/** A root node: its children are read again after invalidate(). */
export interface RootNode extends Node {
  invalidate(): void;
}

/**
 * What the Layouts and Registries views share: nodes drawn from their ItemSpec, tooltips filled in on hover, the
 * root list read once and kept until refreshAll(), root nodes kept by key across refreshes (VS Code matches
 * refresh events by object), and a failure to list them shown as an error item rather than a pop-up.
 */
export abstract class NodeTreeProvider<Root extends RootNode, Ctx extends TreeContext = TreeContext> implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly listed = new vscode.EventEmitter<void>();
  /** Fires each time the roots have been listed (the first time: the view was shown, or a test read it). */
  readonly onDidListRoots = this.listed.event;
  protected readonly roots = new Map<string, Root>();
  private rootList: Promise<Node[]> | undefined;
  protected readonly subscriptions: vscode.Disposable[] = [];

  constructor(readonly ctx: Ctx) {}

  /** The current roots by key; reuse `previous.get(key)` where it is there. */
  protected abstract listRoots(previous: ReadonlyMap<string, Root>): Promise<Map<string, Root>>;

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.listed.dispose();
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

  /** Redraws a node without reloading it. */
  redraw(node: Node): void {
    this.emitter.fire(node);
  }

  /** Lists the roots again and reloads everything under them. */
  refreshAll(): void {
    for (const n of this.roots.values()) n.invalidate();
    this.rootList = undefined;
    this.emitter.fire(undefined);
  }

  private async loadRoots(): Promise<Node[]> {
    try {
      const next = await this.listRoots(this.roots);
      this.roots.clear();
      for (const [k, v] of next) this.roots.set(k, v);
      this.listed.fire();
      return [...next.values()];
    } catch (err) {
      this.ctx.log.error(`listing the roots: ${(err as Error).stack ?? err}`);
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
    item.command = { command: 'manifold.showLog', title: l10n.t('Show log') };
  } else if (node instanceof BlobNode && node.role === 'config') {
    item.command = { command: 'manifold.openConfig', title: l10n.t('Open config'), arguments: [node] };
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
