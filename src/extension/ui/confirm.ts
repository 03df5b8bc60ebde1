import vscode = require('vscode');
import { unreachableAfter, type LayoutChange } from '../../oci/graph';
import { consequenceLines } from '../present/consequences';
import type { ResolvedLayout } from './pickers';
import { Cancelled } from './prompts';

/**
 * A modal confirmation that says what else the change leaves unreachable. Skipped when the caller passes
 * `confirmed: true` (scripts, tests). Returns the detail text, which is also logged.
 */
export async function confirmChange(layout: ResolvedLayout, change: LayoutChange, question: string, action: string, confirmed: boolean): Promise<string> {
  const report = await unreachableAfter(layout.store, await layout.store.entries(), change);
  const detail = consequenceLines(report).join('\n');
  if (!confirmed) {
    const answer = await vscode.window.showWarningMessage(question, { modal: true, detail }, action);
    if (answer !== action) throw new Cancelled();
  }
  return detail;
}
