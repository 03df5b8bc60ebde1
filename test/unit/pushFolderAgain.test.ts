import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pushArtifact, type PushArtifactOptions } from '../../src/oci/artifacts/push';
import { pullArtifact } from '../../src/oci/artifacts/pull';
import { packDirectory } from '../../src/oci/artifacts/files';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { OciLayoutStore } from '../../src/oci/layout';
import type { Target } from '../../src/oci/target';
import { startOciServer, type OciServer, type OciServerOptions, type RecordedRequest } from '../integration/support';
import { builtCli } from '../helpers/layoutStress';
import { cleanupTemps, folderSnapshot, tempDir } from './builders';

/**
 * A folder pushed to a registry is packed once into a private temp file while hashed, as oras-go does, so the
 * registry is asked first (HEAD) and a folder it holds is not sent again; the temp file is what is sent, and it is
 * gone afterwards, whether the push worked, failed or was stopped. A layout still takes the folder straight.
 */
describe('push of a folder: packed first, sent only when missing', () => {
  let server: OciServer;
  let hold: OciServerOptions['hold'];
  let tmp: string;
  let savedTmp: string | undefined;
  after(cleanupTemps);

  beforeEach(async () => {
    hold = undefined;
    server = await startOciServer({ hold: (r) => hold?.(r) });
    // The OS temp folder, this test's own: what push leaves in it is seen (the tests' own folders have another prefix).
    savedTmp = process.env.TMPDIR;
    tmp = tempDir('manifold-tmpdir-');
    process.env.TMPDIR = tmp;
  });
  afterEach(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await server.stop();
  });

  const repository = (name = 'folders') => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), name);
  const now = () => new Date('2026-12-06T00:00:00Z');
  const push = (target: Target, options: PushArtifactOptions) => pushArtifact(target, { disablePathValidation: true, now, ...options });
  const blobWrites = (requests: RecordedRequest[]) => requests.filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method) && r.path.includes('/blobs/'));
  const tempCopies = () => readdirSync(tmp).filter((n) => n.startsWith('manifold-push-'));

  /** docs/ with a few files, a sub-folder, a link and a 3 MiB file (more than a read or a gzip chunk). */
  function folder(): string {
    const root = join(tempDir(), 'docs');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'readme.md'), '# docs\n');
    writeFileSync(join(root, 'sub', 'x.txt'), 'x\n');
    writeFileSync(join(root, 'big.bin'), randomBytes(3 << 20));
    return root;
  }

  it('pushed again unchanged, the folder is not sent (no POST, PATCH or PUT of a blob); it pulls back as it was', async () => {
    const docs = folder();
    const files = [{ path: docs, title: 'docs' }];
    const first = await push(repository(), { tags: ['v1'], files });
    assert.equal(blobWrites(server.requests).length > 0, true, 'the first push sends it');
    const before = server.requests.length;
    const again = await push(repository(), { tags: ['v2'], files });
    const made = server.requests.slice(before);
    assert.deepEqual(blobWrites(made), [], 'no upload');
    assert.equal(made.filter((r) => r.method === 'HEAD' && r.path.includes('/blobs/')).length, 2); // the folder, the config
    assert.equal(again.manifest.layers[0]!.digest, first.manifest.layers[0]!.digest);
    assert.equal(again.desc.digest, first.desc.digest);
    assert.deepEqual(tempCopies(), []);

    const out = tempDir();
    await pullArtifact(repository(), { reference: 'v2', output: out });
    assert.deepEqual(folderSnapshot(join(out, 'docs')), folderSnapshot(docs));
  });

  it('a folder changed since is sent again, once: only its new bytes are uploaded', async () => {
    const docs = folder();
    const files = [{ path: docs, title: 'docs' }];
    const first = await push(repository(), { tags: ['v1'], files });
    writeFileSync(join(docs, 'sub', 'x.txt'), 'x, changed\n');
    const before = server.requests.length;
    const again = await push(repository(), { tags: ['v2'], files });
    assert.notEqual(again.manifest.layers[0]!.digest, first.manifest.layers[0]!.digest);
    const puts = blobWrites(server.requests.slice(before)).filter((r) => r.method === 'PUT');
    assert.equal(puts.length, 1);
    assert.match(puts[0]!.path, new RegExp(`digest=${again.manifest.layers[0]!.digest.replace(':', '%3A')}`));
    const out = tempDir();
    await pullArtifact(repository(), { reference: 'v2', output: out });
    assert.deepEqual(folderSnapshot(join(out, 'docs')), folderSnapshot(docs));
  });

  it('the temp copy is private (0600 in a 0700 folder) while it is sent, and removed after', async () => {
    const docs = folder();
    let seen: { dir: number; file: number } | undefined;
    hold = ({ method, path }) => {
      if (method !== 'POST' || !path.endsWith('/blobs/uploads/') || seen) return undefined;
      const [dir] = tempCopies();
      const [file] = readdirSync(join(tmp, dir!));
      seen = { dir: statSync(join(tmp, dir!)).mode & 0o777, file: statSync(join(tmp, dir!, file!)).mode & 0o777 };
      return undefined;
    };
    await push(repository(), { tags: ['v1'], files: [{ path: docs, title: 'docs' }] });
    assert.deepEqual(seen, { dir: 0o700, file: 0o600 });
    assert.deepEqual(tempCopies(), []);
  });

  it('a file of the folder changed after it was packed: what was packed is sent, whole, under its own digest', async () => {
    const docs = folder();
    const files = [{ path: docs, title: 'docs' }];
    const packedBefore = folderSnapshot(docs);
    const reference = await push(repository('reference'), { tags: ['v1'], files });
    let changed = false;
    hold = ({ method, path }) => {
      if (method === 'POST' && path.endsWith('/blobs/uploads/') && !changed) {
        changed = true;
        appendFileSync(join(docs, 'readme.md'), 'written after the packing\n');
      }
      return undefined;
    };
    const r = await push(repository(), { tags: ['v1'], files });
    assert.equal(changed, true);
    assert.equal(r.manifest.layers[0]!.digest, reference.manifest.layers[0]!.digest);
    const out = tempDir();
    await pullArtifact(repository(), { reference: 'v1', output: out });
    assert.deepEqual(folderSnapshot(join(out, 'docs')), packedBefore);
  });

  it('stopped while the folder is packed: rejected, nothing sent or tagged, no temp copy left', async () => {
    const docs = folder();
    const stop = new AbortController();
    await assert.rejects(
      push(repository(), { tags: ['v1'], files: [{ path: docs, title: 'docs' }], signal: stop.signal, onRead: (p) => p.endsWith('big.bin') && stop.abort() }),
      (err: Error) => err.name === 'AbortError',
    );
    assert.deepEqual(tempCopies(), []);
    assert.deepEqual(blobWrites(server.requests), []);
    await assert.rejects(repository().resolve('v1'), /not found/);
  });

  it('stopped while the folder is sent: rejected, no temp copy left, not tagged', async () => {
    const docs = folder();
    const stop = new AbortController();
    let held = false;
    hold = ({ method, path }) => {
      if (!['PATCH', 'PUT'].includes(method) || !path.includes('/blobs/uploads/')) return undefined;
      held = true;
      assert.equal(tempCopies().length, 1, 'the copy is there while it is sent');
      stop.abort();
      return new Promise((resolve) => setTimeout(resolve, 50));
    };
    await assert.rejects(push(repository(), { tags: ['v1'], files: [{ path: docs, title: 'docs' }], signal: stop.signal }), (err: Error) => err.name === 'AbortError');
    assert.equal(held, true);
    assert.deepEqual(tempCopies(), []);
    await assert.rejects(repository().resolve('v1'), /not found/);
  });

  it('Ctrl-C while the folder is sent (the real CLI): it stops, says so, and leaves no temp copy', async function () {
    this.timeout(120_000);
    const cli = builtCli();
    const docs = folder();
    let sending = false;
    hold = ({ method, path }) => {
      if (!['PATCH', 'PUT'].includes(method) || !path.includes('/blobs/uploads/')) return undefined;
      sending = true;
      return new Promise<void>(() => {}); // a registry that stalls: the push waits with its copy made
    };
    const child = spawn(process.execPath, [cli, 'push', '--plain-http', '--disable-path-validation', `${server.host}/folders:v1`, docs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | string | null>((r) => child.once('exit', (code, signal) => r(code ?? signal)));
    for (let i = 0; i < 1200 && !sending; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(sending, true);
    assert.equal(tempCopies().length, 1, 'the copy is there while it is sent');
    child.kill('SIGINT');
    assert.equal(await exited, 1);
    assert.match(stderr, /^Error: .*cancelled\n$/);
    assert.deepEqual(tempCopies(), []);
  });

  it('a file changed while it is packed refuses the push, named, and leaves no temp copy', async () => {
    const docs = folder();
    let grown = false;
    const onRead = (p: string) => {
      if (!grown && p.endsWith('big.bin')) {
        grown = true;
        appendFileSync(p, 'more');
      }
    };
    await assert.rejects(push(repository(), { tags: ['v1'], files: [{ path: docs, title: 'docs' }], onRead }), /big\.bin: the file changed while it was read; nothing was pushed/);
    assert.deepEqual(tempCopies(), []);
    assert.deepEqual(blobWrites(server.requests), []);
  });

  it('to a layout, the folder is packed straight into the layout (no temp copy), and stored whole', async () => {
    const docs = folder();
    const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
    let copiesWhilePacked = -1;
    const onRead = (p: string) => {
      if (p.endsWith('big.bin')) copiesWhilePacked = Math.max(copiesWhilePacked, tempCopies().length);
    };
    await push(store, { tags: ['v1'], files: [{ path: docs, title: 'docs' }], onRead });
    assert.equal(copiesWhilePacked, 0);
    const out = tempDir();
    await pullArtifact(store, { reference: 'v1', output: out });
    assert.deepEqual(folderSnapshot(join(out, 'docs')), folderSnapshot(docs));
  });

  it('packing is deterministic: the same folder packs to the same bytes, a gzip header without a time, entries sorted', async () => {
    const docs = folder();
    writeFileSync(join(docs, 'B.txt'), 'upper case sorts first\n');
    const pack = async () => {
      const chunks: Buffer[] = [];
      for await (const c of packDirectory(docs, 'docs').stream) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    };
    const once = await pack();
    const twice = await pack();
    assert.deepEqual(twice, once);
    assert.deepEqual([...once.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]); // MTIME 0, OS unix
    const names = execFileSync('tar', ['-tz'], { input: once, encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(names, ['docs/', 'docs/B.txt', 'docs/big.bin', 'docs/readme.md', 'docs/sub/', 'docs/sub/x.txt']);
    const owners = execFileSync('tar', ['-tvz', '--numeric-owner'], { input: once, encoding: 'utf8' });
    for (const line of owners.trim().split('\n')) assert.match(line, /^\S+ 0\/0 /, line);
  });

  it('a temp folder that cannot be made refuses the push, naming it, before anything is sent', async () => {
    const docs = folder();
    process.env.TMPDIR = join(tmp, 'missing');
    await assert.rejects(push(repository(), { tags: ['v1'], files: [{ path: docs, title: 'docs' }] }), /cannot make a temp folder in .*missing \(the OS's temp folder, TMPDIR\): ENOENT/);
    assert.deepEqual(blobWrites(server.requests), []);
  });

  for (const kind of ['file', 'folder'] as const) {
    it(`stopped while a layout sets itself up, before it reads the ${kind}: rejected as stopped, no uncaught error`, async () => {
      const docs = folder();
      const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
      const stop = new AbortController();
      // A layout that takes its time before it reads (its lock): the push is stopped meanwhile, and the content
      // fails (and closes) before anyone reads it.
      const slow = new Proxy(store, {
        get(t, prop, receiver) {
          if (prop === 'stage') {
            return async (content: Readable, o?: object) => {
              const closed = new Promise((r) => content.once('close', r));
              stop.abort();
              await closed;
              return t.stage(content, o);
            };
          }
          const v = Reflect.get(t, prop, receiver);
          return typeof v === 'function' ? v.bind(t) : v;
        },
      }) as Target;
      const path = kind === 'file' ? join(docs, 'big.bin') : docs;
      await assert.rejects(push(slow, { tags: ['v1'], files: [{ path, title: kind }], signal: stop.signal }), (err: Error) => err.name === 'AbortError');
      await assert.rejects(store.resolve('v1'), /not found/);
    });
  }

  it('a layout that fails while it takes the packed folder: its error, at once (the packing does not wait for it)', async () => {
    const docs = folder();
    const store = await OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
    // A layout whose temp file fills up after the first chunk, as a full disk does.
    const full = new Proxy(store, {
      get(t, prop, receiver) {
        if (prop === 'stage') {
          return async (content: Readable) => {
            for await (const _ of content) break; // one chunk read, then the stream is destroyed
            throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' });
          };
        }
        const v = Reflect.get(t, prop, receiver);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    }) as Target;
    await assert.rejects(push(full, { tags: ['v1'], files: [{ path: docs, title: 'docs' }] }), /no space left on device/);
  });
});
