import vscode = require('vscode');
import type { Services } from '../services';
import { IndexEditorProvider, INDEX_EDITOR_VIEW_TYPE } from './indexEditorProvider';
import { INDEX_SCHEME } from '../documents/indexUri';
import { StoredIndexFileSystem } from './storedIndexFs';
import { FORMATTED_INDEX_SCHEME, FormattedIndexDocuments } from '../documents/formattedIndex';

export { addToIndex, editIndex, openInIndexEditor } from './commands';
export { INDEX_EDITOR_VIEW_TYPE } from './indexEditorProvider';
export { INDEX_SCHEME, storedIndexUri } from '../documents/indexUri';

/** The index editor (a custom text editor for image index documents) and the stored indexes it opens. */
export function registerIndexEditor(services: Services): void {
  const files = new StoredIndexFileSystem(services);
  const provider = new IndexEditorProvider(services);
  services.indexEditor = provider;
  services.storedIndexes = files;
  const formatted = new FormattedIndexDocuments();
  services.context.subscriptions.push(
    files,
    formatted,
    vscode.workspace.registerTextDocumentContentProvider(FORMATTED_INDEX_SCHEME, formatted),
    vscode.workspace.registerFileSystemProvider(INDEX_SCHEME, files, { isCaseSensitive: true }),
    vscode.window.registerCustomEditorProvider(INDEX_EDITOR_VIEW_TYPE, provider, {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { enableFindWidget: true },
    }),
  );
}
