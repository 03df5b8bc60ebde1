// Saving what a private registry needs in the user's own certs.d folder (`~/.config/containers/certs.d/HOST/`,
// where the core's tlsTrust.ts reads it, and podman, skopeo, buildah too; on Windows a folder named without `:`, as
// docker names it there, see tlsTrust.ts certsDirName): its CA certificate, or a client
// certificate and its key. Each file is checked as tlsTrust checks it before anything is written, and written whole
// (a temp file renamed), so a reader never meets half a certificate. Free of `vscode`: the commands ask, this writes.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { OciError } from '../../oci/errors';
import { caFileCertificates, clientPair, registryCertsDir, userCaPath } from '../../oci/registry/tlsTrust';

/** What to do with a different file already in the way: overwrite it, or (a CA) add the new one beside it. */
export type Existing = 'replace' | 'beside';

export interface Saved {
  /** The files written (or found already there with the same bytes). */
  paths: string[];
  /** Nothing was written: the folder held these bytes already. */
  unchanged: boolean;
  /** Files copied from the certs.d folder that was read until now (see makeUserDir). */
  carried: string[];
}

/** The user's certs.d folder for `host`. */
export function userCertsDir(host: string, env: NodeJS.ProcessEnv = process.env): string {
  return dirname(userCaPath(host, env));
}

/** The folder read for `host` now (a system one until the user's exists), whose files the user's will hold. */
function currentDir(host: string, env: NodeJS.ProcessEnv): string {
  return registryCertsDir(host, env) ?? userCertsDir(host, env);
}

/**
 * The `ca.crt` already read for `host` (the user's folder, or the system one it will be copied from) that holds other
 * bytes than `file`: the caller asks whether to replace it or add beside. Undefined when there is none, or the same.
 */
export function differentCa(host: string, file: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const target = join(currentDir(host, env), 'ca.crt');
  return existsSync(target) && !readFileSync(target).equals(readChosen(file)) ? target : undefined;
}

/** The client.cert or client.key already read for `host` (as differentCa) that differs from the pair chosen. */
export function differentClientPair(host: string, certFile: string, keyFile: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = currentDir(host, env);
  for (const [name, from] of [['client.cert', certFile], ['client.key', keyFile]] as const) {
    const path = join(dir, name);
    if (existsSync(path) && !readFileSync(path).equals(readChosen(from))) return path;
  }
  return undefined;
}

/** The name a CA added beside a different `ca.crt` gets: the chosen file's own, as `*.crt` (every `*.crt` is trusted). */
export function besideName(dir: string, file: string, bytes: Buffer): string {
  const stem = basename(file, extname(file)).replace(/^\.+/, '') || 'ca';
  for (let n = 1; ; n++) {
    const name = n === 1 ? `${stem}.crt` : `${stem}-${n}.crt`;
    const path = join(dir, name);
    if (!existsSync(path) || readFileSync(path).equals(bytes)) return name;
  }
}

/**
 * Saves `file` (PEM certificates, checked) as the CA of `host`: `ca.crt` in the user's certs.d folder, made if need be.
 * A different `ca.crt` there is replaced or kept with this one beside it, as `existing` says; without it, refused.
 */
export function saveCaCertificate(host: string, file: string, existing?: Existing, env: NodeJS.ProcessEnv = process.env): Saved {
  caFileCertificates(file);
  const bytes = readChosen(file);
  const now = currentDir(host, env);
  const trusted = existsSync(now) ? readdirSync(now).filter((n) => n.endsWith('.crt')) : [];
  const same = trusted.find((n) => readFileSync(join(now, n)).equals(bytes));
  if (same) return { paths: [join(now, same)], unchanged: true, carried: [] };
  if (trusted.includes('ca.crt') && existing === undefined) throw new OciError('ALREADY_EXISTS', l10n.t('{0} holds another CA certificate: replace it, or add {1} beside it', join(now, 'ca.crt'), file));
  const carried = makeUserDir(host, env);
  const dir = userCertsDir(host, env);
  const target = existsSync(join(dir, 'ca.crt')) && existing === 'beside' ? join(dir, besideName(dir, file, bytes)) : join(dir, 'ca.crt');
  writeWhole(target, bytes, 0o644);
  return { paths: [target], unchanged: false, carried };
}

