// A layout can hold something other than a file where a blob, index.json or oci-layout should be (unpacked from
// someone else's tar, say): a named pipe, a folder, a socket, a device, a symbolic link. Every read refuses it at
// once, naming the path and what is there, and changes nothing; none waits on a named pipe (opening one for reading
// waits for a writer, forever). A link is followed only to a file inside the layout.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { OciLayoutStore } from '../../src/oci/layout';
import { writeLayoutTar } from '../../src/oci/layout/tarExport';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, newLayout, pushBlob, tempDir } from './builders';
import { helloLayout as layout, type HelloLayout as Layout, LAYER } from './helloLayout';

/** A layout holding only the layer (a copy of v1 into it then stores the manifest and the layer). */
async function layerOnly(): Promise<{ dir: string; layerPath: string }> {
  const store = await newLayout();
  const layer = await pushBlob(store, LAYER, 'text/plain');
  return { dir: store.location, layerPath: join(store.location, 'blobs', 'sha256', layer.digest.slice('sha256:'.length)) };
}

/** Every entry below `dir`: a file by the hash of its bytes, anything else by what it is (never opened: a pipe would wait). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path));
      if (st.isDirectory()) {
        out[path] = 'folder';
        walk(path);
      } else if (st.isFile()) out[path] = createHash('sha256').update(readFileSync(join(dir, path))).digest('hex');
      else if (st.isSymbolicLink()) out[path] = `link to ${readlinkSync(join(dir, path))}`;
      else out[path] = `special ${st.mode}`;
    }
  };
  walk('');
  return out;
}

// ---- the kinds of thing a test puts in a file's place ---------------------------------------------------------

/** What is left running for a kind (a socket's server, a pipe's fuse): stopped after each test. */
const running: Array<() => void> = [];
afterEach(() => {
  for (const stop of running.splice(0)) stop();
});
after(cleanupTemps);

/**
 * A named pipe at `path`, with a fuse: should a read wait on it (the bug: an open that blocks the whole process, so
 * mocha's timeout cannot fire), a writer opens it a few seconds later, and again for every read after, and closes
 * it at once, so the read ends (and the test fails on what it says) instead of hanging the suite.
 */
function namedPipe(path: string): void {
  execFileSync('mkfifo', [path]);
  const fuse: ChildProcess = spawn('sh', ['-c', 'sleep 3; while :; do : >"$0"; done', path], { stdio: 'ignore' });
  running.push(() => fuse.kill());
}

/** A socket at `path`, bound by its name from its folder: a socket's path is limited to about 100 bytes. */
async function socket(path: string): Promise<void> {
  const server: Server = createServer();
  const cwd = process.cwd();
  process.chdir(dirname(path));
  try {
    await new Promise<void>((resolve) => server.listen(basename(path), resolve));
  } finally {
    process.chdir(cwd);
  }
  running.push(() => server.close());
}

