// dist/cli.js (src/cli/launcher.ts) starts the CLI bundle from V8's code cache: the CLI must say and do the same
// with the cache, without it, with it off, and when the cache is stale, refused or cannot be written.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { builtCli } from '../helpers/layoutStress';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** How the launcher used its cache, as it says under MANIFOLD_DEBUG. */
  cache: string | undefined;
}

/** `repo tags` of the test's layout: its one tag, v1. */
const LISTED = /^v1 +sha256:[0-9a-f]{64} +artifact$/m;

describe('cli launcher: the code cache', function () {
  this.timeout(120_000);
  let dir: string;
  let cli: string;
  let cacheFile: string;
  let layout: string;

  const run = (args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Run => {
    const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), cli, ...args], { encoding: 'utf8', env: { ...process.env, MANIFOLD_DEBUG: '1', ...options.env } });
    const line = /^manifold: code cache (\w+)\n/m;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(line, ''), cache: line.exec(r.stderr)?.[1] };
  };
  // What the CLI says for a few commands: help, a usage error, reads of a layout, a failing read.
  const outputs = (options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}) => {
    const commands = [['--help'], ['cp', '--help'], ['no-such-command'], ['repo', 'tags', '--oci-layout', layout], ['manifest', 'fetch', '--oci-layout', `${layout}:v1`], ['manifest', 'fetch', '--oci-layout', `${layout}:missing`]];
    return commands.map((args) => {
      const { status, stdout, stderr } = run(args, options);
      // A failure's stack (MANIFOLD_DEBUG) names line and column of the bundle; the first line is the message.
      return { args, status, stdout, stderr: stderr.split('\n')[0] };
    });
  };

  before(() => {
    const dist = dirname(builtCli());
    dir = mkdtempSync(join(tmpdir(), 'manifold-launcher-test-'));
    // A copy of the built CLI, so each test decides what cache lies beside it.
    for (const f of ['cli.js', 'cliMain.js', 'cliMain.js.map', 'undici.js']) copyFileSync(join(dist, f), join(dir, f));
    cli = join(dir, 'cli.js');
    cacheFile = join(dir, 'cliMain.js.cache');
    layout = join(dir, 'layout');
    writeFileSync(join(dir, 'hello.txt'), 'hello\n');
    const pushed = spawnSync(process.execPath, [cli, 'push', '--oci-layout', `${layout}:v1`, 'hello.txt'], { cwd: dir, encoding: 'utf8' });
    assert.equal(pushed.status, 0, pushed.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => rmSync(cacheFile, { recursive: true, force: true }));

  it('writes the cache on the first run and uses it on the next; the output is the same with it, without it and with it off', () => {
    assert.equal(run(['--version']).cache, 'absent');
    assert.ok(existsSync(cacheFile), 'the first run wrote the cache');
    assert.equal(run(['--version']).cache, 'accepted');
    const cached = outputs();
    assert.equal(run(['--version']).cache, 'accepted');
    rmSync(cacheFile);
    const fresh = outputs({ env: { MANIFOLD_CODE_CACHE: '0' } });
    assert.equal(run(['--version'], { env: { MANIFOLD_CODE_CACHE: '0' } }).cache, 'off');
    assert.ok(!existsSync(cacheFile), 'with the cache off, none is written');
    assert.deepEqual(cached, fresh);
    assert.match(cached[3]!.stdout, LISTED);
    assert.equal(JSON.parse(cached[4]!.stdout).layers[0].annotations['org.opencontainers.image.title'], 'hello.txt');
    assert.equal(cached[5]!.status, 1);
    assert.match(cached[5]!.stderr, /^Error: .*missing/);
  });

  it('refuses a cache made from another bundle, and replaces it', () => {
    run(['--version']);
    const bundle = join(dir, 'cliMain.js');
    const original = readFileSync(bundle);
    try {
      // The same length, other code: V8 alone would take the cache, which holds the old code.
      writeFileSync(bundle, Buffer.from(original.toString('latin1').replace('VERSION = "0.1.0"', 'VERSION = "9.9.9"'), 'latin1'));
      assert.equal(statSync(bundle).size, original.length);
      const stale = run(['--version']);
      assert.deepEqual([stale.cache, stale.stdout, stale.status], ['stale', 'manifold 9.9.9\n', 0]);
      assert.equal(run(['--version']).cache, 'accepted');
      appendFileSync(bundle, '\n// grown\n');
      assert.deepEqual([run(['--version']).cache, run(['--version']).cache], ['stale', 'accepted']);
    } finally {
      writeFileSync(bundle, original);
    }
  });

  it('keeps the cache of a bundle rewritten with the same bytes, and keys it to the new file', () => {
    run(['--version']);
    const bundle = join(dir, 'cliMain.js');
    const keyLine = () => readFileSync(cacheFile).toString('latin1').split('\n')[1]!;
    const before = keyLine();
    // As a rebuild that wrote the same bundle: its stat changes, its bytes do not.
    writeFileSync(bundle, readFileSync(bundle));
    const { ino, size, mtimeMs, ctimeMs } = statSync(bundle);
    assert.notEqual(keyLine().split(':')[4], String(ctimeMs));
    const again = run(['repo', 'tags', '--oci-layout', layout]);
    assert.deepEqual([again.cache, again.status], ['accepted', 0]);
    assert.match(again.stdout, LISTED);
    const after = keyLine();
    assert.notEqual(after, before);
    assert.match(after, new RegExp(`^${size} \\d+:${ino}:${size}:${mtimeMs}:${ctimeMs} `));
    assert.equal(run(['--version']).cache, 'accepted');
  });

  it('learns each command it runs once, and none that changed V8 flags (a registry command)', () => {
    const header = () => readFileSync(cacheFile).toString('latin1').split('\n')[1]!;
    const learnt = () => header().split(' ').slice(2).join(' ');
    assert.equal(run(['--version']).cache, 'absent');
    assert.equal(learnt(), 'version');
    const small = statSync(cacheFile).size;
    const tags = run(['repo', 'tags', '--oci-layout', layout]);
    assert.deepEqual([tags.cache, tags.status], ['accepted', 0]);
    // Made again after the command: it holds the functions repo tags compiled.
    assert.equal(learnt(), 'version,repo tags');
    assert.ok(statSync(cacheFile).size > small, 'the functions repo tags compiled are in the cache');
    const made = statSync(cacheFile).mtimeMs;
    const again = run(['repo', 'tags', '--oci-layout', layout]);
    assert.deepEqual([again.cache, again.status], ['accepted', 0]);
    assert.match(again.stdout, LISTED);
    assert.equal(statSync(cacheFile).mtimeMs, made, 'a command learnt is not learnt again');
    // A registry command sets V8 flags (see preferQuickStartup), part of a cache's key: what it would make is
    // refused by the next run, so it leaves the cache as it was.
    const remote = run(['manifest', 'fetch', '127.0.0.1:1/nothing:here'], { env: { MANIFOLD_RETRIES: '0' } });
    assert.deepEqual([remote.cache, remote.status], ['accepted', 1]);
    assert.equal(learnt(), 'version,repo tags');
    assert.equal(run(['manifest', 'fetch', '--oci-layout', `${layout}:v1`]).cache, 'accepted');
    assert.equal(learnt(), 'version,repo tags,manifest fetch');
    assert.equal(run(['--version']).cache, 'accepted');
  });

  it('falls back to a plain compile when V8 refuses the cache (damaged, or other V8 flags), and replaces it', () => {
    run(['--version']);
    const bytes = readFileSync(cacheFile);
    // Two header lines, the bundle's copy, then V8's data: damage its first bytes (V8's magic number).
    const v8Data = bytes.indexOf(10, bytes.indexOf(10) + 1) + 1 + statSync(join(dir, 'cliMain.js')).size;
    bytes.fill(0, v8Data, v8Data + 8);
    writeFileSync(cacheFile, bytes);
    const damaged = run(['repo', 'tags', '--oci-layout', layout]);
    assert.deepEqual([damaged.cache, damaged.status], ['rejected', 0]);
    assert.match(damaged.stdout, LISTED);
    assert.equal(run(['--version']).cache, 'accepted');
    // Another V8 configuration (as another Node would be): refused, and not fatal.
    const otherFlags = run(['repo', 'tags', '--oci-layout', layout], { nodeArgs: ['--no-lazy-feedback-allocation'] });
    assert.deepEqual([otherFlags.cache, otherFlags.status], ['rejected', 0]);
    assert.match(otherFlags.stdout, LISTED);
  });

  it('runs without a cache where none can be written', () => {
    mkdirSync(cacheFile); // a folder in the cache's place: it can be neither read nor replaced
    for (let i = 0; i < 2; i++) {
      const r = run(['repo', 'tags', '--oci-layout', layout]);
      assert.deepEqual([r.cache, r.status], ['absent', 0]);
      assert.match(r.stdout, LISTED);
    }
    assert.ok(statSync(cacheFile).isDirectory());
  });

  it('with --enable-source-maps, loads the bundle as a plain module so stack traces name the TypeScript sources', () => {
    const r = run(['manifest', 'fetch', '--oci-layout', `${layout}:missing`], { nodeArgs: ['--enable-source-maps'] });
    assert.equal(r.cache, 'off');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\bsrc\/[\w/]+\.ts:\d+:\d+/);
  });
});