/**
 * Saves a client certificate and its key (checked to belong together) as `client.cert` and `client.key` (mode 0600) in
 * the user's certs.d folder for `host`. A different pair there is replaced only when `existing` says so.
 */
export function saveClientCertificate(host: string, certFile: string, keyFile: string, existing?: 'replace', env: NodeJS.ProcessEnv = process.env): Saved {
  clientPair(certFile, keyFile);
  const cert = readChosen(certFile);
  const key = readChosen(keyFile);
  const now = currentDir(host, env);
  const different = differentClientPair(host, certFile, keyFile, env);
  if (!different && existsSync(join(now, 'client.cert')) && existsSync(join(now, 'client.key'))) return { paths: [join(now, 'client.cert'), join(now, 'client.key')], unchanged: true, carried: [] };
  if (different && existing !== 'replace') throw new OciError('ALREADY_EXISTS', l10n.t('{0} holds another client certificate or key: replace them', different));
  // certs.d shows the first `*.cert` by name: another one sorting before ours would still be the one shown.
  const before = existsSync(now) ? readdirSync(now).filter((n) => n.endsWith('.cert') && n < 'client.cert').sort() : [];
  if (before.length > 0) throw new OciError('ALREADY_EXISTS', l10n.t('{0} is the client certificate shown to {1} (the first *.cert by name): remove it to use {2}', join(now, before[0]!), host, certFile));
  const carried = makeUserDir(host, env);
  const dir = userCertsDir(host, env);
  const certPath = join(dir, 'client.cert');
  const keyPath = join(dir, 'client.key');
  writeWhole(keyPath, key, 0o600);
  writeWhole(certPath, cert, 0o644);
  return { paths: [certPath, keyPath], unchanged: false, carried };
}

/**
 * Makes the user's folder for `host`. certs.d is read from the first folder that has one for the host: when that was
 * a system one (/etc/containers/certs.d, /etc/docker/certs.d; docker's %ProgramData% one on Windows), what it holds is copied first, or making ours would
 * drop the trust it gave. Returns the files copied.
 */
function makeUserDir(host: string, env: NodeJS.ProcessEnv): string[] {
  const dir = userCertsDir(host, env);
  const active = registryCertsDir(host, env);
  mkdirSync(dir, { recursive: true });
  if (!active || active === dir) return [];
  const carried: string[] = [];
  for (const name of readdirSync(active).filter((n) => /\.(crt|cert|key)$/.test(n))) {
    try {
      copyFileSync(join(active, name), join(dir, name));
      if (name.endsWith('.key')) chmodSync(join(dir, name), 0o600);
    } catch (err) {
      throw new OciError('INVALID_ARGUMENT', l10n.t('{0}: cannot be copied to {1}: {2}', join(active, name), dir, (err as Error).message), { cause: err });
    }
    carried.push(join(active, name));
  }
  return carried;
}

function readChosen(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', l10n.t('{0}: {1}', file, (err as Error).message), { cause: err });
  }
}

/** `bytes` as `path`: a temp file beside it (a name certs.d ignores), then renamed over it. */
function writeWhole(path: string, bytes: Buffer, mode: number): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${Date.now()}.tmp`);
  try {
    writeFileSync(temp, bytes, { mode, flag: 'wx' });
    chmodSync(temp, mode); // the umask may have taken bits off; a key must not be readable by others either way
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new OciError('INVALID_ARGUMENT', l10n.t('{0}: cannot be written: {1}', path, (err as Error).message), { cause: err });
  }
}