function canMakeDevices(): boolean {
  const probe = join(tempDir(), 'null');
  try {
    execFileSync('mknod', [probe, 'c', '1', '3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const KINDS: Array<{ kind: string; make: (path: string) => void | Promise<void> }> = [
  { kind: 'a named pipe', make: namedPipe },
  { kind: 'a folder', make: (p) => mkdirSync(p) },
  { kind: 'a socket', make: socket },
  // A device node needs the right to make one (root); without it there is no such test.
  ...(canMakeDevices() ? [{ kind: 'a character device', make: (p: string) => void execFileSync('mknod', [p, 'c', '1', '3']) }] : []),
];

/** `path`'s file replaced by `make`. */
async function replace(path: string, make: (path: string) => void | Promise<void>): Promise<void> {
  rmSync(path);
  await make(path);
}

const damaged = (path: string, kind: string) => `Error: ${path} is ${kind}, not a file: the layout is damaged\n`;

for (const { kind, make } of KINDS) {
  describe(`a layout file that is ${kind}`, function () {
    this.timeout(10_000);

    it('in a layer blob\'s place: blob fetch, cp (to a layout and to a .tar) and pull name it, exit 1 and write nothing', async () => {
      const l = await layout();
      await replace(l.layerPath, make);
      const before = snapshot(l.dir);
      const out = tempDir();
      const said = damaged(l.layerPath, kind);

      const fetched = await runCli('blob', 'fetch', '--oci-layout', `${l.dir}@${l.layer.digest}`, '--output', join(out, 'out.bin'));
      assert.deepEqual([fetched.code, fetched.stdout, fetched.stderr], [1, '', said]);
      const copied = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${l.dir}:v1`, `${join(out, 'copy')}:v1`);
      assert.deepEqual([copied.code, copied.stderr], [1, said]);
      const archived = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${l.dir}:v1`, `${join(out, 'copy.tar')}:v1`);
      assert.deepEqual([archived.code, archived.stderr], [1, said]);
      const pulled = await runCli('pull', '--oci-layout', `${l.dir}:v1`, '-o', join(out, 'files'));
      assert.deepEqual([pulled.code, pulled.stderr], [1, said]);

      assert.equal(existsSync(join(out, 'copy', 'blobs', 'sha256', l.layer.digest.slice(7))), false);
      assert.deepEqual(readdirSync(out).filter((n) => n !== 'copy').sort(), existsSync(join(out, 'files')) ? ['files'] : []);
      if (existsSync(join(out, 'files'))) assert.deepEqual(readdirSync(join(out, 'files')), []);
      assert.deepEqual(snapshot(l.dir), before);
    });

    it('in a layer blob\'s place: the layout\'s export to a tar names it and writes no tar', async () => {
      const l = await layout();
      await replace(l.layerPath, make);
      const dest = join(tempDir(), 'out.tar');
      await assert.rejects(writeLayoutTar(l.dir, dest), (err: Error) => (assert.equal(`Error: ${err.message}\n`, damaged(l.layerPath, kind)), true));
      assert.equal(existsSync(dest), false);
    });

    it('in a manifest blob\'s place: manifest fetch, tag and prune name it, exit 1 and change nothing', async () => {
      const l = await layout();
      await replace(l.manifestPath, make);
      const before = snapshot(l.dir);
      const said = damaged(l.manifestPath, kind);
      const fetched = await runCli('manifest', 'fetch', '--oci-layout', `${l.dir}:v1`);
      assert.deepEqual([fetched.code, fetched.stdout, fetched.stderr], [1, '', said]);
      const tagged = await runCli('tag', '--oci-layout', `${l.dir}:v1`, 'v2');
      assert.deepEqual([tagged.code, tagged.stderr], [1, said]);
      const pruned = await runCli('prune', '--oci-layout', l.dir, '--grace', '0s');
      assert.deepEqual(
        [pruned.code, pruned.stdout, pruned.stderr],
        [1, '', `Error: prune: ${said.slice('Error: '.length, -1)}; what it references cannot be told, so nothing is removed: restore it or remove what names it, then prune\n`],
      );
      assert.deepEqual(snapshot(l.dir), before);
    });

    it('in one manifest blob\'s place: repo tags and discover list what they can read and name it on stderr, exit 1', async () => {
      const l = await layout();
      const store = await OciLayoutStore.open(l.dir);
      const other = await makeArtifact(store, { artifactType: 'application/vnd.other', content: 'other\n' });
      await store.tag(other, 'v2');
      await replace(l.manifestPath, make);
      const said = damaged(l.manifestPath, kind).slice('Error: '.length);
      const tags = await runCli('repo', 'tags', '--oci-layout', l.dir);
      assert.deepEqual([tags.code, tags.stderr], [1, `Error: tag "v1": ${said}`]);
      assert.deepEqual(tags.stdout.split('\n').slice(1, 3).map((row) => row.split(/\s+/).slice(0, 3)), [
        ['v1', l.art.digest, 'unknown'],
        ['v2', other.digest, 'artifact'],
      ]);
      const discovered = await runCli('discover', '--oci-layout', `${l.dir}:v2`);
      assert.deepEqual(
        [discovered.code, discovered.stdout, discovered.stderr],
        [1, `${l.dir}@${other.digest}\n`, `Error: ${join(l.dir, 'index.json')}: manifests[0] (tag "v1"): manifest unreadable: ${said}`],
      );
    });

    it('in index.json\'s place: repo tags, tag and prune name it, exit 1 and change nothing', async () => {
      const l = await layout();
      const index = join(l.dir, 'index.json');
      await replace(index, make);
      const before = snapshot(l.dir);
      for (const argv of [
        ['repo', 'tags', '--oci-layout', l.dir],
        ['tag', '--oci-layout', `${l.dir}@${l.art.digest}`, 'v2'],
        ['prune', '--oci-layout', l.dir, '--grace', '0s'],
      ]) {
        const r = await runCli(...argv);
        assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', damaged(index, kind)], argv.join(' '));
      }
      assert.deepEqual(snapshot(l.dir), before);
    });

    it('in oci-layout\'s place: repo tags and tag name it, exit 1 and change nothing', async () => {
      const l = await layout();
      const file = join(l.dir, 'oci-layout');
      await replace(file, make);
      const before = snapshot(l.dir);
      for (const argv of [['repo', 'tags', '--oci-layout', l.dir], ['tag', '--oci-layout', `${l.dir}:v1`, 'v2']]) {
        const r = await runCli(...argv);
        assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', damaged(file, kind)], argv.join(' '));
      }
      assert.deepEqual(snapshot(l.dir), before);
    });

    if (kind === 'a folder') {
      it('in the place of a blob being pushed: blob push and cp name the folder, exit 1, and leave it and index.json as they were', async () => {
        const l = await layerOnly();
        const source = await layout();
        await replace(l.layerPath, make);
        writeFileSync(join(l.layerPath, 'kept'), 'a file of the user\'s\n');
        const before = snapshot(l.dir);
        const file = join(tempDir(), 'hello.txt');
        writeFileSync(file, LAYER);
        const said = damaged(l.layerPath, kind);
        const pushed = await runCli('blob', 'push', '--oci-layout', l.dir, file);
        assert.deepEqual([pushed.code, pushed.stderr], [1, said]);
        const copied = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${source.dir}:v1`, `${l.dir}:v2`);
        assert.deepEqual([copied.code, copied.stderr], [1, said]);
        assert.deepEqual(snapshot(l.dir), before);
      });
    } else {
      it('in the place of a blob being pushed: blob push and cp store the blob in its place (the name is replaced, nothing written into it)', async () => {
        for (const how of ['blob push', 'cp']) {
          const l = await layerOnly();
          const source = await layout();
          await replace(l.layerPath, make);
          const file = join(tempDir(), 'hello.txt');
          writeFileSync(file, LAYER);
          const r = how === 'cp'
            ? await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${source.dir}:v1`, `${l.dir}:v2`)
            : await runCli('blob', 'push', '--oci-layout', l.dir, file);
          assert.deepEqual([r.code, r.stderr], [0, ''], how);
          assert.ok(lstatSync(l.layerPath).isFile(), how);
          assert.equal(readFileSync(l.layerPath, 'utf8'), LAYER, how);
        }
      });
    }
  });
}

