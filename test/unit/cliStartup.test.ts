// What the CLI loads and starts before it works is most of a small command's time (issue 19: a no-op re-copy under
// 0.15 s, where Node alone takes ~0.1 s here). A command that hashes nothing must not load node:crypto (~7 ms), and
// one that reads only small files must not start libuv's thread pool (~2 ms) nor load node:fs/promises or
// node:zlib (~5 ms), and none may build an Intl object at start-up (a collator loads ICU's collation data: 72
// million instructions, more than Node's own start-up): all are checked on the built CLI.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtCli } from '../helpers/layoutStress';

interface Probe {
  /** Threads of the process at exit (Linux: /proc/self/task). */
  threads: number;
  /** Node's built-in modules loaded by then. */
  modules: string[];
  /** The Intl constructors called (`Collator`, ...). */
  intl: string[];
}

describe('cli start-up: what a small command loads', function () {
  this.timeout(120_000);
  let dir: string;
  let cli: string;
  let probe: string;

  /** Runs `node [-r probe] <script> ...args`; the probe's report comes on fd 3. */
  const run = (script: string, args: string[], stdout: 'pipe' | number = 'pipe'): { status: number | null; stdout: string; stderr: string; probe: Probe } => {
    const r = spawnSync(process.execPath, ['-r', probe, script, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', stdout, 'pipe', 'pipe'] });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, probe: JSON.parse(String(r.output[3])) as Probe };
  };

  before(function () {
    if (process.platform !== 'linux') this.skip(); // the thread count comes from /proc
    cli = builtCli();
    dir = mkdtempSync(join(tmpdir(), 'manifold-startup-test-'));
    probe = join(dir, 'probe.js');
    writeFileSync(
      probe,
      [
        'const intl = [];',
        "for (const name of ['Collator', 'DateTimeFormat', 'DisplayNames', 'ListFormat', 'NumberFormat', 'PluralRules', 'RelativeTimeFormat', 'Segmenter']) {",
        '  if (Intl[name]) Intl[name] = new Proxy(Intl[name], { construct: (t, a) => (intl.push(name), Reflect.construct(t, a)), apply: (t, self, a) => (intl.push(name), Reflect.apply(t, self, a)) });',
        '}',
        "process.on('exit', () => { const fs = require('fs'); fs.writeSync(3, JSON.stringify({ intl, threads: fs.readdirSync('/proc/self/task').length, modules: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)) })); });",
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'empty.js'), '');
    writeFileSync(join(dir, 'hello.txt'), 'hello\n');
    const pushed = spawnSync(process.execPath, [cli, 'push', '--oci-layout', `${join(dir, 'src')}:v1`, 'hello.txt'], { cwd: dir, encoding: 'utf8' });
    assert.equal(pushed.status, 0, pushed.stderr);
    const copied = spawnSync(process.execPath, [cli, 'cp', '--from-oci-layout', '--to-oci-layout', `${join(dir, 'src')}:v1`, `${join(dir, 'dst')}:v1`], { encoding: 'utf8' });
    assert.equal(copied.status, 0, copied.stderr);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('a no-op re-copy and --version load no node:crypto, start no thread pool beside what Node itself runs, build no Intl object', () => {
    const node = run(join(dir, 'empty.js'), []).probe;
    const indexJson = readFileSync(join(dir, 'dst', 'index.json'));
    const again = run(cli, ['cp', '--from-oci-layout', '--to-oci-layout', `${join(dir, 'src')}:v1`, `${join(dir, 'dst')}:v1`]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^Copied \[oci-layout\] .*src:v1 => \[oci-layout\] .*dst:v1$/m);
    assert.deepEqual(readFileSync(join(dir, 'dst', 'index.json')), indexJson, 'nothing to write');
    assert.ok(!again.probe.modules.includes('crypto'), `node:crypto loaded: ${again.probe.modules.join(' ')}`);
    assert.equal(again.probe.threads, node.threads, 'threads at exit: the copy against an empty script');
    assert.deepEqual(again.probe.intl, [], 'Intl objects built');
    // Built-ins a no-op copy never uses, loaded only by the commands that do (~5 ms at start-up between them).
    // net comes with process.stdout or process.stderr made for a pipe (~3 ms): the printer writes to the fd.
    // stream (1-2 ms) only with a command that streams (src/oci/nodeStream.ts).
    for (const m of ['fs/promises', 'zlib', 'net', 'os', 'stream']) assert.ok(!again.probe.modules.includes(m), `node:${m} loaded`);

    const version = run(cli, ['--version']);
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^manifold \d+\.\d+\.\d+/);
    assert.ok(!version.probe.modules.includes('crypto'));
    assert.deepEqual(version.probe.intl, [], 'Intl objects built');
    for (const m of ['fs/promises', 'zlib', 'net', 'os', 'stream']) assert.ok(!version.probe.modules.includes(m), `node:${m} loaded`);
    // Into /dev/null (a device, as a terminal is, but written straight to), likewise.
    const devNull = openSync('/dev/null', 'w');
    try {
      const quiet = run(cli, ['--version'], devNull);
      assert.equal(quiet.status, 0, quiet.stderr);
      for (const m of ['net', 'stream', 'tty']) assert.ok(!quiet.probe.modules.includes(m), `node:${m} loaded`);
    } finally {
      closeSync(devNull);
    }
  });

  it('a command that hashes loads node:crypto when it needs it, and its digests are right', () => {
    const pushed = run(cli, ['push', '--oci-layout', `${join(dir, 'more')}:v1`, 'hello.txt', '--format', 'json']);
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.ok(pushed.probe.modules.includes('crypto'));
    // The file is stored under sha256("hello\n"), and the manifest under the digest the command printed.
    assert.equal(readFileSync(join(dir, 'more', 'blobs', 'sha256', '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03'), 'utf8'), 'hello\n');
    const { digest } = JSON.parse(pushed.stdout) as { digest: string };
    const manifest = readFileSync(join(dir, 'more', 'blobs', 'sha256', digest.slice(7)));
    assert.equal(`sha256:${createHash('sha256').update(manifest).digest('hex')}`, digest);
  });
});
