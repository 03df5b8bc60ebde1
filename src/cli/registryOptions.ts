import { ChainCredentialStore, type CredentialStore, DockerConfigStore, MemoryCredentialStore } from '../oci/auth';
import { DEFAULT_MAX_CONNECTIONS, type RegistryClientOptions } from '../oci/registry/client';
import type { TlsFiles } from '../oci/registry/tlsTrust';
import { OciError } from '../oci/errors';
import { retryNotice } from '../oci/registry/retryNotice';
import type { OptionSpec, ParsedCommand } from './parsed';
import { processPrinter } from './printer';

/** Flags of every command that may talk to a registry, as oras spells them. */
export const REGISTRY_OPTIONS: Record<string, OptionSpec> = {
  'plain-http': { type: 'boolean', description: 'talk HTTP to the registry, not HTTPS (credentials then travel in clear)' },
  insecure: { type: 'boolean', description: 'accept any TLS certificate of the registry' },
  'ca-file': { type: 'string', multiple: true, description: "trust the CA certificates of this PEM file for the registry's TLS certificate, besides the system's and its certs.d folder's", valueName: 'FILE' },
  'cert-file': { type: 'string', description: 'the client certificate (PEM) to show a registry that asks for one; with --key-file', valueName: 'FILE' },
  'key-file': { type: 'string', description: 'the private key (PEM) of --cert-file', valueName: 'FILE' },
  username: { type: 'string', short: 'u', description: 'registry user name', valueName: 'NAME' },
  password: { type: 'string', short: 'p', description: 'registry password or identity token (prefer --password-stdin)', valueName: 'SECRET' },
  'password-stdin': { type: 'boolean', description: 'read the password or identity token from stdin' },
  'identity-token': { type: 'string', description: 'an identity (OAuth2 refresh) token, in place of a user name and password (prefer --identity-token-stdin)', valueName: 'TOKEN' },
  'identity-token-stdin': { type: 'boolean', description: 'read the identity token from stdin' },
  timeout: { type: 'string', description: 'seconds to wait for a registry response before retrying (default 60, or $MANIFOLD_TIMEOUT)', valueName: 'SECONDS' },
  retries: { type: 'string', description: 'retries of a request that failed transiently (default 4, or $MANIFOLD_RETRIES); one the registry did not answer in time is retried once at most', valueName: 'N' },
  'distribution-spec': {
    type: 'string',
    description: "how the registry's referrers are read and written: v1.1-referrers-api (its referrers API) or v1.1-referrers-tag (the sha256-<hex> tag schema); default: the API when the registry has it",
    valueName: 'SPEC',
  },
  header: { type: 'string', multiple: true, short: 'H', description: "a request header for the registry (and its token server), 'Name: value', as oras takes it; never sent to another host", valueName: 'HEADER' },
  'registry-config': { type: 'string', description: 'the credentials file, in the Docker config format (default $DOCKER_CONFIG/config.json or ~/.docker/config.json); login writes there', valueName: 'FILE' },
  'max-connections': { type: 'string', description: 'connections open to one registry at most (default 8, or $MANIFOLD_MAX_CONNECTIONS)', valueName: 'N' },
};

type Patience = Pick<RegistryClientOptions, 'timeoutMs' | 'retry' | 'onRetry'>;

/** A setting from its flag, else its environment variable (an empty one counts as unset); `name` says which, for errors. */
function setting(p: ParsedCommand, env: NodeJS.ProcessEnv, flag: string, variable: string): { text: string; name: string } | undefined {
  const flagged = typeof p.values[flag] === 'string' ? (p.values[flag] as string) : undefined;
  return flagged !== undefined ? { text: flagged, name: `--${flag}` } : env[variable] ? { text: env[variable]!, name: variable } : undefined;
}

/**
 * `--timeout` and `--retries`, else $MANIFOLD_TIMEOUT and $MANIFOLD_RETRIES, else the client's defaults;
 * and each retry told on stderr, one line each, so a stalled registry does not look like a hung command.
 */
