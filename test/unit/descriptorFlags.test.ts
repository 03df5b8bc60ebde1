// oras's --descriptor on manifest delete (and manifest push), and --pretty wherever a descriptor is printed: the
// bytes printed are oras's (Go's field order; json.Indent's two spaces with --pretty), and what is deleted is gone.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MediaType } from '../../src/oci/mediaType';
import { startOciServer, useEmptyDockerConfig, type OciServer } from '../integration/support';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from './builders';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const oneLine = (mediaType: string, digest: string, size: number) => `{"mediaType":"${mediaType}","digest":"${digest}","size":${size}}\n`;
const pretty = (mediaType: string, digest: string, size: number) => `{\n  "mediaType": "${mediaType}",\n  "digest": "${digest}",\n  "size": ${size}\n}\n`;

describe('--descriptor and --pretty', () => {
  useEmptyDockerConfig();
  let server: OciServer;
  let dir: string;
  before(async () => {
    server = await startOciServer();
    dir = tempDir();
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });

  /** A manifest with the empty config pushed as `repo:tag` with `manifest push --descriptor`; its bytes. */
  async function pushManifest(repo: string, tag: string, note: string, ...flags: string[]) {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    assert.equal((await runCli('blob', 'push', `${server.host}/${repo}`, empty, '--plain-http')).code, 0);
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ImageManifest, artifactType: 'application/vnd.test', config: { mediaType: MediaType.Empty, digest: sha('{}'), size: 2 }, layers: [], annotations: { note } }));
    const file = join(dir, `${repo.replace(/\//g, '-')}-${tag}.json`);
    writeFileSync(file, bytes);
    const r = await runCli('manifest', 'push', `${server.host}/${repo}:${tag}`, file, '--plain-http', '--descriptor', ...flags);
    assert.equal(r.code, 0, r.stderr);
    return { bytes, out: r.stdout };
  }

  it('manifest push --descriptor prints only the descriptor; --pretty indents it', async () => {
    const plain = await pushManifest('d/push', 'v1', 'plain');
    assert.equal(plain.out, oneLine(MediaType.ImageManifest, sha(plain.bytes), plain.bytes.length));
    const indented = await pushManifest('d/push', 'v2', 'indented', '--pretty');
    assert.equal(indented.out, pretty(MediaType.ImageManifest, sha(indented.bytes), indented.bytes.length));
    assert.equal(server.repo('d/push').tags.get('v2'), sha(indented.bytes));
  });

  it('manifest delete --descriptor --force prints the descriptor of what it deleted, and it is gone', async () => {
    const { bytes } = await pushManifest('d/del', 'v1', 'to delete');
    const r = await runCli('manifest', 'delete', `${server.host}/d/del:v1`, '--plain-http', '--force', '--descriptor');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, oneLine(MediaType.ImageManifest, sha(bytes), bytes.length));
    assert.equal(server.repo('d/del').manifests.has(sha(bytes)), false);

    const second = await pushManifest('d/del', 'v2', 'pretty one');
    const p = await runCli('manifest', 'delete', `${server.host}/d/del@${sha(second.bytes)}`, '--plain-http', '--force', '--descriptor', '--pretty');
    assert.equal(p.stdout, pretty(MediaType.ImageManifest, sha(second.bytes), second.bytes.length));
    assert.equal(server.repo('d/del').manifests.has(sha(second.bytes)), false);
  });

  it('manifest delete --descriptor: needs --force, refuses --include-referrers, and a missing manifest is an error', async () => {
    const { bytes } = await pushManifest('d/keep', 'v1', 'kept');
    const noForce = await runCli('manifest', 'delete', `${server.host}/d/keep:v1`, '--plain-http', '--descriptor');
    assert.equal(noForce.code, 1);
    assert.match(noForce.stderr, /^Error: must apply --force to confirm the deletion if the descriptor is outputted\n/);
    const withPlan = await runCli('manifest', 'delete', `${server.host}/d/keep:v1`, '--plain-http', '--descriptor', '--force', '--include-referrers');
    assert.match(withPlan.stderr, /--descriptor cannot be used with --include-referrers/);
    assert.equal(server.repo('d/keep').manifests.has(sha(bytes)), true);
    const missing = await runCli('manifest', 'delete', `${server.host}/d/keep:nope`, '--plain-http', '--descriptor', '--force');
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /d\/keep:nope: not found/);
  });

  it('blob push, fetch and delete --pretty on a layout; the blob deleted is gone', async () => {
    const layout = join(dir, 'layout');
    const file = join(dir, 'hi.txt');
    writeFileSync(file, 'hi\n');
    const pushed = await runCli('blob', 'push', '--oci-layout', layout, file, '--descriptor', '--pretty');
    assert.equal(pushed.stdout, pretty(MediaType.ImageLayer, sha('hi\n'), 3));
    // A layout keeps no blob's media type: what it resolves says octet-stream.
    const fetched = await runCli('blob', 'fetch', '--oci-layout', `${layout}@${sha('hi\n')}`, '--descriptor', '--pretty');
    assert.equal(fetched.stdout, pretty('application/octet-stream', sha('hi\n'), 3));
    const deleted = await runCli('blob', 'delete', '--oci-layout', `${layout}@${sha('hi\n')}`, '--force', '--descriptor', '--pretty');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, pretty('application/octet-stream', sha('hi\n'), 3));
    const again = await runCli('blob', 'fetch', '--oci-layout', `${layout}@${sha('hi\n')}`, '--descriptor');
    assert.equal(again.code, 1);
  });

  it('blob delete --descriptor --pretty on a registry: the bytes and the blob gone', async () => {
    const file = join(dir, 'blob.txt');
    writeFileSync(file, 'blob\n');
    assert.equal((await runCli('blob', 'push', `${server.host}/d/blob`, file, '--plain-http')).code, 0);
    const r = await runCli('blob', 'delete', `${server.host}/d/blob@${sha('blob\n')}`, '--plain-http', '--force', '--descriptor', '--pretty');
    assert.equal(r.code, 0, r.stderr);
    // What the registry answered the HEAD with (this one says octet-stream, as Distribution does).
    assert.equal(r.stdout, pretty('application/octet-stream', sha('blob\n'), 5));
    assert.equal(server.repo('d/blob').blobs.has(sha('blob\n')), false);
  });

  it('manifest fetch-config --pretty indents the config, and its descriptor', async () => {
    const { store } = await makeMultiArchLayout();
    const ref = `${store.location}:multi`;
    const raw = await runCli('manifest', 'fetch-config', '--oci-layout', ref, '--platform', 'linux/arm64');
    assert.equal(raw.code, 0, raw.stderr);
    const indented = await runCli('manifest', 'fetch-config', '--oci-layout', ref, '--platform', 'linux/arm64', '--pretty');
    assert.equal(indented.stdout, JSON.stringify(JSON.parse(raw.stdout), null, 2) + '\n');
    const desc = await runCli('manifest', 'fetch-config', '--oci-layout', ref, '--platform', 'linux/arm64', '--descriptor', '--pretty');
    assert.equal(desc.stdout, pretty(MediaType.ImageConfig, sha(raw.stdout), Buffer.byteLength(raw.stdout)));
    // As oras: --descriptor with --output FILE writes the config there too; with --output - it is refused.
    const file = join(dir, 'config-out.json');
    const both = await runCli('manifest', 'fetch-config', '--oci-layout', ref, '--platform', 'linux/arm64', '--descriptor', '--output', file);
    assert.equal(both.code, 0, both.stderr);
    assert.equal(both.stdout, oneLine(MediaType.ImageConfig, sha(raw.stdout), Buffer.byteLength(raw.stdout)));
    assert.equal(readFileSync(file, 'utf8'), raw.stdout);
    const dash = await runCli('manifest', 'fetch-config', '--oci-layout', ref, '--platform', 'linux/arm64', '--descriptor', '--output', '-');
    assert.equal(dash.code, 1);
    assert.equal(dash.stdout, '');
    assert.match(dash.stderr, /^Error: --output - cannot be used with --descriptor at the same time\n/);
  });

  it('every command that prints a descriptor lists --pretty in its help', async () => {
    for (const words of [['blob', 'push'], ['blob', 'fetch'], ['blob', 'delete'], ['manifest', 'push'], ['manifest', 'delete'], ['manifest', 'fetch'], ['manifest', 'fetch-config']]) {
      assert.match((await runCli(...words, '--help')).stdout, /^ {6}--pretty +indent/m, words.join(' '));
    }
    assert.match((await runCli('manifest', 'delete', '--help')).stdout, /^ {6}--descriptor +print the descriptor of the manifest deleted/m);
  });
});
