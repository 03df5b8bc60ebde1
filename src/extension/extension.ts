// First: its top level marks when the bundle's modules start to run.
import { modulesCpuStarted, modulesStarted } from './activationClock';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { registerCommands } from './commands/register';
import { COMMANDS } from './commands/table';
import { registerDiagnostics } from './diagnostics';
import { registerIndexEditor } from './indexEditor';
import { ManifestDocuments } from './documents/manifestDocuments';
import { LayoutFolders } from './layouts/layoutFolders';
import { LAYOUTS_VIEW, LayoutsTreeProvider } from './layouts/layoutsTree';
import { LayoutWatcher } from './layouts/watcher';
import { LayoutsDragAndDrop } from './layouts/layoutsDragAndDrop';
import type { Node } from './tree/nodes';
import { REGISTRIES_VIEW, RegistriesTreeProvider } from './registries/registriesTree';
import { RegistryService } from './registries/registryService';
import { Sources } from './sources';
import { REFERRER_KINDS_SETTING, referrerKindTable } from './settings/referrerKinds';
import { DOCUMENT_SCHEME } from './present/documentUri';
import type { Services } from './services';
import { REFERRERS_VIEW, ReferrersViewProvider } from './referrers/referrersView';

// The last top-level statement of the entry module: every import has run by now.
const modulesDone = performance.now();
const modulesCpu = process.cpuUsage(modulesCpuStarted);

/** How long loading and activating took, in milliseconds (logged; the host tests print it). */
export interface ActivationTime {
  /** Running the bundle's modules' top level (the host reads and compiles the file before, and may wait for the
   * extension's storage after, before it calls activate()). */
  modulesMs: number;
  modulesCpuMs: number;
  /** activate() itself, wall and CPU time (the CPU time of the extension host process: steadier on a busy machine). */
  activateMs: number;
  activateCpuMs: number;
}

/** Builds the services once and registers everything in context.subscriptions. Returns them for tests. */
export function activate(context: vscode.ExtensionContext): { services: Services; activation: ActivationTime } {
  const activateStarted = performance.now();
  const cpuStarted = process.cpuUsage();
  // Every module's strings go through @vscode/l10n's t (the spelling @vscode/l10n-dev extracts): give it VS Code's bundle.
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const log = vscode.window.createOutputChannel('Manifold', { log: true });
  const layouts = new LayoutFolders(context.workspaceState);
  const registries = new RegistryService(context.globalState, context.secrets);
  const sources = new Sources(layouts, registries);
  const config = () => vscode.workspace.getConfiguration('manifold');
  const common = {
    log,
    showFallbackTags: () => config().get<boolean>('showFallbackTags', false),
    concurrency: () => config().get<number>('concurrency', 16),
    kinds: () => referrerKindTable(),
  };
  const tree = new LayoutsTreeProvider({ ...common, layouts, changed: (node) => tree.redraw(node) });
  const layoutsDrop = new LayoutsDragAndDrop();
  const treeView = vscode.window.createTreeView<Node>(LAYOUTS_VIEW, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true, dragAndDropController: layoutsDrop });
  const registriesTree = new RegistriesTreeProvider({ ...common, registries, changed: (node) => registriesTree.redraw(node) });
  const registriesView = vscode.window.createTreeView<Node>(REGISTRIES_VIEW, { treeDataProvider: registriesTree, showCollapseAll: true });
  const referrers = new ReferrersViewProvider();
  const referrersView = vscode.window.createTreeView<Node>(REFERRERS_VIEW, { treeDataProvider: referrers, showCollapseAll: true });
  const documents = new ManifestDocuments(sources);
  const layoutFiles = vscode.workspace.createFileSystemWatcher('**/{index.json,oci-layout}');
  const services: Services = { context, log, layouts, tree, treeView, layoutsDrop, documents, registries, registriesTree, registriesView, sources, layoutFiles, referrers, referrersView };
  context.subscriptions.push(
    log,
    layoutFiles,
    layouts,
    tree,
    treeView,
    registries,
    registriesTree,
    registriesView,
    referrers,
    referrersView,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, documents),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('manifold.showFallbackTags') || e.affectsConfiguration(REFERRER_KINDS_SETTING)) {
        tree.refreshAll();
        registriesTree.refreshAll();
        referrers.refresh();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => tree.refreshAll()),
  );
  // Watching index.json files starts once the Layouts view has listed its layouts: before, there is nothing to refresh.
  const startWatching = tree.onDidListRoots(() => {
    startWatching.dispose();
    context.subscriptions.push(new LayoutWatcher(layouts, tree, () => treeView.visible, log, layoutFiles));
  });
  context.subscriptions.push(startWatching);
  registerCommands(services, COMMANDS);
  // Sets the Explorer's context key (which folders are layouts) before the view is first opened.
  layouts.discover().catch((err: unknown) => log.warn(`finding layouts: ${(err as Error).message}`));
  registerDiagnostics(services);
  registerIndexEditor(services);
  const done = performance.now();
  const cpu = process.cpuUsage(cpuStarted);
  const activation: ActivationTime = {
    modulesMs: modulesDone - modulesStarted,
    modulesCpuMs: (modulesCpu.user + modulesCpu.system) / 1000,
    activateMs: done - activateStarted, activateCpuMs: (cpu.user + cpu.system) / 1000,
  };
  const ms = (wall: number, cpuMs: number) => `${wall.toFixed(1)} ms (${cpuMs.toFixed(1)} ms CPU)`;
  log.info(`activated: modules ran in ${ms(activation.modulesMs, activation.modulesCpuMs)}, activate() in ${ms(activation.activateMs, activation.activateCpuMs)}`);
  return { services, activation };
}

export function deactivate(): void {}
