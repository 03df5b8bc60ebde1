// Shared pieces of the VS Code host (code-server + chromium) used by the extension-host tests, the UI tests and
// `npm start`. Plain Node 20; the code-server itself runs on the Node 24 that scripts/vscode-host/setup.sh installs.
import { spawn, execFile } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = join(projectRoot, '.cache/vscode-host');

/** Settings for a fresh profile: nothing that reaches the network or gets in the way of a test. */
export const profileSettings = {
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'npm.fetchOnlinePackageInfo': false,
  'git.enabled': false,
  'window.dialogStyle': 'custom',
};

/** Added for tests: editors open in the editor area, never as modal overlays, so selectors stay stable. */
export const testSettings = {
  'workbench.editor.useModal': 'off',
};

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** What setup.sh installed: { node, codeServer, codeServerVersion, chromium }. */
export function hostEnv() {
  const file = join(cacheDir, 'env.json');
  if (!existsSync(file)) {
    throw new Error(`The VS Code host is not installed (${file} is missing): run scripts/vscode-host/setup.sh first.`);
  }
  const env = JSON.parse(readFileSync(file, 'utf8'));
  for (const key of ['node', 'codeServer', 'chromium']) {
    if (!existsSync(env[key])) throw new Error(`${env[key]} is missing: run scripts/vscode-host/setup.sh again.`);
  }
  return env;
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a command in its own process group, output to `logFile`; `stopGroup(child)` ends the whole group. */
export function spawnGroup(cmd, args, { logFile, env, cwd } = {}) {
  const child = spawn(cmd, args, { cwd, env: env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (logFile) {
    const log = createWriteStream(logFile, { flags: 'a' });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
  } else {
    child.stdout.resume();
    child.stderr.resume();
  }
  child.exited = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
  child.on('error', () => {});
  return child;
}

export async function stopGroup(child, graceMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const kill = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  kill('SIGTERM');
  const done = await Promise.race([child.exited.then(() => true), sleep(graceMs).then(() => false)]);
  kill('SIGKILL'); // also whatever the leader left behind in its group
  if (!done) await Promise.race([child.exited, sleep(2000)]);
}

export async function tail(file, lines = 60) {
  try {
    const text = await readFile(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/**
 * Lays out a fresh code-server profile in `dir` (user data, extensions, config, XDG folders, settings.json) and
 * returns the paths. Nothing is written outside `dir`. `keepSettings` leaves existing settings files alone.
 */
export async function makeProfile(dir, settings = {}, { keepSettings = false } = {}) {
  const p = {
    dir,
    userData: join(dir, 'ud'),
    extensions: join(dir, 'ext'),
    config: join(dir, 'config.yaml'),
    xdgConfig: join(dir, 'xdg-config'),
    xdgData: join(dir, 'xdg-data'),
    xdgCache: join(dir, 'xdg-cache'),
    log: join(dir, 'code-server.log'),
  };
  for (const d of [p.userData, p.extensions, p.xdgConfig, p.xdgData, p.xdgCache]) await mkdir(d, { recursive: true });
  await mkdir(join(p.userData, 'User'), { recursive: true });
  await mkdir(join(p.userData, 'Machine'), { recursive: true });
  const all = JSON.stringify({ ...profileSettings, ...settings }, null, 2);
  for (const f of ['User/settings.json', 'Machine/settings.json']) {
    if (!(keepSettings && existsSync(join(p.userData, f)))) await writeFile(join(p.userData, f), all);
  }
  await writeFile(p.config, 'auth: none\ncert: false\n');
  return p;
}

function codeServerEnv(profile, extraEnv, offline = true) {
  const { node } = hostEnv();
  const env = { ...process.env };
  // No extension gallery: nothing to query on a machine without the network, and tests stay hermetic.
  if (offline) env.EXTENSIONS_GALLERY = '{}';
  Object.assign(env, extraEnv);
  env.PATH = `${dirname(node)}:${env.PATH}`;
  env.XDG_CONFIG_HOME = profile.xdgConfig;
  env.XDG_DATA_HOME = profile.xdgData;
  env.XDG_CACHE_HOME = profile.xdgCache;
  for (const k of Object.keys(env)) {
    // Variables of an enclosing VS Code / code-server would confuse this one.
    if (/^(VSCODE_|ELECTRON_RUN_AS_NODE$|CODE_SERVER_)/.test(k)) delete env[k];
  }
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  return env;
}

function profileArgs(profile) {
  return ['--config', profile.config, '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions];
}

/** Runs the code-server CLI once (e.g. --install-extension) against a profile. */
export async function codeServerCli(profile, args, { timeoutMs = 120_000 } = {}) {
  const { node, codeServer } = hostEnv();
  const { stdout, stderr } = await promisify(execFile)(node, [codeServer, ...profileArgs(profile), ...args], {
    env: codeServerEnv(profile, {}),
    timeout: timeoutMs,
  });
  return stdout + stderr;
}

/**
 * Starts code-server on a free loopback port with the profile, waits for /healthz.
 * `workspaceTrust` keeps VS Code's Workspace Trust on (the profile's settings must enable it too): for the
 * Restricted Mode tests. Returns { url, host, port, child, stop() }.
 */
export async function startCodeServer(
  profile,
  { args = [], env = {}, port, host = '127.0.0.1', offline = true, timeoutMs = 90_000, workspaceTrust = false } = {},
) {
  const { node, codeServer } = hostEnv();
  port ??= await freePort();
  const child = spawnGroup(
    node,
    [
      codeServer,
      '--bind-addr', `${host}:${port}`,
      '--auth', 'none',
      ...profileArgs(profile),
      '--disable-telemetry',
      '--disable-update-check',
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...args,
    ],
    { logFile: profile.log, env: codeServerEnv(profile, env, offline) },
  );
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited before it was ready:\n${await tail(profile.log)}`);
    }
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stopGroup(child);
      throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000}s:\n${await tail(profile.log)}`);
    }
    await sleep(250);
  }
  return { url, host, port, child, stop: () => stopGroup(child) };
}

/** Launches Debian's chromium through playwright-core (headless unless told otherwise). */
export async function launchChromium({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: hostEnv().chromium,
    headless,
    args: chromiumArgs,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  return browser;
}

/** The workbench URL for a folder, with an optional payload (array of [key, value]). */
export function workbenchUrl(server, folder, payload) {
  const u = new URL(server.url);
  u.searchParams.set('folder', folder);
  if (payload) u.searchParams.set('payload', JSON.stringify(payload));
  return u.toString();
}

/** A vscode-remote URI for an absolute path on the code-server host. */
export function remoteUri(server, absPath) {
  return `vscode-remote://${server.host}:${server.port}${absPath}`;
}

/** Calls `fn` once on SIGINT/SIGTERM (and exits after it), for teardown of what a script started. */
export function onInterrupt(fn) {
  let fired = false;
  const handler = async (sig) => {
    if (fired) return;
    fired = true;
    try {
      await fn();
    } finally {
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
