#!/usr/bin/env node
// `npm start`: builds the extension, generates the demo workspace (a multi-arch OCI layout) and opens it in VS Code
// with the extension loaded from this checkout:
//   - the desktop `code --extensionDevelopmentPath=...` when `code` is on PATH;
//   - otherwise the code-server that scripts/vscode-host/setup.sh installs (run here when needed), on loopback,
//     printing the URL to open in a browser; it runs until Ctrl-C. Its profile (.cache/vscode-host/start-profile)
//     lists this checkout as an installed extension (an extensions.json entry whose location is the project
//     folder), so any browser tab on that server has Manifold. With --dev-mode it is loaded the way
//     --extensionDevelopmentPath does instead, through the URL's payload (that needs code-server's
//     enable-smoke-test-driver option, which the workbench requires before it honours a payload).
//
//   node scripts/vscode-host/start.mjs [WORKSPACE_DIR] [--code-server] [--dev-mode] [--port N] [--no-build]
//
// WORKSPACE_DIR defaults to demo/ in the project (git-ignored); the demo layout goes to WORKSPACE_DIR/layout.
// After changing the extension: `npm run build` (or `node esbuild.mjs --watch`), then "Developer: Reload Window".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import {
  cacheDir,
  freePort,
  makeProfile,
  onInterrupt,
  projectRoot,
  remoteUri,
  startCodeServer,
  tail,
  workbenchUrl,
} from './host.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1] === '--port'));
const workspace = resolve(positional[0] ?? join(projectRoot, 'demo'));

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: projectRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${what} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
}

async function generateDemo() {
  await mkdir(workspace, { recursive: true });
  const layout = join(workspace, 'layout');
  const ts = join(projectRoot, 'scripts/demo.ts');
  const mjs = join(projectRoot, 'scripts/demo.mjs');
  if (existsSync(ts)) run(process.execPath, [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), ts, layout], 'the demo generator');
  else if (existsSync(mjs)) run(process.execPath, [mjs, layout], 'the demo generator');
  else console.log(`(no demo generator in scripts/: opening the empty folder ${workspace})`);
}

/** Lists the project folder as the installed Manifold in the profile's extensions.json (replacing a previous one). */
async function linkExtension(profile) {
  const manifest = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
  const file = join(profile.extensions, 'extensions.json');
  let entries = [];
  try {
    entries = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    /* none yet */
  }
  entries = entries.filter((e) => e?.identifier?.id?.toLowerCase() !== id);
  entries.push({
    identifier: { id },
    version: manifest.version,
    location: { $mid: 1, scheme: 'file', path: projectRoot },
    metadata: { installedTimestamp: Date.now(), source: 'resource' },
  });
  await writeFile(file, JSON.stringify(entries));
}

async function portToUse() {
  const wanted = Number(option('--port') ?? process.env.PORT ?? 8080);
  const { createServer } = await import('node:net');
  const free = await new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(wanted, '127.0.0.1', () => s.close(() => res(true)));
  });
  return free ? wanted : freePort();
}

async function main() {
  if (!flag('--no-build')) run('npm', ['run', '--silent', 'build'], 'npm run build');
  await generateDemo();

  if (onPath('code') && !flag('--code-server') && process.env.MANIFOLD_START_HOST !== 'code-server') {
    console.log(`\nOpening ${workspace} in VS Code with the extension from ${projectRoot}`);
    const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${projectRoot}`, workspace], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }

  run('bash', [join(projectRoot, 'scripts/vscode-host/setup.sh')], 'scripts/vscode-host/setup.sh');
  // A profile kept between runs (settings, UI state), inside the cache folder the setup owns.
  const profile = await makeProfile(join(cacheDir, 'start-profile'), {}, { keepSettings: true });
  const devMode = flag('--dev-mode');
  if (!devMode) await linkExtension(profile);
  const server = await startCodeServer(profile, {
    port: await portToUse(),
    offline: false,
    args: devMode ? ['--vscode-option', 'enable-smoke-test-driver'] : [],
  });
  onInterrupt(async () => {
    console.log('\nStopping code-server');
    await server.stop();
  });
  const url = workbenchUrl(
    server,
    workspace,
    devMode ? [['extensionDevelopmentPath', remoteUri(server, projectRoot)]] : undefined,
  );
  console.log(
    [
      '',
      `code-server ${server.url} is serving ${workspace}, with Manifold loaded from ${projectRoot}.`,
      'Open this URL in a browser (on this machine, or through an SSH tunnel to its port):',
      '',
      `  ${url}`,
      '',
      `Log: ${profile.log}. Ctrl-C stops it.`,
    ].join('\n'),
  );
  const { code, signal } = await server.child.exited;
  console.error(`code-server exited (${signal ?? code}):\n${await tail(profile.log, 30)}`);
  process.exit(1);
}

main().catch((e) => {
  console.error(`npm start: ${e.message ?? e}`);
  process.exit(1);
});
