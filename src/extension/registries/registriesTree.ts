import vscode = require('vscode');
import { NodeTreeProvider } from '../tree/nodeTree';
import { RegistryNode, type RegistriesContext } from './registryNodes';

export const REGISTRIES_VIEW = 'manifold.registries';

/** The Registries view: the registries the user added, refreshed when one is added, removed or signed in to. */
export class RegistriesTreeProvider extends NodeTreeProvider<RegistryNode, RegistriesContext> {
  constructor(ctx: RegistriesContext) {
    super(ctx);
    this.subscriptions.push(ctx.registries.onDidChange(() => this.refreshAll()), vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshAll()));
  }

  async registries(): Promise<RegistryNode[]> {
    return (await this.getChildren()).filter((n): n is RegistryNode => n instanceof RegistryNode);
  }

  protected async listRoots(previous: ReadonlyMap<string, RegistryNode>): Promise<Map<string, RegistryNode>> {
    const next = new Map<string, RegistryNode>();
    // Restricted Mode: no registry is listed or contacted; the view's welcome text says why.
    if (!vscode.workspace.isTrusted) return next;
    for (const entry of this.ctx.registries.list()) {
      const node = previous.get(entry.host) ?? new RegistryNode(entry);
      node.entry = entry;
      node.user = await this.ctx.registries.user(entry.host);
      next.set(entry.host, node);
    }
    return next;
  }
}