export function patienceOptions(p: ParsedCommand, env: NodeJS.ProcessEnv = process.env): Patience {
  const printer = p.printer ?? processPrinter;
  // On a terminal, clear cp's status line first.
  const clear = printer.terminal === true ? '\r\x1b[K' : '';
  const out: Patience = { onRetry: (info) => printer.err(`${clear}${retryNotice(info)}\n`) };
  const timeout = setting(p, env, 'timeout', 'MANIFOLD_TIMEOUT');
  if (timeout) {
    const s = Number(timeout.text);
    if (!(s > 0) || !Number.isFinite(s)) throw new OciError('INVALID_ARGUMENT', `${timeout.name} must be a positive number of seconds, got ${JSON.stringify(timeout.text)}`);
    out.timeoutMs = Math.round(s * 1000);
  }
  const retries = setting(p, env, 'retries', 'MANIFOLD_RETRIES');
  if (retries) {
    const n = Number(retries.text);
    if (!Number.isInteger(n) || n < 0 || retries.text.trim() === '') throw new OciError('INVALID_ARGUMENT', `${retries.name} must be a whole number, 0 or more, got ${JSON.stringify(retries.text)}`);
    out.retry = { attempts: n + 1 };
  }
  return out;
}

/** Reads all of stdin (the password, for `--password-stdin`), without its final newline. */
export async function readSecretFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

// stdin can be read once: cp asks for the password of each side.
const stdinPasswords = new WeakMap<ParsedCommand, Promise<string>>();
/** A side's view (sideView) reads stdin as the command it came from: one read for both sides. */
const viewOf = new WeakMap<ParsedCommand, ParsedCommand>();

/** The password from `-p` or `--password-stdin` (not both), or undefined. */
export async function passwordOption(p: ParsedCommand): Promise<string | undefined> {
  return secretOption(p, 'password', 'password-stdin');
}

/**
 * `--identity-token` or `--identity-token-stdin`, as oras takes them (not both, and with no user name or password:
 * the token is the credential), or undefined.
 */
export async function identityTokenOption(p: ParsedCommand): Promise<string | undefined> {
  const token = await secretOption(p, 'identity-token', 'identity-token-stdin');
  if (token === undefined) return undefined;
  for (const other of ['username', 'password', 'password-stdin']) {
    if (p.values[other] !== undefined && p.values[other] !== false) throw new OciError('INVALID_ARGUMENT', `--identity-token cannot be used with --${other}: the token is the credential`);
  }
  return token;
}

async function secretOption(p: ParsedCommand, flag: string, stdinFlag: string): Promise<string | undefined> {
  const given = typeof p.values[flag] === 'string' ? (p.values[flag] as string) : undefined;
  if (p.values[stdinFlag] !== true) return given;
  if (given !== undefined) throw new OciError('INVALID_ARGUMENT', `--${flag} and --${stdinFlag} cannot be used together`);
  if (p.values[stdinFlag === 'password-stdin' ? 'identity-token-stdin' : 'password-stdin'] === true) {
    throw new OciError('INVALID_ARGUMENT', '--password-stdin and --identity-token-stdin cannot be used together: stdin holds one secret');
  }
  const key = viewOf.get(p) ?? p;
  let pending = stdinPasswords.get(key);
  if (!pending) stdinPasswords.set(key, (pending = readSecretFromStdin()));
  return pending;
}

/**
 * The credentials file: `--registry-config` (as oras names it), else the Docker config (`DOCKER_CONFIG` or
 * `~/.docker/config.json`), where `manifold login` stores credentials.
 */
export function defaultCredentialStore(p?: ParsedCommand): CredentialStore {
  const path = p && typeof p.values['registry-config'] === 'string' ? (p.values['registry-config'] as string) : undefined;
  return new DockerConfigStore(path ? { path } : {});
}

/**
 * Client options from the flags: credentials given on the command line (for `registry`) come before
 * the Docker config. A username without a password is an identity token when only `-p` is missing.
 */
export async function registryClientOptions(p: ParsedCommand, registry: string): Promise<RegistryClientOptions> {
  const username = typeof p.values.username === 'string' ? p.values.username : undefined;
  const password = await passwordOption(p);
  const stores: CredentialStore[] = [];
  const identityToken = await identityTokenOption(p);
  if (identityToken !== undefined) stores.push(new MemoryCredentialStore({ [registry]: { refreshToken: identityToken } }));
  else if (username !== undefined || password !== undefined) {
    stores.push(new MemoryCredentialStore({ [registry]: username === undefined ? { refreshToken: password } : { username, password: password ?? '' } }));
  }
  stores.push(defaultCredentialStore(p));
  return {
    plainHttp: p.values['plain-http'] === true,
    insecure: p.values.insecure === true,
    tlsFiles: tlsFilesOption(p),
    headers: headerOption(p),
    credentials: new ChainCredentialStore(stores),
    ...patienceOptions(p),
    maxConnections: maxConnections(p),
  };
}

