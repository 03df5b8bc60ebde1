// backup and restore against the in-repo registry, which has the referrers API (the real registry's tests, without
// it, are test/integration/backupRestore.test.ts), and the errors said before anything is written.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { shortDigest } from '../../src/oci/reference';
import { cosignTag } from '../../src/oci/referrers';
import { startOciServer, type OciServer } from '../integration/support';
import { makeFixture, type Fixture } from '../helpers/exampleRuns';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, newLayout } from './builders';

const pick = ({ copied, bytes }: { copied: number; bytes: number }) => ({ copied, bytes });

describe('backup and restore (registry with the referrers API)', function () {
  this.timeout(60_000);
  let fixture: Fixture;
  let server: OciServer;
  before(async () => {
    fixture = await makeFixture();
    server = await startOciServer();
    for (const tag of ['v1', 'v2']) {
      const r = await runCli('cp', '-r', '--from-oci-layout', join(fixture.dir, `layout:${tag}`), `${server.host}/app:${tag}`, '--plain-http');
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    await server.stop();
    cleanupTemps();
  });

  it('a backup restored to another repository gives its tags, digests and referrers back, found through the API', async () => {
    const out = join(fixture.dir, 'api-backup');
    const backup = await runCli('backup', '-o', out, `${server.host}/app`, '--include-referrers', '--plain-http', '--format', 'json');
    assert.equal(backup.code, 0, backup.stderr);
    const made = JSON.parse(backup.stdout) as { tags: Array<{ tag: string; digest: string; referrers: number }>; referrers: number; tar: null };
    // v1's index is signed and attested (cosign's .sig and .att tags, which cp -r carried to the registry): tags of the repository too.
    const sig = cosignTag(fixture.v1.digest, 'sig');
    const att = cosignTag(fixture.v1.digest, 'att');
    assert.deepEqual(made.tags.map((t) => [t.tag, t.referrers]), [[att, 0], [sig, 0], ['v1', 2], ['v2', 1]]);
    assert.equal(made.tar, null);
    const restore = await runCli('restore', '--input', out, `${server.host}/copy`, '--plain-http', '--format', 'json');
    assert.equal(restore.code, 0, restore.stderr);
    const pushed = JSON.parse(restore.stdout) as { repository: string; tags: Array<{ tag: string; digest: string; referrers: number }>; referrers: number };
    assert.equal(pushed.repository, `${server.host}/copy`);
    assert.deepEqual(pushed.tags, made.tags);
    assert.equal(pushed.referrers, 2);
    const copy = server.repo('copy');
    assert.deepEqual([...copy.tags.keys()].sort(), [att, sig, 'v1', 'v2'], 'with the API, no fallback tag is written');
    for (const t of made.tags) assert.equal(copy.tags.get(t.tag), t.digest);
    for (const [digest, m] of server.repo('app').manifests) assert.deepEqual(copy.manifests.get(digest)?.bytes, m.bytes, `${digest}: the same bytes`);
  });

  it('restore says each blob and manifest pushed once though tags restored at once share them, and nothing pushed again', async () => {
    const layout = await newLayout();
    const shared = await makeImage(layout, { arch: 'amd64' });
    for (let i = 0; i < 4; i++) await layout.tag(await makeIndex(layout, [shared, await makeImage(layout, { arch: `arm${i}` })]), `v${i}`);
    const hexes = readdirSync(join(layout.location, 'blobs', 'sha256'));
    const bytes = hexes.reduce((n, hex) => n + statSync(join(layout.location, 'blobs', 'sha256', hex)).size, 0);
    const restore = (repo: string, ...more: string[]) => runCli('restore', '--input', layout.location, `${server.host}/${repo}`, '--plain-http', '--concurrency', '4', ...more);
    const first = await restore('shared-json', '--format', 'json');
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(pick(JSON.parse(first.stdout)), { copied: hexes.length, bytes });
    const again = await restore('shared-json', '--format', 'json');
    assert.deepEqual(pick(JSON.parse(again.stdout)), { copied: 0, bytes: 0 });
    // The lines, as oras prints them: each pushed once; a copy that waited for another's push says it exists.
    const text = await restore('shared-text');
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n').filter((l) => /^(Copied|Mounted) /.test(l));
    assert.deepEqual(lines.map((l) => l.split(/\s+/)[1]).sort(), hexes.map((hex) => shortDigest(`sha256:${hex}`)).sort());
  });

  it('restore of a tag the backup lacks names the backup and the tag, and pushes nothing', async () => {
    const before = server.requests.length;
    const r = await runCli('restore', '--input', join(fixture.dir, 'layout'), `${server.host}/none:v1,v7`, '--plain-http');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /layout: no tag v7 to copy/);
    assert.equal(server.requests.slice(before).filter((q) => q.method === 'PUT' || q.method === 'POST').length, 0);
  });

  it('a registry that cannot be reached is said as such, not as a missing tag, and nothing is written', async () => {
    const stopped = await startOciServer();
    await stopped.stop();
    const out = join(fixture.dir, 'unreached');
    const r = await runCli('backup', '-o', out, `${stopped.host}/app:v1`, '--plain-http', '--retries', '0');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ECONNREFUSED/);
    assert.doesNotMatch(r.stderr, /no tag/);
    assert.equal(existsSync(out), false);
  });

  it('--output and --input are required, and a repository without tags backs up nothing', async () => {
    const noOutput = await runCli('backup', `${server.host}/app`, '--plain-http');
    assert.equal(noOutput.code, 1);
    assert.match(noOutput.stderr, /--output is required/);
    const noInput = await runCli('restore', `${server.host}/app`, '--plain-http');
    assert.match(noInput.stderr, /--input is required/);
    const out = join(fixture.dir, 'empty-backup');
    const empty = await runCli('backup', '-o', out, `${server.host}/nothing-here`, '--plain-http');
    assert.equal(empty.code, 1);
    assert.ok(!existsSync(join(out, 'index.json')) || !readFileSync(join(out, 'index.json'), 'utf8').includes('ref.name'));
    assert.match(empty.stderr, /nothing-here/);
  });
});