describe('a layout whose index.json lock file is a named pipe', function () {
  this.timeout(10_000);
  it('tag names it, exit 1, and changes nothing (it does not wait on the pipe)', async () => {
    const l = await layout();
    const lock = join(l.dir, 'index.json.lock');
    namedPipe(lock);
    const before = snapshot(l.dir);
    const r = await runCli('tag', '--oci-layout', `${l.dir}:v1`, 'v2');
    assert.deepEqual([r.code, r.stderr], [1, damaged(lock, 'a named pipe')]);
    assert.deepEqual(snapshot(l.dir), before);
  });
});

describe('a layout whose blob file is a symbolic link', function () {
  this.timeout(10_000);

  it('to a file outside the layout (even one with the right bytes): blob fetch, cp and pull refuse it, naming the link and where it points', async () => {
    const l = await layout();
    const outside = join(tempDir(), 'private.txt');
    writeFileSync(outside, LAYER);
    rmSync(l.layerPath);
    symlinkSync(outside, l.layerPath);
    const before = snapshot(l.dir);
    const out = tempDir();
    const said = `Error: ${l.layerPath} is a symbolic link to ${outside}, outside the layout: Manifold reads a layout's files only inside it\n`;
    const fetched = await runCli('blob', 'fetch', '--oci-layout', `${l.dir}@${l.layer.digest}`, '--output', join(out, 'out.bin'));
    assert.deepEqual([fetched.code, fetched.stdout, fetched.stderr], [1, '', said]);
    const copied = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${l.dir}:v1`, `${join(out, 'copy')}:v1`);
    assert.deepEqual([copied.code, copied.stderr], [1, said]);
    const pulled = await runCli('pull', '--oci-layout', `${l.dir}:v1`, '-o', join(out, 'files'));
    assert.deepEqual([pulled.code, pulled.stderr], [1, said]);
    await assert.rejects(writeLayoutTar(l.dir, join(out, 'out.tar')), (err: Error) => (assert.equal(`Error: ${err.message}\n`, said), true));
    assert.equal(existsSync(join(out, 'copy', 'blobs', 'sha256', l.layer.digest.slice(7))), false);
    assert.equal(existsSync(join(out, 'out.bin')), false);
    assert.equal(existsSync(join(out, 'out.tar')), false);
    assert.deepEqual(snapshot(l.dir), before);
    assert.equal(readFileSync(outside, 'utf8'), LAYER);
  });

  it('to a file inside the layout (as debuerreotype writes them): read through, by blob fetch, cp and the export to a tar', async () => {
    const l = await layout();
    writeFileSync(join(l.dir, 'blobs', 'hello.txt'), LAYER);
    rmSync(l.layerPath);
    symlinkSync('../hello.txt', l.layerPath);
    const out = tempDir();
    const fetched = await runCli('blob', 'fetch', '--oci-layout', `${l.dir}@${l.layer.digest}`, '--output', join(out, 'out.bin'));
    assert.deepEqual([fetched.code, fetched.stderr], [0, '']);
    assert.equal(readFileSync(join(out, 'out.bin'), 'utf8'), LAYER);
    const copied = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${l.dir}:v1`, `${join(out, 'copy')}:v1`);
    assert.deepEqual([copied.code, copied.stderr], [0, '']);
    assert.equal(readFileSync(join(out, 'copy', 'blobs', 'sha256', l.layer.digest.slice(7)), 'utf8'), LAYER);
    const tar = await writeLayoutTar(l.dir, join(out, 'out.tar'));
    assert.ok(tar.entries.includes(`blobs/sha256/${l.layer.digest.slice(7)}`));
    const listed = await runCli('blob', 'fetch', '--oci-layout', `${join(out, 'out.tar')}@${l.layer.digest}`, '--output', join(out, 'from-tar.bin'));
    assert.deepEqual([listed.code, listed.stderr], [0, '']);
    assert.equal(readFileSync(join(out, 'from-tar.bin'), 'utf8'), LAYER);
  });

  it('to a named pipe inside the layout: refused as a named pipe, without waiting on it', async () => {
    const l = await layout();
    namedPipe(join(l.dir, 'blobs', 'pipe'));
    rmSync(l.layerPath);
    symlinkSync('../pipe', l.layerPath);
    const r = await runCli('blob', 'fetch', '--oci-layout', `${l.dir}@${l.layer.digest}`, '--output', join(tempDir(), 'out.bin'));
    assert.deepEqual([r.code, r.stderr], [1, damaged(l.layerPath, 'a named pipe')]);
  });

  it('to itself: blob fetch says it loops', async () => {
    const l = await layout();
    rmSync(l.layerPath);
    symlinkSync(l.layer.digest.slice(7), l.layerPath);
    const r = await runCli('blob', 'fetch', '--oci-layout', `${l.dir}@${l.layer.digest}`, '--output', join(tempDir(), 'out.bin'));
    assert.deepEqual([r.code, r.stderr], [1, `Error: ${l.layerPath} is a symbolic link that loops: the layout is damaged\n`]);
  });

  it('index.json a link to itself: repo tags and tag say it loops, and change nothing', async () => {
    const l = await layout();
    const index = join(l.dir, 'index.json');
    rmSync(index);
    symlinkSync('index.json', index);
    const before = snapshot(l.dir);
    for (const argv of [['repo', 'tags', '--oci-layout', l.dir], ['tag', '--oci-layout', `${l.dir}@${l.art.digest}`, 'v2']]) {
      const r = await runCli(...argv);
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `Error: ${index} is a symbolic link that loops: the layout is damaged\n`], argv.join(' '));
    }
    assert.deepEqual(snapshot(l.dir), before);
  });

  it('out of the layout, where a blob is pushed: the link is replaced by the blob, and the file it named is left alone', async () => {
    const l = await layout();
    const outside = join(tempDir(), 'private.txt');
    writeFileSync(outside, 'not yours\n');
    rmSync(l.layerPath);
    symlinkSync(outside, l.layerPath);
    const file = join(tempDir(), 'hello.txt');
    writeFileSync(file, LAYER);
    const r = await runCli('blob', 'push', '--oci-layout', l.dir, file);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    assert.ok(lstatSync(l.layerPath).isFile());
    assert.equal(readFileSync(l.layerPath, 'utf8'), LAYER);
    assert.equal(readFileSync(outside, 'utf8'), 'not yours\n');
  });
});
