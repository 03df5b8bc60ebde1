// Which certificate authorities a registry's TLS certificate may be signed by, beyond the system's, and the client
// certificate to show it: given files (`--ca-file`, `--cert-file`, `--key-file`, as oras spells them) and the
// registry's own folder under `certs.d`, where docker, podman, skopeo and buildah look for the same things
// (`ca.crt`, `client.cert` + `client.key`): a private registry this machine already trusts needs nothing more.
import { x509 } from '../nodeCrypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OciError } from '../errors';

// node:os only when asked: a command that talks to no registry should not load it (see cliStartup.test.ts).
const homedir = () => (require('node:os') as typeof import('node:os')).homedir();

/** PEM texts for a TLS connection to one registry, and the files they came from (for messages). */
export interface RegistryTls {
  /** CA certificates trusted besides the system's. */
  ca: string[];
  /** The client certificate (chain) and its private key, shown when the registry asks for one. */
  cert?: string;
  key?: string;
  /** The files the CAs came from, and the client certificate's: for messages. */
  caFrom: string[];
  certFrom?: string;
}

/** Files given on the command line (or by a caller): each CA file may hold several certificates. */
export interface TlsFiles {
  caFiles?: string[];
  certFile?: string;
  keyFile?: string;
}

/** The platform whose certs.d folders and names are used: settable so that tests see Windows' on Linux. */
export const certsPlatform = { name: process.platform as NodeJS.Platform };

/**
 * The `certs.d` folders, in the order containers/image (podman, skopeo, buildah) reads them: the user's own first
 * (`$XDG_CONFIG_HOME/containers/certs.d`, else `~/.config/...`), then the system's, then docker's.
 *
 * On Windows: the user's own (containers/image's docker_client.go joins the home folder, %USERPROFILE%, with
 * `.config/containers/certs.d` there too), then docker's, `%ProgramData%\docker\certs.d` (moby's
 * daemon/pkg/registry/config.go CertsDir). containers/image's `/etc/...` folders would be `\etc\...` on the
 * current drive there, which no Windows install has: not read.
 */
export function certsDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const user = join(config, 'containers', 'certs.d');
  if (certsPlatform.name !== 'win32') return [user, '/etc/containers/certs.d', '/etc/docker/certs.d'];
  const programData = env.ProgramData || env.PROGRAMDATA || env.programdata; // an env object given is case-sensitive
  return programData ? [user, join(programData, 'docker', 'certs.d')] : [user];
}

/**
 * The name of `host`'s folder in a certs.d: `HOST[:PORT]` as given, except on Windows, where no name holds a `:`:
 * there every `:` is dropped (`registry.example.com5000`, `[1]5000` for `[::1]:5000`), as docker does
 * (moby daemon/pkg/registry/registry.go hostCertsDir: strings.ReplaceAll(host, ":", "")), and containerd's
 * Windows lookup of the same certs.d also tries (after its `host_port_`).
 */
export function certsDirName(host: string): string {
  return certsPlatform.name === 'win32' ? host.replaceAll(':', '') : host;
}

/** The folder for `host` (`registry.example.com`, `127.0.0.1:5443`) in the first certs.d that has one. */
export function registryCertsDir(host: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of certsDirs(env)) {
    const path = join(dir, certsDirName(host));
    try {
      if (statSync(path).isDirectory()) return path;
    } catch {
      // absent, or not ours to read: as absent
    }
  }
  return undefined;
}

/** Where a user puts a registry's CA so that Manifold (and podman, skopeo) trust it: their own certs.d. */
export function userCaPath(host: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(certsDirs(env)[0]!, certsDirName(host), 'ca.crt');
}

/**
 * What a connection to `host` trusts and shows: `given` files, then the registry's certs.d folder (its `*.crt`
 * CAs; its `*.cert` with the `*.key` of the same name, unless a client certificate was given). Undefined when there
 * is nothing beyond the system's trust. A file that cannot be read, holds no certificate or key, or a certificate
 * whose key is missing or not its own, is refused naming the file.
 */
