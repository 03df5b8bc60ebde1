// `npm start` as a newcomer meets it on a machine without desktop VS Code: no `code` on PATH, so it serves
// code-server on loopback and prints the URL. The test types nothing else first, waits for the URL, opens it in
// chromium, sees the Manifold view list the demo layout's tags as they are on disk, then presses Ctrl-C (SIGINT to
// the whole foreground process group, as a terminal does) and checks that nothing it started is left running.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cacheDir, launchChromium, projectRoot, sleep } from '../../../scripts/vscode-host/host.mjs';
import { resultsDir } from './harness.mjs';
import { expectedTagRows, readLayout, referrersBySubject } from './layoutOnDisk.mjs';
import { childrenOf, expand, openManifoldView, waitForRows } from './layoutsView.mjs';

const PROFILE = join(cacheDir, 'start-profile');
const withoutCode = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((d) => d && !existsSync(join(d, 'code')))
  .join(delimiter);

/** Processes (pid, command line) whose command line mentions `needle`, this test's own excluded. */
function processesMentioning(needle) {
  const out = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(needle)) out.push(`${pid} ${cmd.slice(0, 200)}`);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

describe('npm start without desktop VS Code', { timeout: 600_000 }, () => {
  let npm;
  let browser;
  let output = '';
  after(async () => {
    await browser?.close().catch(() => {});
    if (npm && npm.exitCode === null && npm.signalCode === null) {
      try {
        process.kill(-npm.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });

  it('serves code-server, shows the demo layout in the Manifold view, and stops cleanly on Ctrl-C', async () => {
    npm = spawn('npm', ['start'], {
      cwd: projectRoot,
      env: { ...process.env, PATH: withoutCode },
      detached: true, // its own process group, like a terminal's foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((res) => npm.on('exit', (code, signal) => res({ code, signal })));
    npm.stdout.on('data', (d) => (output += d));
    npm.stderr.on('data', (d) => (output += d));
    const url = await new Promise((res, rej) => {
      const timer = setInterval(() => {
        const m = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(output);
        if (m) res(m[1]);
        else if (npm.exitCode !== null) rej(new Error(`npm start exited (${npm.exitCode}) before printing a URL:\n${output}`));
        else return;
        clearInterval(timer);
      }, 200);
    });
    assert.match(output, /Ctrl-C stops it/);
    const workspace = decodeURIComponent(new URL(url).searchParams.get('folder'));
    assert.equal(workspace, join(projectRoot, 'demo'));

    browser = await launchChromium();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(url, { timeout: 180_000 });
    await openManifoldView(page);
    const demo = await readLayout(join(workspace, 'layout'));
    const expected = await expectedTagRows(demo);
    assert.ok(expected.some((r) => r.label === 'v1' && r.description.includes('multi-arch')), 'the demo has a multi-arch v1');
    // The coverage gap the demo shows: an SBOM on the index and on linux/amd64, none on linux/arm64/v8.
    const referrers = await referrersBySubject(demo);
    assert.deepEqual(
      ['v1', 'linux-amd64', 'linux-arm64'].map((t) => referrers[demo.tags.get(t).digest] ?? []),
      [['application/spdx+json'], ['application/spdx+json'], []],
    );
    await waitForRows(page, (r) => r.some((x) => x.level === 1 && x.label === 'layout'), 'the demo layout');
    await expand(page, 'layout', 1);
    const rows = await waitForRows(
      page,
      (r) => JSON.stringify(childrenOf(r, { label: 'layout', level: 1 }).map(({ label, description }) => ({ label, description }))) === JSON.stringify(expected),
      'the demo tags with their platforms',
    );
    assert.deepEqual(
      childrenOf(rows, { label: 'layout', level: 1 }).map(({ label, description }) => ({ label, description })),
      expected,
    );
    await mkdir(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'npm-start.png') });
    await browser.close();
    browser = undefined;

    assert.notDeepEqual(processesMentioning(PROFILE), [], 'code-server runs with the start profile');
    process.kill(-npm.pid, 'SIGINT'); // Ctrl-C
    const { code, signal } = await exited;
    assert.ok(code === 130 || signal === 'SIGINT', `npm start ended by Ctrl-C (exit ${code}, signal ${signal})`);
    assert.match(output, /Stopping code-server/);
    // stopGroup has returned before start.mjs exits; give the kernel a moment to reap what it killed.
    let left = processesMentioning(PROFILE);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await sleep(250);
      left = processesMentioning(PROFILE);
    }
    assert.deepEqual(left, [], 'no code-server process left behind');
    assert.deepEqual(processesMentioning(join(projectRoot, 'scripts/vscode-host/start.mjs')), []);
  });
});
