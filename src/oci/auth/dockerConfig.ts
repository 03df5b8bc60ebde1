import { randomBytes } from '../nodeCrypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { OciError } from '../errors';
import type { Credential, CredentialStore } from './credentials';
import { isJsonObject } from '../jsonObject';
import { malformedJson } from '../validate/textFindings';
import { quotedText } from '../shownName';
// node:os on first use: loading it is ~1 ms of start-up for commands that never sign in.
const homedir = () => (require('node:os') as typeof import('node:os')).homedir();

/** The parts of `~/.docker/config.json` that hold credentials; the rest of the file is kept as it is. */
interface DockerConfigFile {
  auths?: Record<string, { auth?: string | null; username?: string | null; password?: string | null; identitytoken?: string | null; registrytoken?: string | null }>;
  credsStore?: string;
  credHelpers?: Record<string, string | null>;
  [key: string]: unknown;
}

/** Runs `docker-credential-<name> <action>` with `input` on stdin; returns stdout. Injectable for tests. */
export type CredentialHelperRunner = (program: string, action: 'get' | 'store' | 'erase', input: string) => Promise<string>;

export interface DockerConfigStoreOptions {
  /** The config file; default `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
  path?: string;
  runHelper?: CredentialHelperRunner;
}

/** A credential helper's name and where the config names it (`credHelpers["gcr.io"]`, `credsStore`), for messages. */
interface Helper {
  name: string;
  from: string;
}

// Docker keeps Docker Hub's credentials under its legacy index URL.
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const HELPER_NAME_RE = /^[A-Za-z0-9_.-]+$/;
/** Padded standard base64, nothing else. */
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** The key Docker uses for a registry in `auths` and `credHelpers`. */
export function dockerConfigKey(registry: string): string {
  return registry === 'docker.io' || registry === 'registry-1.docker.io' || registry === 'index.docker.io' ? DOCKER_HUB_KEY : registry;
}

/** `https://host:5000/v1/` and `host:5000` name the same registry. */
function normalizeKey(key: string): string {
  const k = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  return k === 'index.docker.io' || k === 'registry-1.docker.io' ? 'docker.io' : k;
}

/**
 * Credentials from Docker's config file, read and written as docker and oras do: per-registry helpers
 * (`credHelpers`), then the default helper (`credsStore`), then `auths`. Helpers run as
 * `docker-credential-<name>` through execFile, never a shell.
 */
export class DockerConfigStore implements CredentialStore {
  readonly path: string;
  private readonly runHelper: CredentialHelperRunner;

  constructor(options: DockerConfigStoreOptions = {}) {
    this.path = options.path ?? defaultDockerConfigPath();
    this.runHelper = options.runHelper ?? runCredentialHelper;
  }

  async get(registry: string): Promise<Credential | undefined> {
    const config = await this.read();
    const key = dockerConfigKey(registry);
    const helper = this.helperFor(config, registry);
    if (helper) {
      const fromHelper = await this.helperGet(helper, key);
      if (fromHelper) return fromHelper;
    }
    const found = findAuthEntry(config, registry);
    if (!found) return undefined;
    const [entryKey, value] = found;
    // Docker and oras refuse it too; passed over, the registry's 401 would say nothing of the file.
    if (!isJsonObject(value)) throw new OciError('INVALID_ARGUMENT', `${this.path}: auths[${JSON.stringify(entryKey)}] is not an object`);
    const entry = value as AuthEntry;
    // What docker's own decoder refuses (a number, a map) is named, not passed on to fail somewhere obscure.
    for (const field of ['auth', 'username', 'password', 'identitytoken', 'registrytoken'] as const) {
      // null is no value, as Go (docker, oras, podman) reads it into a string.
      if (entry[field] != null && typeof entry[field] !== 'string') {
        throw new OciError('INVALID_ARGUMENT', `${this.path}: auths[${JSON.stringify(entryKey)}].${field} is not a string`);
      }
    }
    const cred: Credential = {};
    if (entry.auth) {
      // Strictly, as docker and oras decode it (Go's base64.StdEncoding, which skips line breaks): Buffer.from skips
      // what is not base64 and reads on, so a damaged auth would sign in as some other user:password.
      const auth = entry.auth.replace(/[\r\n]/g, '');
      if (!BASE64_RE.test(auth)) throw new OciError('INVALID_ARGUMENT', `${this.path}: auths[${JSON.stringify(entryKey)}].auth is not base64 (of user:password, as docker login writes it)`);
      const decoded = Buffer.from(auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon === -1) throw new OciError('INVALID_ARGUMENT', `${this.path}: auths[${JSON.stringify(entryKey)}].auth is not base64 of user:password (no colon)`);
      cred.username = decoded.slice(0, colon);
      cred.password = decoded.slice(colon + 1);
    } else {
      if (entry.username) cred.username = entry.username;
      if (entry.password) cred.password = entry.password;
    }
    if (entry.identitytoken) cred.refreshToken = entry.identitytoken;
    if (entry.registrytoken) cred.accessToken = entry.registrytoken;
    return Object.keys(cred).length ? cred : undefined;
  }

