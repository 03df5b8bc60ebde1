import { isOciError, OciError } from '../oci/errors';
import { closeDefaultAgents, preferQuickStartup } from '../oci/registry/client';
export { v8FlagsChanged } from '../oci/registry/client';
import { RegistryError } from '../oci/registry/registryError';
import { userCaPath } from '../oci/registry/tlsTrust';
import { dirname } from 'node:path';
import { quotedText, visibleMessage } from '../oci/shownName';
import { type Command, helpText, parseCommand, UsageError } from './command';
import { COMMANDS } from './commands';
import { OutputClosed, outputClosed, type Printer, processPrinter, withoutTerminal } from './printer';

const VERSION = '0.1.0';

/** Finds the command named by the longest run of leading words (`manifest index create`). */
export function findCommand(argv: string[]): { command?: Command; rest: string[]; words: string[] } {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  for (let n = Math.min(words.length, 3); n > 0; n--) {
    const name = words.slice(0, n).join(' ');
    const command = COMMANDS.find((c) => c.path === name || c.aliases?.includes(name));
    if (command) return { command, rest: argv.filter((_, i) => i >= n), words };
  }
  return { rest: argv, words };
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.length)) + 2;
  return [
    'manifold: build and manage multi-arch OCI images in image layouts, locally first',
    '',
    'Usage:',
    '  manifold <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.path.padEnd(width)}${c.summary}`),
    '',
    'Run "manifold <command> --help" for a command\'s flags.',
    '',
  ].join('\n');
}

/** The command `argv` runs, by its name (`manifest index create`, `version`): what the launcher's code cache learns. */
export function commandName(argv: string[]): string {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return 'help';
  if (argv[0] === '--version' || argv[0] === 'version') return 'version';
  return findCommand(argv).command?.path ?? 'unknown';
}

export async function main(argv: string[], printer: Printer = processPrinter): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    printer.out(overview());
    return argv.length === 0 ? 1 : 0;
  }
  if (argv[0] === '--version' || argv[0] === 'version') {
    printer.out(`manifold ${VERSION}\n`);
    return 0;
  }
  const { command, rest, words } = findCommand(argv);
  if (!command) {
    printer.err(`Error: unknown command ${quotedText(words.join(' '))}\n\n${overview()}`);
    return 1;
  }
  try {
    const parsed = { ...parseCommand(command, rest), printer };
    if (parsed.values.help) {
      printer.out(helpText(command));
      return 0;
    }
    // --no-tty: the command's printer has no terminal, so nothing it runs draws a status line.
    if (parsed.values['no-tty'] === true) parsed.printer = withoutTerminal(printer);
    return (await command.run(parsed, parsed.printer)) ?? 0;
  } catch (err) {
    // The reader of our output went away (`| head`): stop as cat or a Go tool does, killed by SIGPIPE (128 + 13),
    // without an error about a write nobody asked to see.
    if (err instanceof OutputClosed) return 141;
    if (err instanceof UsageError) {
      printer.err(`Error: ${visibleMessage(err.message)}\nRun "manifold ${command.path} --help" for usage.\n`);
      return 1;
    }
    if (isOciError(err) || err instanceof Error) {
      printer.err(`Error: ${visibleMessage(err.message)}\n`);
      if (isOciError(err, 'UNAUTHORIZED')) printer.err(`${signInHint(err)}\n`);
      if (isOciError(err, 'UNTRUSTED') || isOciError(err, 'CLIENT_CERTIFICATE')) printer.err(`${certificateHint(err)}\n`);
      if (process.env.MANIFOLD_DEBUG && err.stack) printer.err(`${err.stack}\n`);
      return 1;
    }
    printer.err(`Error: ${visibleMessage(String(err))}\n`);
    return 1;
  }
}

/**
 * Runs `manifold argv` as the process: the process-wide parts belong to the process, not to main(), which tests
 * call in-process beside clients of their own. dist/cli.js (src/cli/launcher.ts) calls it.
 */
export function runCli(argv: string[]): void {
  // A V8 flag: a registry command would otherwise spend ~0.18 s CPU optimizing undici's HTTP parser it uses briefly.
  preferQuickStartup();
  main(argv)
    .then(
      (code) => {
        // What it printed after its reader left was dropped (see outputClosed): as if killed by SIGPIPE.
        process.exitCode = outputClosed() ? 141 : code;
      },
      (err: unknown) => {
        processPrinter.err(`Error: ${String(err)}\n`);
        process.exitCode = 1;
      },
    )
    // Idle keep-alive sockets would hold the process open a few hundred milliseconds after the work.
    .finally(closeDefaultAgents);
}

if (require.main === module) runCli(process.argv.slice(2));

/** How to give a registry's CA, or the client certificate it wants: the flags, or its certs.d folder (read by docker and podman too). */
function certificateHint(err: OciError): string {
  const host = err.registry ?? 'REGISTRY';
  if (err.code === 'UNTRUSTED') {
    return `Trust the CA that signed it: --ca-file CA.pem, save it as ${userCaPath(host)} (podman and skopeo read it there too), or add it to this machine's trust store. --insecure accepts any certificate.`;
  }
  return `Give it with --cert-file and --key-file, or save them as client.cert and client.key in ${dirname(userCaPath(host))}.`;
}

/** How to sign in from here: the core's refusal names the registry, this face names its own command. */
function signInHint(err: unknown): string {
  const host = err instanceof RegistryError ? new URL(err.url).host : err instanceof OciError ? err.registry : undefined;
  return `Sign in with "manifold login ${host ?? 'REGISTRY'}", or pass --username with --password-stdin.`;
}
