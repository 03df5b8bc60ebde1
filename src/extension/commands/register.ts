import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { isOciError } from '../../oci/errors';
import type { Services } from '../services';
import { signInOffer } from '../registries/signInOffer';
import { certificateOffer, CLIENT_CERTIFICATE_COMMAND, TRUST_CA_COMMAND } from '../registries/certificateOffer';
import { inOwnWords } from '../present/ownWords';
import { guardTrust, UntrustedWorkspaceError } from '../trust';
import { AnswerSession, answering, type Answer, ReplayAnswers } from '../ui/answerReplay';
import { Cancelled } from '../ui/prompts';
import { isRetry } from './retry';
import type { CommandEntry } from './table';

/**
 * Registers every command, each wrapped once: a dismissed prompt or a cancelled progress ends quietly;
 * any other error is logged with its stack and shown with a "Show log" action. A command that writes or talks to a
 * registry is refused in an untrusted workspace (../trust.ts), with a "Manage Workspace Trust" action. The handler's result is
 * returned to `executeCommand` callers (tests read digests and paths from it); on error they get undefined. Each run
 * records the answers its prompts get (../ui/answerReplay.ts): the Retry a failure offers replays them, handed back
 * as a last argument that the handler never sees.
 */
export function registerCommands(services: Services, table: readonly CommandEntry[]): void {
  for (const { id, handler } of table) {
    const run = guardTrust(id, handler, () => vscode.workspace.isTrusted);
    services.context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...given: unknown[]) => {
        const replay = given.at(-1) instanceof ReplayAnswers ? (given.at(-1) as ReplayAnswers) : undefined;
        const args = replay ? given.slice(0, -1) : given;
        const session = new AnswerSession(replay?.answers);
        try {
          return await answering(session, () => run(services, ...args));
        } catch (err) {
          if (err instanceof Cancelled) return undefined;
          if (err instanceof UntrustedWorkspaceError) {
            refuseUntrusted(services, id, err);
            return undefined;
          }
          if ((err as Error)?.name === 'AbortError') {
            services.log.info(`${id}: cancelled`);
            return undefined;
          }
          report(services, id, err, args, session.answers);
          return undefined;
        }
      }),
    );
  }
}

const SIGN_IN_COMMAND = 'manifold.signIn';

function report(services: Services, id: string, err: unknown, args: unknown[], answers: readonly Answer[]): void {
  const e = err as Error;
  services.log.error(`${id} failed: ${isOciError(e) ? `[${e.code}] ` : ''}${e?.stack ?? String(err)}`);
  const showLog = l10n.t('Show log');
  // A registry that wants credentials (the error's code, not its text, says so) gets a "Sign In" action.
  const signIn = signInOffer(err, { isKnown: (host) => services.registries.entry(host) !== undefined });
  const signInTitle = l10n.t('Sign In…');
  // A registry whose certificate is not trusted here, or that wants a client certificate: save the file it needs,
  // then this command is offered again with the same arguments and answers (after Sign In too).
  const certificate = certificateOffer(err);
  // The remedies themselves are not offered again once done: a sign-in whose password was refused, signed in by its
  // Sign In…, passes on the retry it was given (if any), not itself.
  const passedOn = (args[0] as { retry?: unknown } | undefined)?.retry;
  const remedy = id === SIGN_IN_COMMAND || id === TRUST_CA_COMMAND || id === CLIENT_CERTIFICATE_COMMAND;
  const retry = isRetry(passedOn) ? passedOn : remedy ? undefined : { command: id, arguments: args, replay: new ReplayAnswers(answers) };
  const actions = signIn ? [signInTitle, showLog] : certificate ? [certificate.title, showLog] : [showLog];
  void vscode.window.showErrorMessage(inOwnWords(e?.message ?? String(err)), ...actions).then((action) => {
    if (action === showLog) services.log.show(true);
    if (action === signInTitle) void vscode.commands.executeCommand(SIGN_IN_COMMAND, { ...signIn, retry });
    if (certificate && action === certificate.title) void vscode.commands.executeCommand(certificate.command, { registry: certificate.registry, retry });
  });
}

function refuseUntrusted(services: Services, id: string, err: UntrustedWorkspaceError): void {
  services.log.warn(`${id} refused: ${err.message}`);
  const manage = l10n.t('Manage Workspace Trust');
  void vscode.window.showWarningMessage(err.message, manage).then((action) => {
    if (action === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}
