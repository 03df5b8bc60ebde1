import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { GraphCheck, type CheckReport } from '../../oci/check';
import type { Descriptor } from '../../oci/descriptor';
import type { ReadOnlyTarget } from '../../oci/target';
import { seenDescriptors } from '../diagnostics/seenDescriptors';
import { checkProgressText, checkSummaryText, uncomparedText } from '../present/checkText';
import { withProgress } from './progress';
import { Cancelled } from './prompts';

const REPORT_EVERY_MS = 200;

/**
 * A check (see src/oci/check) under a cancellable notification that shows what has been read so far. `add` gives
 * it its roots. Returns the report and the descriptors of the documents read. Cancelled, it throws Cancelled.
 */
export async function checkWithProgress(
  title: string,
  target: ReadOnlyTarget,
  where: string,
  add: (check: GraphCheck) => Promise<void>,
): Promise<{ report: CheckReport; seen: Map<string, Descriptor> }> {
  const { target: reading, seen } = seenDescriptors(target);
  let aborted = false;
  try {
    return await withProgress(title, async (signal, progress) => {
      signal.addEventListener('abort', () => (aborted = true));
      let last = 0;
      const check = new GraphCheck(reading, {
        signal,
        where,
        onProgress: (counts) => {
          const now = Date.now();
          if (now - last < REPORT_EVERY_MS) return;
          last = now;
          progress.report({ message: checkProgressText(counts) });
        },
      });
      await add(check);
      return { report: check.report(), seen };
    });
  } catch (err) {
    if (aborted) throw new Cancelled();
    throw err;
  }
}

/** The summary notification; with problems, a "Show Problems" button that focuses the Problems panel. Returns its text. */
export function showCheckSummary(what: string, report: CheckReport): string {
  const text = [checkSummaryText(what, report.problems, report.counts), ...uncomparedText(report.uncompared)].join(' ');
  if (report.problems.length === 0) {
    void vscode.window.showInformationMessage(text);
    return text;
  }
  const show = l10n.t('Show Problems');
  const worst = report.problems.some((p) => p.severity === 'error') ? 'error' : report.problems.some((p) => p.severity === 'warning') ? 'warning' : 'info';
  // Notes alone (a layout's garbage): no problem, but the button still shows them.
  const message = { error: vscode.window.showErrorMessage, warning: vscode.window.showWarningMessage, info: vscode.window.showInformationMessage }[worst];
  void message(text, show).then((action) => {
    if (action === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return text;
}