/** `-H 'Name: value'` (any number), names lower-cased as HTTP/2 and undici keep them; undefined when none. */
export function headerOption(p: ParsedCommand): Record<string, string> | undefined {
  const given = p.values.header;
  if (!Array.isArray(given) || given.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const raw of given) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(raw);
    if (!m || /[\r\n\0]/.test(m[2]!)) throw new OciError('INVALID_ARGUMENT', `--header ${JSON.stringify(raw)}: not 'Name: value' (a header name, a colon, its value on one line)`);
    const name = m[1]!.toLowerCase();
    out[name] = name in out ? `${out[name]}, ${m[2]}` : m[2]!;
  }
  return out;
}

/** `--ca-file` (any number), `--cert-file` and `--key-file`: read, with the registry's certs.d, by the client. */
export function tlsFilesOption(p: ParsedCommand): TlsFiles {
  const ca = p.values['ca-file'];
  const text = (name: string) => (typeof p.values[name] === 'string' ? (p.values[name] as string) : undefined);
  return { caFiles: Array.isArray(ca) ? ca.filter((f): f is string => typeof f === 'string') : [], certFile: text('cert-file'), keyFile: text('key-file') };
}

/**
 * `--max-connections`, else $MANIFOLD_MAX_CONNECTIONS, else the client's default (8); never fewer than two per
 * transfer of `cp --concurrency` plus two, since a copy within one registry streams each blob from and to it.
 */
export function maxConnections(p: ParsedCommand, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const given = setting(p, env, 'max-connections', 'MANIFOLD_MAX_CONNECTIONS');
  let n: number | undefined;
  if (given) {
    n = Number(given.text);
    if (!Number.isInteger(n) || n < 1) throw new OciError('INVALID_ARGUMENT', `${given.name} must be a positive whole number, got ${JSON.stringify(given.text)}`);
  }
  const concurrency = Number(p.values.concurrency);
  if (Number.isInteger(concurrency) && concurrency > 0) n = Math.max(n ?? DEFAULT_MAX_CONNECTIONS, 2 * concurrency + 2);
  return n;
}

/** `--distribution-spec`, as oras takes it: the referrers API forced (true), the tag schema forced (false), or undefined (asked of the registry). */
export function referrersApiOption(p: ParsedCommand): boolean | undefined {
  const spec = p.values['distribution-spec'];
  if (spec === undefined) return undefined;
  if (spec === 'v1.1-referrers-api') return true;
  if (spec === 'v1.1-referrers-tag') return false;
  throw new OciError('INVALID_ARGUMENT', `--distribution-spec must be v1.1-referrers-api or v1.1-referrers-tag, got ${JSON.stringify(spec)}`);
}

/** The registry flags one side of a copy may have of its own, as oras names them (`--from-plain-http`, `--to-ca-file`...). */
const SIDE_FLAGS = ['plain-http', 'insecure', 'ca-file', 'cert-file', 'key-file', 'username', 'password', 'identity-token', 'registry-config', 'distribution-spec'] as const;

/** `--from-*` or `--to-*` for each of SIDE_FLAGS: the source's or the destination's, over the flag both sides share. */
export function sideOptions(side: 'from' | 'to'): Record<string, OptionSpec> {
  const whose = side === 'from' ? 'the source registry only' : 'the destination registry only';
  const out: Record<string, OptionSpec> = {};
  for (const flag of SIDE_FLAGS) {
    const shared = REGISTRY_OPTIONS[flag]!;
    const { short: _short, ...spec } = shared;
    out[`${side}-${flag}`] = { ...spec, description: `--${flag}, for ${whose}` };
  }
  return out;
}

/** The command as one side of a copy sees it: its `--from-*` (or `--to-*`) flags in place of the shared ones. */
export function sideView(p: ParsedCommand, side: 'from' | 'to'): ParsedCommand {
  const values = { ...p.values };
  for (const flag of SIDE_FLAGS) {
    const own = p.values[`${side}-${flag}`];
    if (own !== undefined) values[flag] = own;
  }
  const view = { ...p, values };
  viewOf.set(view, viewOf.get(p) ?? p);
  return view;
}