  async put(registry: string, credential: Credential): Promise<void> {
    const { config, text } = await this.load();
    const key = dockerConfigKey(registry);
    const helper = this.helperFor(config, registry);
    if (helper) {
      const secret = credential.refreshToken ?? credential.password ?? '';
      const username = credential.refreshToken ? '<token>' : credential.username ?? '';
      await this.run(helper, 'store', JSON.stringify({ ServerURL: key, Username: username, Secret: secret }));
      return;
    }
    const entry: NonNullable<DockerConfigFile['auths']>[string] = {};
    if (credential.username !== undefined || credential.password !== undefined) {
      entry.auth = Buffer.from(`${credential.username ?? ''}:${credential.password ?? ''}`).toString('base64');
    }
    if (credential.refreshToken) entry.identitytoken = credential.refreshToken;
    if (credential.accessToken) entry.registrytoken = credential.accessToken;
    const stale = Object.keys(config.auths ?? {}).filter((k) => k !== key && normalizeKey(k) === normalizeKey(key));
    await this.write(config, text, [...stale.map((k) => ({ key: k })), { key, entry }]);
  }

  async delete(registry: string): Promise<void> {
    const { config, text } = await this.load();
    const key = dockerConfigKey(registry);
    const helper = this.helperFor(config, registry);
    if (helper) {
      try {
        await this.run(helper, 'erase', key);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const gone = Object.keys(config.auths ?? {}).filter((k) => normalizeKey(k) === normalizeKey(key));
    if (gone.length > 0) await this.write(config, text, gone.map((k) => ({ key: k })));
  }

  private helperFor(config: DockerConfigFile, registry: string): Helper | undefined {
    const key = dockerConfigKey(registry);
    let helper: Helper | undefined;
    for (const [k, v] of Object.entries(config.credHelpers ?? {})) if (k === key || normalizeKey(k) === normalizeKey(key)) helper = { name: v ?? '', from: `credHelpers[${JSON.stringify(k)}]` };
    // An empty name (or null, which Go reads as "") is no helper for the registry: then credsStore, as oras reads it.
    if (!helper?.name) helper = config.credsStore ? { name: config.credsStore, from: 'credsStore' } : undefined;
    // A program's name is at most NAME_MAX (255) bytes, docker-credential- and all: longer, spawn fails naming nothing.
    if (helper !== undefined && (!HELPER_NAME_RE.test(helper.name) || helper.name.length > 255 - 'docker-credential-'.length)) {
      const shown = helper.name.length > 64 ? `${helper.name.slice(0, 64)}…` : helper.name;
      throw new OciError('INVALID_ARGUMENT', `${this.path}: credential helper name ${quotedText(shown)} is not valid (${helper.from})`);
    }
    return helper;
  }

  /** Runs the helper; one that is not installed is named with the place in the config that asks for it. */
  private async run(helper: Helper, action: 'get' | 'store' | 'erase', input: string): Promise<string> {
    const program = `docker-credential-${helper.name}`;
    try {
      return await this.runHelper(program, action, input);
    } catch (err) {
      // The default runner wraps execFile's error (an OciError, whose own code is no errno) as the cause.
      const errno = [(err as { cause?: { code?: unknown } }).cause?.code, (err as { code?: unknown }).code];
      if (errno.includes('ENOENT')) {
        throw new OciError('INVALID_ARGUMENT', `${program} is not installed (not found on PATH): ${this.path} names it in ${helper.from}`, { cause: err });
      }
      throw err;
    }
  }

  private async helperGet(helper: Helper, key: string): Promise<Credential | undefined> {
    let out: string;
    try {
      out = await this.run(helper, 'get', key);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    let doc: { Username?: string; Secret?: string };
    try {
      doc = JSON.parse(out) as { Username?: string; Secret?: string };
    } catch (err) {
      throw new OciError('INVALID_ARGUMENT', `docker-credential-${helper.name} get: output is not JSON`, { cause: err });
    }
    if (!doc.Secret && !doc.Username) return undefined;
    // Docker's convention: a username of `<token>` marks the secret as an identity (refresh) token.
    if (doc.Username === '<token>') return { refreshToken: doc.Secret ?? '' };
    return { username: doc.Username ?? '', password: doc.Secret ?? '' };
  }

  private async read(): Promise<DockerConfigFile> {
    return (await this.load()).config;
  }

  /** The config, and the file's text when it holds one (neither missing, blank nor `null`). */
  private async load(): Promise<{ config: DockerConfigFile; text?: string }> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config: {} };
      // A folder in its place, a file not ours to read: named, as the errno's message alone does not.
      throw new OciError('INVALID_ARGUMENT', `${this.path}: cannot read the Docker config (${(err as Error).message})`, { cause: err });
    }
    if (text.trim() === '') return { config: {} };
    let doc: unknown;
    try {
      doc = JSON.parse(text) as unknown;
    } catch (err) {
      // Where it stops, not V8's message, which quotes the text around it: here, the secrets beside it.
      throw new OciError('INVALID_ARGUMENT', `${this.path}: invalid Docker config (${malformedJson(text, err)})`, { cause: err });
    }
    // null is an empty config, as docker, oras and podman decode it (and the next login writes one).
    if (doc === null) return { config: {} };
    try {
      if (!isJsonObject(doc)) throw new Error('not a JSON object');
      // The parts credentials live in, as docker's decoder wants them: otherwise a write would reshape them (a
      // string spread into a map) and a read would fail far from the cause.
      if (doc.auths != null && !isJsonObject(doc.auths)) throw new Error('auths is not an object');
      if (doc.credHelpers != null && !isJsonObject(doc.credHelpers)) throw new Error('credHelpers is not an object');
      for (const [k, v] of Object.entries(doc.credHelpers ?? {})) if (v !== null && typeof v !== 'string') throw new Error(`credHelpers[${JSON.stringify(k)}] is not a string`);
      if (doc.credsStore != null && typeof doc.credsStore !== 'string') throw new Error('credsStore is not a string');
      return { config: doc as DockerConfigFile, text };
    } catch (err) {
      throw new OciError('INVALID_ARGUMENT', `${this.path}: invalid Docker config (${(err as Error).message})`, { cause: err });
    }
  }

