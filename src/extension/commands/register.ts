import * as vscode from 'vscode';
import { isOciError } from '../../oci/errors';
import type { Services } from '../services';
import { Cancelled } from './prompts';
import type { CommandEntry } from './table';

/**
 * Registers every command, each wrapped once: a dismissed prompt or a cancelled progress ends quietly;
 * any other error is logged with its stack and shown with a "Show log" action. The handler's result is
 * returned to `executeCommand` callers (tests read digests and paths from it); on error they get undefined.
 */
export function registerCommands(s: Services, table: readonly CommandEntry[]): void {
  for (const { id, handler } of table) {
    s.context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(s, ...args);
        } catch (err) {
          if (err instanceof Cancelled) return undefined;
          if ((err as Error)?.name === 'AbortError') {
            s.log.info(`${id}: cancelled`);
            return undefined;
          }
          report(s, id, err);
          return undefined;
        }
      }),
    );
  }
}

function report(s: Services, id: string, err: unknown): void {
  const e = err as Error;
  s.log.error(`${id} failed: ${isOciError(e) ? `[${e.code}] ` : ''}${e?.stack ?? String(err)}`);
  const showLog = vscode.l10n.t('Show log');
  void vscode.window.showErrorMessage(e?.message ?? String(err), showLog).then((action) => {
    if (action === showLog) s.log.show(true);
  });
}
