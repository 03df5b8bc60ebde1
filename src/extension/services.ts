import type * as vscode from 'vscode';
import type { ManifestDocuments } from './documents/manifestDocuments';
import type { LayoutFolders } from './layouts/layoutFolders';
import type { LayoutsTreeProvider } from './layouts/layoutsTree';
import type { Node } from './tree/nodes';
import type { RegistriesTreeProvider } from './registries/registriesTree';
import type { RegistryService } from './registries/registryService';
import type { Sources } from './sources';
import type { EditorState } from '../shared/indexEditorProtocol';
import type { CoverageModel } from '../shared/coverageProtocol';
import type { SourceRef } from './present/sourceRef';
import type { ReferrersViewProvider } from './referrers/referrersView';

/** What activate() builds once and hands to every command: no global state elsewhere. */
export interface Services {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  layouts: LayoutFolders;
  tree: LayoutsTreeProvider;
  treeView: vscode.TreeView<Node>;
  /** The Layouts view's drops: a tag dropped on another layout is copied there (the host tests drop through it). */
  layoutsDrop: Pick<vscode.TreeDragAndDropController<Node>, 'handleDrop'>;
  documents: ManifestDocuments;
  registries: RegistryService;
  registriesTree: RegistriesTreeProvider;
  registriesView: vscode.TreeView<Node>;
  sources: Sources;
  /** The Referrers view: one image's referrers as rows ("Show Referrers"). */
  referrers: ReferrersViewProvider;
  referrersView: vscode.TreeView<Node>;
  /** The workspace's `index.json` and `oci-layout` files, watched once for the tree and the diagnostics. */
  layoutFiles: vscode.FileSystemWatcher;
  /** The index editor, once registered: what it shows for a document (the host tests read it). */
  indexEditor?: { shownState(uri: string): EditorState | undefined };
  /** The file system of stored indexes (`manifold-index:`), once registered: the host tests save through it. */
  storedIndexes?: Pick<vscode.FileSystemProvider, 'writeFile'>;
  /** The referrer coverage pages, once one is opened: what each shows (the host tests read it). */
  coverage?: { shown(subject: { ref: SourceRef; reference: string }): CoverageModel | undefined };
}
