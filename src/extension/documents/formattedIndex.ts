// A stored index as formatted, read-only text. oras stores an index as one line of compact JSON, and its digest is
// those exact bytes: formatting the document itself would store another index. This view shows the same text
// indented (strings untouched), follows the open document as it is edited, and is checked by the diagnostics in
// the same way, so a problem reads `[Ln 12, Col 7]`, not `[Ln 1, Col 501]`.
import vscode = require('vscode');
import { goIndent } from '../../oci/encoding/goJson';
import { INDEX_SCHEME } from './indexUri';

export const FORMATTED_INDEX_SCHEME = 'manifold-index-text';

/** The formatted view of a stored index document (`manifold-index:` URI), and back. */
export function formattedIndexUri(stored: vscode.Uri): vscode.Uri {
  return stored.with({ scheme: FORMATTED_INDEX_SCHEME });
}

export function storedOfFormatted(uri: vscode.Uri): vscode.Uri | undefined {
  return uri.scheme === FORMATTED_INDEX_SCHEME ? uri.with({ scheme: INDEX_SCHEME }) : undefined;
}

/** Compact JSON indented as Go's json.Indent does; text that is already on several lines, or not JSON, as it is. */
export function formattedText(text: string): string {
  if (text.includes('\n')) return text;
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  return goIndent(text) + '\n';
}

export class FormattedIndexDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document.uri.scheme !== INDEX_SCHEME) return;
    const view = formattedIndexUri(e.document.uri);
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === view.toString())) this.changed.fire(view);
  });

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const stored = storedOfFormatted(uri);
    if (!stored) return '';
    return formattedText((await vscode.workspace.openTextDocument(stored)).getText());
  }
}
