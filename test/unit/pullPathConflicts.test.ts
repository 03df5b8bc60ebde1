// pull of titles that cannot all be written: one layer's file is another's folder (`a` and `a/b`), or the output
// folder holds a file where a title needs a folder. Refused up front, naming both, with nothing written; it was a
// bare `EEXIST: file already exists, mkdir` after the first files were written.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputWriteError } from '../../src/oci/artifacts/blobContent';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, newLayout, pushBlob, pushManifest, tempDir } from './builders';

/** A layout tagging `v1`: an artifact with one layer per title, each holding `content of <title>`. */
async function makeArtifactWithTitles(titles: string[]): Promise<string> {
  const store = await newLayout();
  await pushBlob(store, EMPTY_JSON, MediaType.Empty);
  const layers = [];
  for (const title of titles) layers.push({ ...(await pushBlob(store, `content of ${title}\n`, 'text/plain')), annotations: { 'org.opencontainers.image.title': title } });
  const config = { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length };
  await store.tag(await pushManifest(store, { schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: 'application/vnd.test', config, layers }), 'v1');
  return store.location;
}

describe('pull: titles that need a file as a folder', () => {
  after(cleanupTemps);

  it('"one.txt" and "one.txt/inner" in one artifact: exit 1, both named, nothing written', async () => {
    const dir = await makeArtifactWithTitles(['one.txt', 'one.txt/inner']);
    const out = join(tempDir(), 'out');
    const r = await runCli('pull', '--oci-layout', `${dir}:v1`, '-o', out);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'Error: "one.txt/inner": another layer is the file "one.txt", which this path needs as a folder\n']);
    assert.equal(existsSync(out), false);
  });

  it('a file in the output folder where a title needs a folder: exit 1, named, no other file written, the file kept', async () => {
    const dir = await makeArtifactWithTitles(['first.txt', 'docs/readme.txt']);
    const out = tempDir();
    writeFileSync(join(out, 'docs'), 'mine\n');
    const r = await runCli('pull', '--oci-layout', `${dir}:v1`, '-o', out);
    assert.deepEqual([r.code, r.stdout], [1, '']);
    assert.equal(r.stderr, `Error: "docs/readme.txt": ${join(out, 'docs')} is a file, not a folder; move it away or pull into another folder\n`);
    assert.deepEqual(readdirSync(out), ['docs']);
    assert.equal(readFileSync(join(out, 'docs'), 'utf8'), 'mine\n');
  });

  it('-o naming a file (or a path through one): exit 1, said plainly, the file kept', async () => {
    const dir = await makeArtifactWithTitles(['first.txt']);
    const file = join(tempDir(), 'notes');
    writeFileSync(file, 'mine\n');
    const r = await runCli('pull', '--oci-layout', `${dir}:v1`, '-o', file);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `Error: ${file} is a file, not a folder; pull into another folder (-o)\n`]);
    assert.equal(readFileSync(file, 'utf8'), 'mine\n');
    const below = await runCli('pull', '--oci-layout', `${dir}:v1`, '-o', join(file, 'out'));
    assert.deepEqual([below.code, below.stderr], [1, `Error: ${join(file, 'out')}: a file stands where one of the folders of this path should be; pull into another folder (-o)\n`]);
    assert.equal(readFileSync(file, 'utf8'), 'mine\n');
  });

  it('titles in a folder that exists pull as before', async () => {
    const dir = await makeArtifactWithTitles(['docs/readme.txt', 'docs/more/notes.txt']);
    const out = tempDir();
    mkdirSync(join(out, 'docs'));
    const r = await runCli('pull', '--oci-layout', `${dir}:v1`, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(out, 'docs', 'readme.txt'), 'utf8'), `content of docs/readme.txt\n`);
    assert.equal(readFileSync(join(out, 'docs', 'more', 'notes.txt'), 'utf8'), `content of docs/more/notes.txt\n`);
  });
});

describe('blob fetch -o FOLDER', () => {
  it('is refused naming the folder, not with a rename of a temp name; the folder is untouched', async () => {
    const dir = await makeArtifactWithTitles(['first.txt']);
    const folder = tempDir();
    writeFileSync(join(folder, 'inside.txt'), 'mine\n');
    const digest = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
    const r = await runCli('blob', 'fetch', '--oci-layout', `${dir}@${digest}`, '-o', folder);
    assert.deepEqual([r.code, r.stderr], [1, `Error: cannot write ${folder}: it is a folder; name a file to write\n`]);
    assert.deepEqual(readdirSync(folder), ['inside.txt']);
  });
});

describe('pull: an output folder that cannot be written', () => {
  // As root (CI) no folder refuses a write, so the refusal Node gives an unprivileged user is built as Node builds it.
  const refusal = (code: string, syscall: string, path: string) => Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path, errno: -13 });

  it('names the file and the folder that refused it, not the temp name beside the file', () => {
    const e = outputWriteError(refusal('EACCES', 'open', '/out/.a.txt.manifold-partial-1-1'), '/out/a.txt') as Error;
    assert.equal(e.message, 'cannot write /out/a.txt: /out is not writable for this user (EACCES)');
    const m = outputWriteError(refusal('EACCES', 'mkdir', '/ro/sub'), '/ro/sub') as Error;
    assert.equal(m.message, 'cannot write /ro/sub: /ro is not writable for this user (EACCES)');
    assert.equal((outputWriteError(refusal('EROFS', 'open', '/mnt/.x.manifold-partial-1-2'), '/mnt/x') as Error).message, 'cannot write /mnt/x: the file system is read-only (EROFS)');
    assert.equal((outputWriteError(refusal('ENOSPC', 'write', '/d/.x.manifold-partial-1-3'), '/d/x') as Error).message, 'cannot write /d/x: no space left on device (ENOSPC)');
    const other = refusal('EIO', 'read', '/d/x');
    assert.equal(outputWriteError(other, '/d/x'), other);
  });
});
