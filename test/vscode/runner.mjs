#!/usr/bin/env node
// Runs the extension-host suite (test/vscode/suite) inside a real VS Code: the code-server that
// scripts/vscode-host/setup.sh installs, driven by Debian's chromium through playwright-core. It does what
// @vscode/test-electron's runTests does for the desktop app: open a workspace with extensionDevelopmentPath and
// extensionTestsPath, wait for the exit code of the suite's run(). Expects `npm run build` done (dist/extension.js).
// Two passes, one host each: 'main' (a trusted workspace, every test file but suite/restricted.test.ts), then
// 'restricted' (Workspace Trust on, the workspace untrusted: Restricted Mode; only suite/restricted.test.ts).
//
//   node test/vscode/runner.mjs [--keep] [--timeout SECONDS] [--grep PATTERN] [--pass main|restricted]
//
// Env: MANIFOLD_VSCODE_KEEP=1 keeps the temp folder (it is kept anyway when the run fails).
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  launchChromium,
  makeProfile,
  onInterrupt,
  projectRoot,
  remoteUri,
  startCodeServer,
  tail,
  testSettings,
  workbenchUrl,
} from '../../scripts/vscode-host/host.mjs';
import { bundleSuite, RESTRICTED_FILE, stackMapper } from './bundleSuite.mjs';
import { createWorkspace } from './workspace.mjs';

const argv = process.argv.slice(2);
const keep = argv.includes('--keep') || process.env.MANIFOLD_VSCODE_KEEP === '1';
const ti = argv.indexOf('--timeout');
// The whole pass's bound (each test has mocha's own timeout): the main pass runs ~290 tests;
// under load (a CI beside other work) it once passed 300 s mid-run and was cut off with every test passing so far.
const timeoutMs = (ti >= 0 ? Number(argv[ti + 1]) : 900) * 1000;
const gi = argv.indexOf('--grep');
const grep = gi >= 0 ? argv[gi + 1] : process.env.MANIFOLD_VSCODE_GREP;
const pi = argv.indexOf('--pass');
const passes = pi >= 0 ? [argv[pi + 1]] : ['main', 'restricted'];
if (!passes.every((p) => p === 'main' || p === 'restricted')) throw new Error(`--pass takes main or restricted, got ${argv[pi + 1]}`);
// VS Code's recursive file watcher (inotify) can miss a directory tree made with `mkdir -p` while it watches
// (the subdirectories exist before it adds its watches); polling does not. Opt-in: MANIFOLD_VSCODE_WATCHER_POLLING=ms.
const watcherPolling = Number(process.env.MANIFOLD_VSCODE_WATCHER_POLLING ?? 0);

const started = Date.now();
const stamp = () => `+${((Date.now() - started) / 1000).toFixed(1)}s`;
const log = (msg) => console.log(`[vscode-host] ${msg}`);

/**
 * What differs between the passes. Restricted Mode: trust on in the settings and on the command line, never
 * prompted, so the folder opens untrusted; its demo layout is made before the host starts, since the test
 * itself cannot write to an untrusted workspace through the extension (and the watcher may miss late folders).
 */
const PASSES = {
  main: { settings: testSettings, workspace: {}, workspaceTrust: false },
  restricted: {
    settings: {
      ...testSettings,
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.emptyWindow': false,
    },
    workspace: { demoLayouts: ['demo'] },
    workspaceTrust: true,
  },
};

