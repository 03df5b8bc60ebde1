// A reader that stops reading (`manifold blob fetch ... --output - | head -c 10`): the command stops as cat or a Go
// tool does (exit 141, 128 + SIGPIPE) without an "Error: write EPIPE" about output nobody wants.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ANNOTATION_REF_NAME } from '../../src/oci/descriptor';
import { encodeIndexJson } from '../../src/oci/layout';
import { cleanupTemps, makeImage, newLayout, pushBlob, tempDir } from './builders';

const MAIN = resolve(__dirname, '../../src/cli/main.ts');

describe('output into a pipe whose reader goes away', () => {
  after(cleanupTemps);

  it('blob fetch --output - stops quietly with exit 141 once the reader has closed the pipe', async function () {
    this.timeout(60_000);
    const store = await newLayout();
    // Far more than a pipe holds (64 KiB), so the writes go on after the reader left.
    const blob = await pushBlob(store, randomBytes(8 << 20));
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'blob', 'fetch', '--oci-layout', `${store.location}@${blob.digest}`, '--output', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let got = 0;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', (d: Buffer) => {
      got = d.length;
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    assert.ok(got > 0);
    assert.deepEqual({ code, stderr }, { code: 141, stderr: '' });
  });

  /** A layout whose `repo tags` listing (3,000 tags, ~300 KB) is far more than a pipe holds. */
  async function manyTags(): Promise<string> {
    const store = await newLayout();
    const image = await makeImage(store);
    const manifests = Array.from({ length: 3000 }, (_, i) => ({ mediaType: image.mediaType, digest: image.digest, size: image.size, annotations: { [ANNOTATION_REF_NAME]: `tag-${i}` } }));
    writeFileSync(join(store.location, 'index.json'), encodeIndexJson({ schemaVersion: 2, manifests }));
    return store.location;
  }

  it('repo tags stops quietly with exit 141 once the reader has closed the pipe', async function () {
    this.timeout(60_000);
    const layout = await manyTags();
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'repo', 'tags', '--oci-layout', layout], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString();
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    assert.match(first, /^TAG +DIGEST/);
    // Before: "Error: write EPIPE ... Unhandled 'error' event", exit 1.
    assert.deepEqual({ code, stderr }, { code: 141, stderr: '' });
  });

  it('prints the same into a file as into a pipe', async function () {
    this.timeout(60_000);
    const layout = await manyTags();
    const args = ['--import', 'tsx', MAIN, 'repo', 'tags', '--oci-layout', layout];
    const piped = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
    const file = join(tempDir(), 'tags.txt');
    const fd = openSync(file, 'w');
    try {
      const written = spawnSync(process.execPath, args, { stdio: ['ignore', fd, 'pipe'] });
      assert.equal(written.status, 0, String(written.stderr));
    } finally {
      closeSync(fd);
    }
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(piped.stdout.split('\n').length, 3002);
    assert.equal(readFileSync(file, 'utf8'), piped.stdout);
  });

  it('a non-blocking output that fills up (a slow reader) still gets every byte, in order', async function () {
    this.timeout(60_000);
    const layout = await manyTags();
    const args = ['--import', 'tsx', MAIN, 'repo', 'tags', '--oci-layout', layout];
    const expected = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 << 20 }).stdout;
    // A parent may hand over a non-blocking pipe: writes to it fail with EAGAIN once it is full.
    const nonBlocking = 'import fcntl, os, sys; fcntl.fcntl(1, fcntl.F_SETFL, fcntl.fcntl(1, fcntl.F_GETFL) | os.O_NONBLOCK); os.execv(sys.argv[1], sys.argv[1:])';
    const child = spawn('python3', ['-c', nonBlocking, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 3000)); // the child fills the pipe meanwhile
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stdout.resume();
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    assert.deepEqual({ code, stderr }, { code: 0, stderr: '' });
    assert.equal(Buffer.concat(chunks).toString('utf8'), expected);
    assert.ok(expected.length > 256 << 10, 'more than a pipe holds');
  });
});
