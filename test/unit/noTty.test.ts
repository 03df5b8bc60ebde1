// `--no-tty` (oras's flag): on a terminal, no status line is drawn; the lines a pipe gets are printed instead.
// The CLI runs in its own process under script(1), so its standard error is a real pseudo-terminal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOciServer, type OciServer } from '../integration/support';
import { runCli, runCliIn } from '../helpers/runCli';
import { builtCli } from '../helpers/layoutStress';
import { cleanupTemps, tempDir } from './builders';

/** What the terminal shows (stdout and stderr both) of `manifold args` run on a pseudo-terminal. */
function onTerminal(cli: string, args: string[], cwd: string): Promise<{ code: number | null; shown: string }> {
  const quoted = [process.execPath, cli, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    // -e: script exits with the command's status; -f: output as it comes; the typescript file is thrown away.
    const child = spawn('script', ['-qfec', quoted, '/dev/null'], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_CONFIG: cwd } });
    let shown = '';
    child.stdout.on('data', (d: Buffer) => (shown += d.toString()));
    child.stderr.on('data', (d: Buffer) => (shown += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, shown }));
  });
}

const STATUS = '\r\x1b[K';

describe('--no-tty', function () {
  this.timeout(60_000);
  let server: OciServer;
  let cli: string;
  let dir: string;
  before(async () => {
    cli = builtCli();
    server = await startOciServer();
    dir = tempDir();
    // Large enough that the copy reports bytes moved, which draws the status line on a terminal.
    writeFileSync(join(dir, 'big.bin'), randomBytes(300_000));
    const pushed = await runCliIn(dir, 'push', '--oci-layout', 'src:v1', 'big.bin');
    assert.equal(pushed.code, 0, pushed.stderr);
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });

  it('cp on a terminal draws the status line; with --no-tty it prints a Copying line per blob and no status line', async () => {
    const drawn = await onTerminal(cli, ['cp', '--from-oci-layout', 'src:v1', '--to-oci-layout', 'drawn:v1'], dir);
    assert.equal(drawn.code, 0, drawn.shown);
    assert.ok(drawn.shown.includes(STATUS), JSON.stringify(drawn.shown));
    assert.match(drawn.shown, /\[#*\.*\] \d+% /);
    assert.doesNotMatch(drawn.shown, /Copying /);

    const lines = await onTerminal(cli, ['cp', '--no-tty', '--from-oci-layout', 'src:v1', '--to-oci-layout', 'lines:v1'], dir);
    assert.equal(lines.code, 0, lines.shown);
    assert.ok(!lines.shown.includes('\x1b'), JSON.stringify(lines.shown));
    const copying = lines.shown.split('\r\n').filter((l) => l.startsWith('Copying '));
    assert.deepEqual(copying.map((l) => l.replace(/^Copying [0-9a-f]{12} /, '')).sort(), ['application/vnd.oci.empty.v1+json', 'application/vnd.oci.image.manifest.v1+json', 'big.bin']);
    assert.match(lines.shown, /^Copied \[oci-layout\] src:v1 => \[oci-layout\] lines:v1\r$/m);
  });

  it('backup and restore take it too: lines on the terminal, no status line', async () => {
    const up = await runCli('cp', '--from-oci-layout', `${join(dir, 'src')}:v1`, `${server.host}/notty/app:v1`, '--plain-http');
    assert.equal(up.code, 0, up.stderr);
    const backup = await onTerminal(cli, ['backup', '--no-tty', '--plain-http', '--output', 'saved', `${server.host}/notty/app`], dir);
    assert.equal(backup.code, 0, backup.shown);
    assert.ok(!backup.shown.includes('\x1b'), JSON.stringify(backup.shown));
    assert.match(backup.shown, /^Copying [0-9a-f]{12} big\.bin\r$/m);
    const restore = await onTerminal(cli, ['restore', '--no-tty', '--plain-http', '--input', 'saved', `${server.host}/notty/back`], dir);
    assert.equal(restore.code, 0, restore.shown);
    assert.ok(!restore.shown.includes('\x1b'), JSON.stringify(restore.shown));
    assert.match(restore.shown, /^Copying [0-9a-f]{12} big\.bin\r$/m);
    assert.deepEqual([...server.repo('notty/back').tags.keys()], ['v1']);
  });

  it('each command oras gives it takes it, and says so in its help', async () => {
    for (const words of [['attach'], ['backup'], ['blob', 'fetch'], ['blob', 'push'], ['cp'], ['discover'], ['pull'], ['push'], ['restore']]) {
      const help = await runCli(...words, '--help');
      assert.match(help.stdout, /^ {6}--no-tty +draw no progress on the terminal/m, words.join(' '));
    }
    const pushed = await runCliIn(dir, 'push', '--no-tty', '--oci-layout', 'other:v1', 'big.bin');
    assert.equal(pushed.code, 0, pushed.stderr);
    const pulled = await runCli('pull', '--no-tty', '--oci-layout', `${join(dir, 'other')}:v1`, '-o', join(dir, 'out'));
    assert.equal(pulled.code, 0, pulled.stderr);
    const fetched = await runCli('blob', 'fetch', '--no-tty', '--descriptor', '--oci-layout', `${join(dir, 'src')}@${JSON.parse((await runCli('manifest', 'fetch', '--oci-layout', `${join(dir, 'src')}:v1`)).stdout).layers[0].digest}`);
    assert.equal(JSON.parse(fetched.stdout).size, 300_000);
  });
});
