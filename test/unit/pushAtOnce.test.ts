import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushArtifact, type PushArtifactOptions, type PushEvent } from '../../src/oci/artifacts/push';
import { attach } from '../../src/oci/referrers/attach';
import type { AttachFile } from '../../src/oci/referrers/attachFiles';
import { RegistryClient, RemoteRepository } from '../../src/oci/registry';
import { OciLayoutStore } from '../../src/oci/layout';
import type { Target } from '../../src/oci/target';
import { startOciServer, type OciServer } from '../integration/support';
import { cleanupTemps, folderSnapshot, tempDir } from './builders';
import { startHeldServer, type HeldServer } from './support/heldServer';

/**
 * push reads and sends its files a few at a time (3 by default, `--concurrency N`), as oras does. The manifest is
 * the same bytes as when they are sent one by one, a file given twice is stored once, and a file that cannot be
 * read refuses the push with nothing made visible, as before.
 */
describe('push: files sent at once', () => {
  let server: OciServer;
  let held: HeldServer;
  after(cleanupTemps);

  beforeEach(async () => {
    // Each upload's start (the POST that opens its session) takes 30 ms.
    held = await startHeldServer(({ method, path }) => method === 'POST' && path.endsWith('/blobs/uploads/'));
    server = held.server;
  });
  afterEach(() => server.stop());

  const repository = (name = 'files') => new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), name);
  const now = () => new Date('2026-12-06T00:00:00Z');
  // The files are given by absolute path, as the extension gives them (their titles are set).
  const push = (target: Target, options: PushArtifactOptions) => pushArtifact(target, { disablePathValidation: true, ...options });
  const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

  /** `n` files file-0.txt ... in a fresh folder, each with its own content. */
  function files(n: number, salt = '', dir = tempDir()): AttachFile[] {
    return Array.from({ length: n }, (_, i) => {
      const path = join(dir, `file-${i}.txt`);
      writeFileSync(path, `content of file ${i}${salt}\n`);
      return { path, title: `file-${i}.txt`, mediaType: 'text/plain' };
    });
  }

  it('sends three files at a time by default, and the manifest is the bytes of a push one by one', async () => {
    const given = files(9);
    const events: PushEvent[] = [];
    const atOnce = await push(repository(), { tags: ['v1'], files: given, now, onEvent: (e) => events.push(e) });
    assert.equal(held.peak, 3);
    held.peak = 0;
    // To another repository, so each file is sent again.
    const oneByOne = await push(repository('again'), { tags: ['v2'], files: given, now, concurrency: 1 });
    assert.equal(held.peak, 1);
    assert.equal(atOnce.raw.toString(), oneByOne.raw.toString());
    assert.deepEqual(atOnce.manifest.layers.map((l) => l.digest), given.map((_, i) => sha(`content of file ${i}\n`)));
    // Each file is in the registry under its digest, whole.
    const repo = repository();
    for (const [i, layer] of atOnce.manifest.layers.entries()) {
      assert.equal((await repo.fetchBytes(layer)).toString(), `content of file ${i}\n`);
    }
    const uploaded = events.filter((e) => e.type === 'uploaded').map((e) => e.name).sort();
    assert.deepEqual(uploaded, ['config', ...given.map((f) => f.title!)].sort());
  });

  it('--concurrency 6 sends six at a time', async () => {
    await push(repository(), { tags: ['v1'], files: files(8), now, concurrency: 6 });
    assert.equal(held.peak, 6);
  });

  it('two files of the same content are stored once, said once', async () => {
    const dir = tempDir();
    const same: AttachFile[] = ['a.txt', 'b.txt', 'c.txt'].map((name) => {
      writeFileSync(join(dir, name), 'the same bytes\n');
      return { path: join(dir, name), title: name, mediaType: 'text/plain' };
    });
    const events: PushEvent[] = [];
    const result = await push(repository(), { tags: ['v1'], files: same, now, onEvent: (e) => events.push(e) });
    const digest = sha('the same bytes\n');
    assert.deepEqual(result.manifest.layers.map((l) => l.digest), [digest, digest, digest]);
    const commits = server.requests.filter((r) => r.method === 'PUT' && r.path.includes(`digest=${encodeURIComponent(digest)}`));
    assert.equal(commits.length, 1);
    assert.equal(events.filter((e) => e.type === 'uploading' && e.desc.digest === digest).length, 1);
    // Hashed before anything is sent: one upload for the three (and the config's), no session opened and cancelled.
    assert.equal(server.requests.filter((r) => r.method === 'POST' && r.path.includes('/blobs/uploads/')).length, 2);
    assert.equal(server.requests.filter((r) => r.method === 'DELETE').length, 0);
  });

  it('pushed again unchanged, no file is sent: the registry is asked (HEAD) and holds each already, as oras does', async () => {
    const given = files(5);
    await push(repository(), { tags: ['v1'], files: given, now });
    const before = server.requests.length;
    const again = await push(repository(), { tags: ['v2'], files: given, now });
    const made = server.requests.slice(before);
    assert.deepEqual(made.filter((r) => r.path.includes('/blobs/uploads/')), [], 'no upload');
    assert.equal(made.filter((r) => r.method === 'HEAD' && r.path.includes('/blobs/')).length, 6); // 5 files and the config
    assert.equal((await repository().resolve('v2')).digest, again.desc.digest);
  });

  it('a file changed between its hash and its upload is refused, named, and nothing is tagged', async () => {
    const given = files(1);
    // The file changes once it is read (hashed): its upload's session is opened after that.
    await server.stop();
    server = await startOciServer({
      hold: ({ method, path }) => {
        if (method === 'POST' && path.endsWith('/blobs/uploads/')) writeFileSync(given[0]!.path, 'changed meanwhile\n');
        return undefined;
      },
    });
    await assert.rejects(push(repository(), { tags: ['v1'], files: given, now }), /file-0\.txt: the file changed while it was read; nothing was pushed/);
    await assert.rejects(repository().resolve('v1'), /not found/);
  });

  it('a file that cannot be read refuses the push: no blob, manifest or tag is visible in the registry', async () => {
    const given = files(6);
    given[3] = { ...given[3]!, path: join(tempDir(), 'missing.txt') };
    await assert.rejects(push(repository(), { tags: ['v1'], files: given, now }), /missing\.txt/);
    const repo = repository();
    for (const i of [0, 1, 2, 4, 5]) {
      const digest = sha(`content of file ${i}\n`);
      assert.equal(await repo.exists({ mediaType: 'text/plain', digest, size: `content of file ${i}\n`.length }), false, `file-${i}.txt`);
    }
    await assert.rejects(repo.resolve('v1'), /not found/);
  });

  it('in a layout: the same refusal leaves the layout as it was, no staged file behind', async () => {
    const dir = tempDir();
    const store = await OciLayoutStore.open(join(dir, 'layout'), { create: true });
    await push(store, { tags: ['before'], files: files(1), now });
    const before = folderSnapshot(join(dir, 'layout'));
    const given = files(6);
    given[3] = { ...given[3]!, path: join(dir, 'missing.txt') };
    await assert.rejects(push(store, { tags: ['v1'], files: given, now }), /missing\.txt/);
    assert.deepEqual(folderSnapshot(join(dir, 'layout')), before);
    // And a push that works stores each file whole, in the manifest's order.
    const ok = await push(store, { tags: ['v1'], files: files(6), now });
    for (const [i, layer] of ok.manifest.layers.entries()) assert.equal((await store.fetchBytes(layer)).toString(), `content of file ${i}\n`);
  });

  it('attach reads and sends its files three at a time too; --concurrency 1 one by one', async () => {
    const subject = await push(repository(), { tags: ['app'], files: files(1), now });
    held.peak = 0;
    const made = await attach(repository(), { subject: 'app', artifactType: 'application/vnd.example.sbom', files: files(7), now });
    assert.equal(held.peak, 3);
    held.peak = 0;
    await attach(repository(), { subject: 'app', artifactType: 'application/vnd.example.sbom', files: files(7, ' (other)'), now, concurrency: 1 });
    assert.equal(held.peak, 1);
    const repo = repository();
    assert.equal(made.artifacts[0]!.subject.digest, subject.desc.digest);
    for (const [i, layer] of made.artifacts[0]!.manifest.layers.entries()) assert.equal((await repo.fetchBytes(layer)).toString(), `content of file ${i}\n`);
  });
});
