import * as vscode from 'vscode';
import { registerCommands } from './commands/register';
import { COMMANDS } from './commands/table';
import { registerDiagnostics } from './diagnostics';
import { ManifestDocuments } from './documents/manifestDocuments';
import { LayoutRegistry } from './layouts/layoutRegistry';
import { LAYOUTS_VIEW, LayoutsTreeProvider } from './layouts/layoutsTree';
import { LayoutWatcher } from './layouts/watcher';
import type { Node } from './layouts/nodes';
import { DOCUMENT_SCHEME } from './present/documentUri';
import { setLocalize } from './present/l10n';
import type { Services } from './services';

/** Builds the services once and registers everything in context.subscriptions. Returns them for tests. */
export function activate(context: vscode.ExtensionContext): { services: Services } {
  setLocalize((message, ...args) => vscode.l10n.t(message, ...args));
  const log = vscode.window.createOutputChannel('Manifold', { log: true });
  const registry = new LayoutRegistry(context.workspaceState);
  const config = () => vscode.workspace.getConfiguration('manifold');
  const tree = new LayoutsTreeProvider({
    registry,
    log,
    showFallbackTags: () => config().get<boolean>('showFallbackTags', false),
    concurrency: () => config().get<number>('concurrency', 16),
    changed: (node) => tree.redraw(node),
  });
  const treeView = vscode.window.createTreeView<Node>(LAYOUTS_VIEW, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  const documents = new ManifestDocuments(registry);
  const services: Services = { context, log, registry, tree, treeView, documents };
  context.subscriptions.push(
    log,
    registry,
    tree,
    treeView,
    documents,
    new LayoutWatcher(registry, tree),
    vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, documents),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('manifold.showFallbackTags')) tree.refreshAll();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => tree.refreshAll()),
  );
  registerCommands(services, COMMANDS);
  registerDiagnostics(services);
  return { services };
}

export function deactivate(): void {}