export function registryTls(host: string, given: TlsFiles = {}, env: NodeJS.ProcessEnv = process.env): RegistryTls | undefined {
  const out: RegistryTls = { ca: [], caFrom: [] };
  for (const file of given.caFiles ?? []) {
    out.ca.push(...certificates(readPem(file, '--ca-file'), file, '--ca-file'));
    out.caFrom.push(file);
  }
  if (given.certFile !== undefined || given.keyFile !== undefined) {
    if (given.certFile === undefined || given.keyFile === undefined) {
      throw new OciError('INVALID_ARGUMENT', given.certFile === undefined ? '--key-file needs --cert-file (the certificate it is the key of)' : '--cert-file needs --key-file (its private key)');
    }
    Object.assign(out, clientPair(given.certFile, given.keyFile, '--cert-file', '--key-file'), { certFrom: given.certFile });
  }
  const dir = registryCertsDir(host, env);
  if (dir) readCertsDir(dir, out);
  return out.ca.length > 0 || out.cert !== undefined ? out : undefined;
}

/** A certs.d folder as containers/image reads it: `*.crt` are CAs; `x.cert` goes with `x.key`, and neither alone. */
function readCertsDir(dir: string, out: RegistryTls): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${dir}: cannot be read: ${(err as Error).message}`, { cause: err });
  }
  for (const name of names.filter((n) => n.endsWith('.crt'))) {
    const file = join(dir, name);
    out.ca.push(...certificates(readPem(file), file));
    out.caFrom.push(file);
  }
  for (const name of names.filter((n) => n.endsWith('.cert'))) {
    const keyName = `${name.slice(0, -'.cert'.length)}.key`;
    if (!names.includes(keyName)) throw new OciError('INVALID_ARGUMENT', `${join(dir, name)}: a client certificate without its key (${keyName} beside it)`);
    if (out.cert !== undefined) continue; // given on the command line: that one is shown
    Object.assign(out, clientPair(join(dir, name), join(dir, keyName)), { certFrom: join(dir, name) });
  }
  for (const name of names.filter((n) => n.endsWith('.key'))) {
    if (!names.includes(`${name.slice(0, -'.key'.length)}.cert`)) throw new OciError('INVALID_ARGUMENT', `${join(dir, name)}: a key without its client certificate (${name.slice(0, -'.key'.length)}.cert beside it)`);
  }
}

/** A CA file checked as a certs.d `*.crt` is read (for a face that saves one there): its certificates, or an error naming it. */
export function caFileCertificates(file: string): string[] {
  return certificates(readPem(file), file);
}

function readPem(file: string, flag?: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (err as Error).message;
    throw new OciError('INVALID_ARGUMENT', `${placeOf(file, flag)}: ${why}`, { cause: err });
  }
}

/** A file named in a message: with the flag it was given by (`--ca-file ca.pem`), or alone (a certs.d file). */
function placeOf(file: string, flag: string | undefined): string {
  return flag ? `${flag} ${file}` : file;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Each certificate of a PEM file, checked: a file holding none (a key, DER bytes, a typo'd path's neighbour) is refused. */
function certificates(text: string, file: string, flag?: string): string[] {
  const found = text.match(PEM_CERTIFICATE) ?? [];
  const place = placeOf(file, flag);
  if (found.length === 0) throw new OciError('INVALID_ARGUMENT', `${place}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  for (const [i, pem] of found.entries()) {
    try {
      new (x509().X509Certificate)(pem);
    } catch (err) {
      throw new OciError('INVALID_ARGUMENT', `${place}: certificate ${i + 1} cannot be read: ${(err as Error).message}`, { cause: err });
    }
  }
  return found;
}

/** A client certificate and its key, checked to belong together (a TLS handshake would only say "bad certificate"). */
export function clientPair(certFile: string, keyFile: string, certFlag?: string, keyFlag?: string): { cert: string; key: string } {
  const cert = readPem(certFile, certFlag);
  const leaf = new (x509().X509Certificate)(certificates(cert, certFile, certFlag)[0]!);
  const keyText = readPem(keyFile, keyFlag);
  let key;
  try {
    key = x509().createPrivateKey(keyText);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `${placeOf(keyFile, keyFlag)}: holds no private key Manifold can read (PEM, unencrypted): ${(err as Error).message}`, { cause: err });
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new OciError('INVALID_ARGUMENT', `${placeOf(keyFile, keyFlag)}: not the private key of ${placeOf(certFile, certFlag)} (${leaf.subject.replace(/\n/g, ', ')})`);
  }
  return { cert, key: keyText };
}
