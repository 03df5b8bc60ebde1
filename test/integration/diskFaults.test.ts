import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OciLayoutStore } from '../../src/oci/layout';
import { builtCli, runCliProcess } from '../helpers/layoutStress';
import { cleanupTemps, makeImage, makeIndex, refName, tempDir } from '../unit/builders';
import { startOciServer } from './support';

// The real CLI on a layout in a small tmpfs, filled to the last byte or remounted read-only, and run as
// `nobody` on a layout only root may write. Needs root (and mount).

function mountTmpfs(sizeKiB: number): string {
  const dir = tempDir('manifold-mount-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir], { stdio: 'pipe' });
  return dir;
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

/** Why these tests cannot run here, or undefined. */
function cannotMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    unmount(mountTmpfs(64));
    return undefined;
  } catch (err) {
    return `mount -t tmpfs failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** Writes zeros until the file system refuses another byte. */
function fill(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  try {
    for (let chunk = 64 * 1024; chunk >= 1; ) {
      try {
        writeSync(fd, Buffer.alloc(chunk));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        chunk = Math.floor(chunk / 2);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Every file below `dir` with the sha256 of its bytes: what a command that fails must leave as it was. */
function snapshot(dir: string, skip = 'filler'): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== skip) out[p.slice(dir.length + 1)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** Tags amd, arm and multi (an index of both); returns arm's digest. */
async function makeLayout(dir: string): Promise<string> {
  const store = await OciLayoutStore.open(dir, { create: true });
  const amd = await makeImage(store, { os: 'linux', arch: 'amd64' });
  const arm = await makeImage(store, { os: 'linux', arch: 'arm64' });
  await store.tag(amd, 'amd');
  await store.tag(arm, 'arm');
  await store.tag(await makeIndex(store, [amd, arm]), 'multi');
  rmSync(join(dir, '.manifold-tmp'), { recursive: true, force: true }); // as a layout another tool wrote (Manifold removes it once empty)
  return arm.digest;
}

const tagsOf = (dir: string): string[] => (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: [] }).manifests.map(refName).filter((n): n is string => !!n).sort();

describe('layout on a full disk, on a read-only mount and not writable by the user (real CLI)', function () {
  this.timeout(60_000);
  const mounts: string[] = [];
  let cli: string;

  before(function () {
    const reason = cannotMount();
    if (reason) {
      console.log(`    skipped: ${reason}`);
      this.skip();
    }
    cli = builtCli();
  });
  after(() => {
    for (const m of mounts.splice(0)) unmount(m);
    cleanupTemps();
  });

  it('a full disk: tag and attach name the layout and what they wrote, leave no lock, and the next tag just works', async () => {
    const dir = mountTmpfs(1024);
    mounts.push(dir);
    await makeLayout(dir);
    const attachFile = join(tempDir(), 'notes.txt');
    writeFileSync(attachFile, 'x'.repeat(100_000));
    fill(dir);
    const before = snapshot(dir);

    const tag = await runCliProcess(cli, ['tag', '--oci-layout', `${dir}:multi`, 'v2']);
    assert.equal(tag.code, 1);
    assert.match(tag.stderr, new RegExp(`^Error: layout ${dir}: writing index\\.json: no space left on device \\(ENOSPC\\)\\n$`));
    const attach = await runCliProcess(cli, ['attach', '--oci-layout', `${dir}:multi`, '--artifact-type', 'text/x-notes', '--disable-path-validation', attachFile]);
    assert.equal(attach.code, 1);
    assert.match(attach.stderr, new RegExp(`^Error: layout ${dir}: writing a new blob: no space left on device \\(ENOSPC\\)\\n$`));
    // Nothing half-written: no lock, no temp file, every file as it was.
    assert.deepEqual(snapshot(dir), before);
    assert.deepEqual(readdirSync(dir).sort(), ['.manifold-tmp', 'blobs', 'filler', 'index.json', 'oci-layout']);
    assert.deepEqual(readdirSync(join(dir, '.manifold-tmp')), []);

    rmSync(join(dir, 'filler'));
    const again = await runCliProcess(cli, ['tag', '--oci-layout', `${dir}:multi`, 'v2']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(tagsOf(dir), ['amd', 'arm', 'multi', 'v2']);
  });

  it('a full TMPDIR: push of a folder to a registry names the folder and the temp copy, sends nothing, leaves no copy', async () => {
    const tmp = mountTmpfs(256);
    mounts.push(tmp);
    const docs = join(tempDir(), 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'random.bin'), randomBytes(1 << 20)); // does not compress below the 256 KiB
    const server = await startOciServer();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp; // the CLI's process inherits it
    try {
      const push = await runCliProcess(cli, ['push', '--plain-http', '--disable-path-validation', `${server.host}/demo/folder:v1`, docs]);
      assert.equal(push.code, 1);
      assert.match(push.stderr, new RegExp(`^Error: cannot write a copy of ${docs} at ${tmp}/manifold-push-\\w+/staged-1: no space left on device \\(ENOSPC\\); set TMPDIR to a folder with room for it\\n$`));
      assert.deepEqual(readdirSync(tmp), []);
      assert.deepEqual(server.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'), []);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      await server.stop();
    }
  });

  it('a read-only layout: attach, index create, index update, tag and cp into it say so, naming it, and write nothing', async () => {
    const dir = mountTmpfs(1024);
    mounts.push(dir);
    const arm = await makeLayout(dir);
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    const before = snapshot(dir);
    const commands = [
      ['attach', '--oci-layout', `${dir}:multi`, '--artifact-type', 'application/vnd.test', '--recursive', '--annotation', 'a=b'],
      ['manifest', 'index', 'create', '--oci-layout', `${dir}:solo`, 'amd'],
      ['manifest', 'index', 'update', '--oci-layout', `${dir}:multi`, '--remove', arm],
      ['tag', '--oci-layout', `${dir}:multi`, 'v2'],
      ['cp', '--from-oci-layout', '--to-oci-layout', `${dir}:multi`, `${dir}/copy:v1`],
    ];
    for (const args of commands) {
      const r = await runCliProcess(cli, args);
      assert.equal(r.code, 1, `${args.slice(0, 3).join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, new RegExp(`^Error: layout ${dir}(/copy)? is read-only \\(EROFS\\): cannot write ((blob|manifest) sha256:[0-9a-f]{64}|index\\.json|a new layout)\\n$`), args.join(' '));
    }
    assert.deepEqual(snapshot(dir), before);
    assert.deepEqual(tagsOf(dir), ['amd', 'arm', 'multi']);
  });

  it('a layout the user cannot write (EACCES): tag and attach say it is read-only for them, and write nothing', async () => {
    const parent = tempDir();
    chmodSync(parent, 0o755); // readable by everyone, writable by root only
    const dir = join(parent, 'layout');
    await makeLayout(dir);
    const before = snapshot(dir);
    const nobody = 65534;
    for (const args of [
      ['tag', '--oci-layout', `${dir}:multi`, 'v2'],
      ['attach', '--oci-layout', `${dir}:multi`, '--artifact-type', 'application/vnd.test', '--annotation', 'a=b'],
    ]) {
      const r = await runCliProcess(cli, args, 0, nobody);
      assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^Error: layout ${dir} is read-only for this user \\(EACCES\\): cannot write ((blob|manifest) sha256:[0-9a-f]{64}|index\\.json)\\n$`), args[0]);
    }
    assert.deepEqual(snapshot(dir), before);
  });

  it('a layout the user cannot write (EACCES): prune says it is read-only for them; its dry run still lists what it would remove', async () => {
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const dir = join(parent, 'layout');
    await makeLayout(dir);
    const garbage = Buffer.from('nothing reaches this\n');
    const digest = `sha256:${createHash('sha256').update(garbage).digest('hex')}`;
    writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), garbage);
    const before = snapshot(dir);
    const nobody = 65534;
    const real = await runCliProcess(cli, ['prune', '--oci-layout', dir, '--grace', '0'], 0, nobody);
    assert.deepEqual([real.code, real.stdout, real.stderr], [1, '', `Error: layout ${dir} is read-only for this user (EACCES): cannot write the index.json lock\n`]);
    const dry = await runCliProcess(cli, ['prune', '--oci-layout', dir, '--grace', '0', '--dry-run'], 0, nobody);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stdout, `Would remove blob ${digest} (${garbage.length} bytes)\nWould free ${garbage.length} bytes: 1 blob, 0 temp files, 0 lock leftovers\n`);
    assert.deepEqual(snapshot(dir), before);
  });
});
