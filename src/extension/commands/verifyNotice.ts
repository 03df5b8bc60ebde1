import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { CheckProblem } from '../../oci/check';

/** The notification, as Check Image's: with a problem, "Show Problems" focuses the Problems panel. Returns its text. */
export function showSummary(text: string, problems: readonly CheckProblem[]): string {
  const worst = problems.some((p) => p.severity === 'error') ? 'error' : problems.some((p) => p.severity === 'warning') ? 'warning' : 'info';
  const show = l10n.t('Show Problems');
  const message = { error: vscode.window.showErrorMessage, warning: vscode.window.showWarningMessage, info: vscode.window.showInformationMessage }[worst];
  void message(text, show).then((action) => {
    if (action === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return text;
}
