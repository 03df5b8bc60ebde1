import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { shownName } from '../../oci/shownName';

/** Runs `work` under a cancellable notification; cancelling aborts the core operation. */
export function withProgress<T>(title: string, work: (signal: AbortSignal, progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return work(abort.signal, progress);
  });
}

/** copyTags' onTag on a progress notification: `v2 (2 of 5)`, the bar a tag's share further at each tag after the first. */
export function tagTurns(progress: vscode.Progress<{ message?: string; increment?: number }>): (tag: string, index: number, total: number) => void {
  return (tag, i, total) => progress.report({ message: l10n.t('{0} ({1} of {2})', shownName(tag), i + 1, total), increment: i === 0 ? 0 : 100 / total });
}
