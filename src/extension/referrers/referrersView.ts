// The Referrers view: what is attached to one image, as rows to click and act on rather than a text document.
// Its rows are the trees' own nodes, hung under the real layout or repository node of the Layouts or Registries
// view, so every command that takes a tree row (open, copy digest, delete, save a blob) takes these rows too.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Descriptor } from '../../oci/descriptor';
import type { ItemSpec } from '../present/items';
import { resolveTooltip, toTreeItem } from '../tree/nodeTree';
import { ManifestLikeNode, ManifestNode, MessageNode, type Node, type SourceNode, type TreeContext } from '../tree/nodes';

export const REFERRERS_VIEW = 'manifold.referrers';
/** Context key: the view is listed in the Manifold side bar only once something has been shown in it. */
const SHOWN_KEY = 'manifold.referrersShown';

/**
 * The image the view is about, or (below an index) one of its platforms: its referrers, and for an index its
 * platforms, each with their referrers in turn: the trees' own rows without the config and layers. Other rows (a
 * referrer and what it holds) are ordinary tree nodes.
 */
export class SubjectNode extends ManifestNode {
  constructor(
    parent: Node,
    desc: Descriptor,
    /** The reference shown as the root's label (`app:v1`); undefined for a platform row. */
    readonly reference?: string,
  ) {
    super(parent, desc, reference === undefined ? 'child' : 'untagged');
  }

  override spec(): ItemSpec {
    const spec = super.spec();
    if (this.reference === undefined) return { ...spec, collapsible: 'expanded' };
    return { ...spec, label: this.reference, description: [spec.label, spec.description].filter(Boolean).join(' · '), collapsible: 'expanded' };
  }

  protected override readonly showsBlobs = false;

  protected override platformRow(desc: Descriptor): SubjectNode {
    return new SubjectNode(this, desc);
  }

  protected override async load(ctx: TreeContext): Promise<Node[]> {
    const nodes = await super.load(ctx);
    return nodes.length > 0 ? nodes : [new MessageNode(this, 'info', l10n.t('Nothing is attached.'))];
  }
}

export class ReferrersViewProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private shown: { root: SubjectNode; ctx: TreeContext } | undefined;

  get root(): SubjectNode | undefined {
    return this.shown?.root;
  }

  /** The context the rows load with: the owning view's (its store, its registries), redrawing here. */
  get ctx(): TreeContext | undefined {
    return this.shown?.ctx;
  }

  /** Shows the referrers of `desc`, read from `source` (a node of the Layouts or Registries view). */
  async show(source: SourceNode, ownerCtx: TreeContext, desc: Descriptor, reference: string): Promise<SubjectNode> {
    const root = new SubjectNode(source, desc, reference);
    this.shown = { root, ctx: { ...ownerCtx, changed: (node) => this.emitter.fire(node) } };
    await vscode.commands.executeCommand('setContext', SHOWN_KEY, true);
    this.emitter.fire(undefined);
    return root;
  }

  /** Reads everything again (after a write, or from the view's Refresh button). */
  refresh(): void {
    this.shown?.root.invalidate();
    this.emitter.fire(undefined);
  }

  /** After a layout changed on disk or through a command: read again if the view shows something of it. */
  layoutChanged(path: string): void {
    const source = this.shown?.root.source;
    if (source?.ref.kind === 'layout' && source.ref.path === path) this.refresh();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const item = toTreeItem(node.spec(), node);
    // A click opens what the row is (the index, a platform's manifest, a referrer); blobs keep the trees' own click.
    if (node instanceof ManifestLikeNode) item.command = { command: 'manifold.openManifest', title: l10n.t('Open Manifest'), arguments: [node] };
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!this.shown) return [];
    if (!node) return [this.shown.root];
    return node.children(this.shown.ctx);
  }

  getParent(node: Node): Node | undefined {
    return node === this.shown?.root ? undefined : node.parent;
  }

  resolveTreeItem(item: vscode.TreeItem, node: Node): Promise<vscode.TreeItem> {
    return this.shown ? resolveTooltip(item, node, this.shown.ctx) : Promise.resolve(item);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