  /**
   * Sets (`entry`) or removes `auths` entries of `config`, read from `text`. The text is edited where those entries are, the rest kept as
   * written, as oras keeps what it does not model: a re-encoding would turn `1e400` into null and round integers
   * past 2^53 in settings other tools own. A text the edit would not read back as meant (duplicate keys) is written
   * whole. Atomic, and readable by the user only: the file holds secrets.
   */
  private async write(config: DockerConfigFile, text: string | undefined, changes: ReadonlyArray<{ key: string; entry?: AuthEntry }>): Promise<void> {
    const wanted: DockerConfigFile = { ...config, auths: { ...(config.auths ?? {}) } };
    for (const c of changes) {
      if (c.entry) wanted.auths![c.key] = c.entry;
      else delete wanted.auths![c.key];
    }
    const edited = text === undefined ? undefined : editedAuths(text, config, changes);
    const out = edited !== undefined && readsAs(edited, wanted) ? edited : JSON.stringify(wanted, null, '\t') + '\n';
    await fs.mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.writeFile(tmp, out, { mode: 0o600, flag: 'wx' });
      await fs.rename(tmp, this.path);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }
}

/** `text` with the `auths` entries changed in place, indented as the file is. */
function editedAuths(text: string, config: DockerConfigFile, changes: ReadonlyArray<{ key: string; entry?: AuthEntry }>): string {
  // Loaded when a login writes, not at every start.
  const { applyEdits, modify } = require('jsonc-parser') as typeof import('jsonc-parser');
  // The file's own indent (docker writes tabs; people and other tools, spaces) and line ends.
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '\t';
  const formattingOptions = { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
  let out = text;
  for (const c of changes) {
    // No auths object yet (absent, or null): the whole of it, holding the one entry.
    const path = isJsonObject(config.auths) ? ['auths', c.key] : ['auths'];
    if (path.length === 1 && !c.entry) continue;
    const value = path.length === 1 ? { [c.key]: c.entry } : c.entry;
    out = applyEdits(out, modify(out, path, value, { formattingOptions }));
    if (path.length === 1) config = { ...config, auths: { [c.key]: c.entry! } };
  }
  return out;
}

/** Whether `text` parses to `wanted`, member for member. */
function readsAs(text: string, wanted: DockerConfigFile): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(wanted);
  } catch {
    return false;
  }
}

type AuthEntry = NonNullable<DockerConfigFile['auths']>[string];

/** The `auths` entry for `registry` and the key it is written under; null is none (Go reads it as an empty entry). */
function findAuthEntry(config: DockerConfigFile, registry: string): [string, unknown] | undefined {
  const auths: Record<string, unknown> = config.auths ?? {};
  const key = dockerConfigKey(registry);
  if (auths[key] != null) return [key, auths[key]];
  const want = normalizeKey(key);
  for (const [k, v] of Object.entries(auths)) if (normalizeKey(k) === want && v != null) return [k, v];
  return undefined;
}

function isNotFound(err: unknown): boolean {
  return /credentials not found/i.test(String((err as { stdout?: string }).stdout ?? '') + String((err as Error).message ?? ''));
}

/** The default runner: execFile (no shell), the input on stdin, a timeout so a stuck helper cannot hang us. */
export const runCredentialHelper: CredentialHelperRunner = (program, action, input) =>
  new Promise((resolve, reject) => {
    // Required here, not at the top: loading node:child_process costs every command's start-up a few milliseconds,
    // and only a registry with a credential helper needs it.
    const { execFile } = require('node:child_process') as typeof import('node:child_process');
    const child = execFile(program, [action], { timeout: 30_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const detail = (String(stdout).trim() || String(stderr).trim()).split('\n')[0] ?? '';
        reject(Object.assign(new OciError('INVALID_ARGUMENT', `${program} ${action}: ${detail || err.message}`, { cause: err }), { stdout: String(stdout) }));
        return;
      }
      resolve(String(stdout));
    });
    child.stdin?.end(input);
  });
