import vscode = require('vscode');
import { editsFor } from '../../oci/indexDocument';
import { DIAGNOSTIC_SOURCE, type OciDiagnostics } from './ociDiagnostics';

/**
 * Quick fixes for the findings whose fix is certain (a size, a platform, a mediaType read from the layout):
 * each is the same minimal text edit the index editor would make.
 */
export class OciQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: OciDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const offered = this.diagnostics.fixesFor(document);
    if (offered.length === 0) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
      const match = offered.find((o) => o.code === code && o.range.isEqual(d.range));
      if (!match) continue;
      let edits;
      try {
        edits = editsFor(document.getText(), match.fix.intent);
      } catch {
        continue; // the text stopped being JSON since: no fix is certain any more
      }
      const edit = new vscode.WorkspaceEdit();
      for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
      const action = new vscode.CodeAction(match.fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = edit;
      action.diagnostics = [d];
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }
}
