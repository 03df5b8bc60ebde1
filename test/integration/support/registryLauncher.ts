import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess, track } from './processes';
import type { TokenServer } from './tokenServer';

export type RegistryAuth =
  | { mode: 'none' }
  | { mode: 'basic'; users: Record<string, string> }
  | { mode: 'token'; tokenServer: TokenServer };

/** TLS for the registry: its certificate and key files, and the CAs whose client certificates it requires, if any. */
export interface RegistryTlsFiles {
  certificate: string;
  key: string;
  clientCas?: string[];
}

export interface LaunchedRegistry {
  /** `127.0.0.1:PORT`, the registry part of references. */
  host: string;
  port: number;
  url: string;
  /** The storage folder (for checks that nothing half-made was left). */
  storage: string;
  stop(): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function hasDockerRegistry(): boolean {
  try {
    execFileSync('docker-registry', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 on a free port, with its config and
 * storage in a temp folder and deletion enabled, never the packaged service or its port 5000. Resolves
 * once `/v2/` answers. The process is tracked and killed on exit even if `stop` is never called.
 */
export async function launchRegistry(auth: RegistryAuth = { mode: 'none' }, tls?: RegistryTlsFiles): Promise<LaunchedRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-registry-'));
  const storage = join(dir, 'data');
  let authYaml = '';
  if (auth.mode === 'basic') {
    const lines = Object.entries(auth.users).map(([u, p]) => execFileSync('htpasswd', ['-Bbn', u, p], { encoding: 'utf8' }).trim());
    writeFileSync(join(dir, 'htpasswd'), lines.join('\n') + '\n');
    authYaml = `auth:\n  htpasswd:\n    realm: manifold-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth.mode === 'token') {
    const t = auth.tokenServer;
    writeFileSync(join(dir, 'token-root.pem'), t.certificatePem);
    authYaml = `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${join(dir, 'token-root.pem')}\n`;
  }
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const config = [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      '  delete:',
      '    enabled: true',
      '  maintenance:',
      '    uploadpurging:',
      '      enabled: false',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '  secret: manifold-test-secret',
      ...(tls ? ['  tls:', `    certificate: ${tls.certificate}`, `    key: ${tls.key}`, ...(tls.clientCas ? ['    clientcas:', ...tls.clientCas.map((c) => `      - ${c}`)] : [])] : []),
      authYaml,
    ].join('\n');
    writeFileSync(join(dir, 'config.yml'), config);
    // Its log goes to a file, not a pipe: a caller that blocks its event loop (spawnSync of a CLI in a bench)
    // would leave a pipe undrained, and once its 64 KiB filled (distribution logs every 404 of a HEAD at level
    // error) the registry stopped answering until the caller's 60 s timeouts.
    const logFile = join(dir, 'registry.log');
    const log = openSync(logFile, 'w');
    const child = track(spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', log] }));
    closeSync(log);
    child.unref();
    const stderrOf = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    const up = tls ? await waitUntilListening(port, child) : await waitUntilUp(url, child);
    if (!up) {
      await stopProcess(child);
      const stderr = stderrOf();
      if (tries < 3 && /address already in use/.test(stderr)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start on port ${port}: ${stderr.trim().slice(-500)}`);
    }
    return {
      host: `127.0.0.1:${port}`,
      port,
      url,
      storage,
      stop: async () => {
        await stopProcess(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** For a TLS registry (whose CA, and maybe client certificate, the check would need): its port takes connections. */
async function waitUntilListening(port: number, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * For the enclosing `describe`: a registry launched before its tests and stopped after them. The object returned
 * stands for it (read its fields inside tests and hooks, once it is launched).
 */
export function useLaunchedRegistry(auth?: RegistryAuth, tls?: RegistryTlsFiles): LaunchedRegistry {
  let launched: LaunchedRegistry | undefined;
  before(async () => {
    launched = await launchRegistry(auth, tls);
  });
  after(async () => {
    await launched?.stop();
  });
  return new Proxy({} as LaunchedRegistry, {
    get(_t, prop) {
      if (!launched) throw new Error('the registry is launched in the describe\'s before hook: read it inside a test or hook');
      const v = Reflect.get(launched, prop);
      return typeof v === 'function' ? v.bind(launched) : v;
    },
  });
}