async function main() {
  if (!existsSync(join(projectRoot, 'dist/extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first.');
  }
  onInterrupt(() => teardownCurrent());
  for (const pass of passes) {
    if (!(await runPass(pass))) process.exitCode ||= 1;
  }
}

/** Stops what the running pass started (on Ctrl-C). */
let teardownCurrent = async () => {};

/** One host start, one suite run; true when every test passed. */
async function runPass(pass) {
  const t0 = Date.now();
  const { settings, workspace: workspaceOptions, workspaceTrust } = PASSES[pass];
  log(`pass ${pass}${pass === 'restricted' ? ` (untrusted workspace, ${RESTRICTED_FILE} only)` : ''}`);
  const tmp = await mkdtemp(join(tmpdir(), `manifold-vscode-${pass}-`));
  const resultsFile = join(tmp, 'results.txt');
  const browserLog = join(tmp, 'browser.log');
  let server;
  let browser;
  let ok = false;
  const teardown = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  };
  teardownCurrent = teardown;
  try {
    const suite = await bundleSuite(join(tmp, 'suite'), { pass });
    log(`bundled ${suite.files.length} test file(s)`);
    const workspace = await createWorkspace(join(tmp, 'workspace'), workspaceOptions);
    const profile = await makeProfile(join(tmp, 'profile'), settings);
    // The tests' own temp folders (os.tmpdir() in the extension host) go in this pass's folder, removed with it.
    const hostTmp = join(tmp, 'tmp');
    await mkdir(hostTmp);
    server = await startCodeServer(profile, {
      workspaceTrust,
      args: [
        '--vscode-option', 'enable-smoke-test-driver',
        ...(watcherPolling ? ['--vscode-option', `file-watcher-polling=${watcherPolling}`] : []),
      ],
      env: {
        TMPDIR: hostTmp,
        MANIFOLD_VSCODE_TEST_RESULTS: resultsFile,
        MANIFOLD_VSCODE_WORKSPACE_INFO: JSON.stringify(workspace),
        ...(grep ? { MANIFOLD_VSCODE_GREP: grep } : {}),
      },
    });
    log(`code-server ${server.url} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);

    browser = await launchChromium();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    let settle;
    const exited = new Promise((res) => (settle = res));
    await page.exposeFunction('codeAutomationExit', (code) => settle({ code }));
    await page.exposeFunction('codeAutomationLog', (level, message) =>
      appendFile(browserLog, `${stamp()} [workbench ${level}] ${message}\n`).catch(() => {}),
    );
    page.on('console', (m) => appendFile(browserLog, `${stamp()} [console ${m.type()}] ${m.text()}\n`).catch(() => {}));
    page.on('pageerror', (e) => appendFile(browserLog, `${stamp()} [pageerror] ${e.stack ?? e}\n`).catch(() => {}));
    page.on('crash', () => settle({ error: 'the browser page crashed' }));

    const url = workbenchUrl(server, workspace.folder, [
      ['extensionDevelopmentPath', remoteUri(server, projectRoot)],
      ['extensionTestsPath', remoteUri(server, suite.path)],
    ]);
    // code-server's first page load compiles and serves the workbench: far over 30 s on a loaded 2-core machine.
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 180_000 });
    const timer = setTimeout(
      () => settle({ error: `no exit code from the extension host within ${timeoutMs / 1000}s` }),
      timeoutMs,
    );
    log(`workbench loading (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    const result = await exited;
    clearTimeout(timer);
    log(`${result.error ? 'gave up' : `extension host exited with code ${result.code}`} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);

    const mapStack = stackMapper(join(tmp, 'suite'), projectRoot);
    const results = existsSync(resultsFile) ? mapStack(await readFile(resultsFile, 'utf8')) : '';
    console.log(results.trim() ? results.trimEnd() : '(the suite wrote no results)');
    if (result.error || result.code !== 0) {
      console.error(`\n[vscode-host] FAILED: ${result.error ?? `the extension-host tests exited with code ${result.code}`}`);
      if (!results.includes(' passed, ')) {
        // The suite did not get to report: show why (activation errors, bundling errors, host crash).
        console.error(`--- workbench/extension host console (tail) ---\n${await tail(browserLog, 80)}`);
        console.error(`--- code-server log (tail) ---\n${await tail(profile.log, 40)}`);
      }
      console.error(`[vscode-host] logs kept in ${tmp}`);
    } else {
      ok = true;
      log(`done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    }
  } finally {
    await teardown();
    if (ok && !keep) await rm(tmp, { recursive: true, force: true });
    else if (ok) log(`kept ${tmp}`);
  }
  return ok;
}

main().catch((e) => {
  console.error(`[vscode-host] ${e.stack ?? e}`);
  process.exit(1);
});
