import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { ReplayAnswers } from '../ui/answerReplay';

/**
 * The command whose failure offered Trust CA Certificate…, Choose Client Certificate… or Sign In…, run again from the
 * message that says it is done: with its arguments, and (when the failure was this extension's own) the answers its
 * prompts got, so that it asks nothing again.
 */
export interface Retry {
  command: string;
  arguments?: unknown[];
  replay?: ReplayAnswers;
}

export function isRetry(value: unknown): value is Retry {
  if (!value || typeof value !== 'object') return false;
  const r = value as Retry;
  return typeof r.command === 'string' && (r.arguments === undefined || Array.isArray(r.arguments)) && (r.replay === undefined || r.replay instanceof ReplayAnswers);
}

/** Shows `message`, with a Retry button when `retry` names a command to run again. */
export function offerRetry(message: string, retry: unknown): void {
  const again = isRetry(retry) ? retry : undefined;
  const retryTitle = l10n.t('Retry');
  void vscode.window.showInformationMessage(message, ...(again ? [retryTitle] : [])).then((action) => {
    if (action === retryTitle && again) void vscode.commands.executeCommand(again.command, ...(again.arguments ?? []), ...(again.replay ? [again.replay] : []));
  });
}
