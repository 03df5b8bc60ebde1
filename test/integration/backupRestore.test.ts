// backup and restore (oras's grammar) against Debian's docker-registry (distribution 2.8: no referrers API, so
// referrers travel as sha256-<hex> fallback tags), with skopeo reading what a backup wrote.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignTag } from '../../src/oci/referrers';
import { makeFixture, type Fixture } from '../helpers/exampleRuns';
import { describeWithPeerLayouts, PEER_LAYOUTS } from '../helpers/peerLayouts';
import { runCli, type CliResult } from '../helpers/runCli';
import { cleanupTemps } from '../unit/builders';
import { hasDockerRegistry, launchRegistry, useEmptyDockerConfig, type LaunchedRegistry } from './support';

const skopeo = (...args: string[]) => execFileSync('skopeo', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function ok(r: CliResult, what: string): string {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  return r.stdout;
}

/** The tags index.json lists, sorted. */
function layoutTags(dir: string): string[] {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ annotations?: Record<string, string> }> };
  return index.manifests.flatMap((d) => d.annotations?.['org.opencontainers.image.ref.name'] ?? []).sort();
}

/** Every referrer digest discover finds under REF (recursively), sorted. */
async function referrerDigests(...ref: string[]): Promise<string[]> {
  type Node = { digest: string; referrers?: Node[]; manifests?: Node[] };
  const tree = JSON.parse(ok(await runCli('discover', ...ref, '--recursive', '--format', 'json', '--plain-http'), 'discover')) as Node;
  const out: string[] = [];
  const walk = (n: Node) => {
    for (const r of n.referrers ?? []) {
      out.push(r.digest);
      walk(r);
    }
    for (const m of n.manifests ?? []) walk(m);
  };
  walk(tree);
  return out.sort();
}

(hasDockerRegistry() ? describe : describe.skip)('backup and restore with a real registry', function () {
  this.timeout(180_000);
  useEmptyDockerConfig();
  let fixture: Fixture;
  let registry: LaunchedRegistry;
  let app: string;
  before(async () => {
    fixture = await makeFixture();
    registry = await launchRegistry();
    app = `${registry.host}/app`;
    // v1: a 4-platform index with a signature, and an SBOM on linux/amd64; v2: linux/amd64 and arm64 of it.
    for (const tag of ['v1', 'v2']) ok(await runCli('cp', '-r', '--from-oci-layout', join(fixture.dir, `layout:${tag}`), `${app}:${tag}`, '--plain-http'), `seed ${tag}`);
  });
  after(async () => {
    await registry.stop();
    cleanupTemps();
  });

  it('backs up every tag with its referrers into a folder: the registry fallback tags left out, the bytes the registry serves, read by skopeo', async () => {
    const out = join(fixture.dir, 'backup');
    const all = ok(await runCli('repo', 'tags', app, '--all', '--plain-http'), 'repo tags');
    assert.match(all, /sha256-[0-9a-f]{64}/, 'the registry holds fallback tags for the referrers');
    const stdout = ok(await runCli('backup', '--output', out, app, '--include-referrers', '--plain-http'), 'backup');
    // v1's cosign .att and .sig tags came with the seed's cp -r: tags of the repository, backed up as such.
    const sig = cosignTag(fixture.v1.digest, 'sig');
    const att = cosignTag(fixture.v1.digest, 'att');
    assert.match(stdout, new RegExp(`^Found 4 tag\\(s\\) in ${app}: ${att}, ${sig}, v1, v2$`, 'm'));
    assert.match(stdout, /^Pulled tag v1 with 2 referrer\(s\)$/m);
    assert.match(stdout, /^Pulled tag v2 with 1 referrer\(s\)$/m);
    assert.match(stdout, new RegExp(`^Successfully backed up 4 tag\\(s\\) from ${app} to ${out} in \\d+\\.\\ds$`, 'm'));
    assert.deepEqual(layoutTags(out), [att, sig, 'v1', 'v2']);
    for (const tag of ['v1', 'v2']) {
      const served = skopeo('inspect', '--raw', '--tls-verify=false', `docker://${app}:${tag}`);
      assert.equal(skopeo('inspect', '--raw', `oci:${out}:${tag}`), served, `${tag}: skopeo reads the registry's bytes from the backup`);
    }
    assert.deepEqual(await referrerDigests('--oci-layout', `${out}:v1`), await referrerDigests(`${app}:v1`));
    assert.equal((await referrerDigests('--oci-layout', `${out}:v1`)).length, 2);
    ok(await runCli('check', '--oci-layout', out), 'check of the backup');
  });

  it('backs up named tags into a layout tar: the same bytes twice, read by skopeo as oci-archive', async () => {
    const first = join(fixture.dir, 'one.tar');
    const second = join(fixture.dir, 'two.tar');
    const json = JSON.parse(ok(await runCli('backup', '-o', first, `${app}:v1,v2`, '--include-referrers', '--plain-http', '--format', 'json'), 'backup to tar')) as {
      repository: string;
      tags: Array<{ tag: string; referrers: number }>;
      referrers: number;
      tar: { size: number; digest: string };
    };
    assert.equal(json.repository, app);
    assert.deepEqual(json.tags.map((t) => [t.tag, t.referrers]), [['v1', 2], ['v2', 1]]);
    assert.equal(json.referrers, 2, 'the SBOM of linux/amd64 is one referrer, under both tags');
    assert.equal(json.tar.digest, `sha256:${sha256(first)}`);
    ok(await runCli('backup', '-o', second, `${app}:v1,v2`, '--include-referrers', '--plain-http'), 'second backup');
    assert.equal(sha256(second), sha256(first), 'a backup of the same content is the same tar');
    assert.equal(skopeo('inspect', '--raw', `oci-archive:${first}:v2`), skopeo('inspect', '--raw', '--tls-verify=false', `docker://${app}:v2`));
  });

  it('restores a backup to another repository: the same tags, digests and referrers; then nothing left to push', async () => {
    const out = join(fixture.dir, 'round');
    ok(await runCli('backup', '-o', out, app, '--include-referrers', '--plain-http'), 'backup');
    const copy = `${registry.host}/restored`;
    const stdout = ok(await runCli('restore', '--input', out, copy, '--plain-http'), 'restore');
    const [att, sig] = [cosignTag(fixture.v1.digest, 'att'), cosignTag(fixture.v1.digest, 'sig')];
    assert.match(stdout, new RegExp(`^Found 4 tag\\(s\\) in the backup: ${att}, ${sig}, v1, v2$`, 'm'));
    assert.match(stdout, /^Pushed tag v1 and 2 referrer\(s\)$/m);
    for (const tag of [att, sig, 'v1', 'v2']) {
      assert.equal(ok(await runCli('resolve', `${copy}:${tag}`, '--plain-http'), 'resolve'), ok(await runCli('resolve', `${app}:${tag}`, '--plain-http'), 'resolve'));
    }
    assert.deepEqual(await referrerDigests(`${copy}:v1`), await referrerDigests(`${app}:v1`));
    const again = ok(await runCli('restore', '--input', out, copy, '--plain-http', '--dry-run'), 'dry run');
    assert.match(again, /^Would push tag v1 and 2 referrer\(s\): nothing to push; \d+ there already$/m);
  });

  it('restore --dry-run of a tar pushes nothing, and says what it would', async () => {
    const dry = `${registry.host}/dry`;
    const stdout = ok(await runCli('restore', '--input', join(fixture.dir, 'transfer.tar'), `${dry}:v1`, '--plain-http', '--dry-run'), 'dry run');
    assert.match(stdout, /^Loaded backup archive: .*transfer\.tar \(\d+\.\d KiB\)$/m);
    assert.match(stdout, /^Would push tag v1 and 2 referrer\(s\): \d+ blob\(s\) and manifest\(s\) to push, \d+\.\d KiB; 0 there already$/m);
    const tags = await runCli('repo', 'tags', dry, '--plain-http');
    assert.notEqual(tags.code, 0, 'the repository was never made');
    assert.match(tags.stderr, /NAME_UNKNOWN|not found|unknown/i);
  });

  it('a damaged blob in the backup fails the restore before any tag is set, naming the blob', async () => {
    const damaged = join(fixture.dir, 'damaged');
    cpSync(join(fixture.dir, 'layout'), damaged, { recursive: true });
    // The layer of linux/amd64's image (in v1 and v2): one byte changed.
    const layer = join(damaged, 'blobs', 'sha256', fixture.layer.slice(7));
    const bytes = readFileSync(layer);
    bytes[0] = bytes[0]! ^ 1;
    writeFileSync(layer, bytes);
    const r = await runCli('restore', '--input', damaged, `${registry.host}/broken:v1,v2`, '--plain-http');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(fixture.layer.slice(7, 19)));
    const tags = await runCli('repo', 'tags', `${registry.host}/broken`, '--plain-http');
    assert.doesNotMatch(tags.stdout, /\bv[12]\b/, 'no tag was set');
  });

  it('a tag that is not there fails the backup naming it, before anything is written', async () => {
    const out = join(fixture.dir, 'never');
    const r = await runCli('backup', '-o', out, `${app}:v1,v9`, '--plain-http');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${app}: no tag v9 to copy`));
    assert.equal(existsSync(out), false);
    const digest = await runCli('backup', '-o', out, `${app}@${fixture.v1.digest}`, '--plain-http');
    assert.equal(digest.code, 1);
    assert.match(digest.stderr, /a digest names no tag to keep/);
  });

  it('backs up again into the same folder: a tag that moved at the registry moves in the backup, said on stderr', async () => {
    const out = join(fixture.dir, 'again');
    ok(await runCli('backup', '-o', out, `${app}:v1`, '--plain-http'), 'first backup');
    const moving = `${registry.host}/moving`;
    ok(await runCli('cp', '--from-oci-layout', join(fixture.dir, 'layout:v1'), `${moving}:v1`, '--plain-http'), 'seed');
    ok(await runCli('backup', '-o', out, `${moving}:v1`, '--plain-http'), 'same content');
    ok(await runCli('cp', '--from-oci-layout', join(fixture.dir, 'layout:v2'), `${moving}:v1`, '--plain-http'), 'move v1');
    const r = await runCli('backup', '-o', out, `${moving}:v1`, '--plain-http');
    ok(r, 'backup after the move');
    const v2 = ok(await runCli('resolve', '--oci-layout', join(fixture.dir, 'layout:v2')), 'resolve v2').trim();
    assert.match(r.stderr, new RegExp(`^moved v1 from ${fixture.v1.digest} to ${v2}$`, 'm'));
    assert.equal(ok(await runCli('resolve', '--oci-layout', `${out}:v1`), 'resolve').trim(), v2);
  });
});

(hasDockerRegistry() ? describeWithPeerLayouts : describe.skip)('restore and backup of the layouts oras and regclient wrote, with a real registry', () => {
  useEmptyDockerConfig();
  let registry: LaunchedRegistry;
  let work: Fixture;
  before(async () => {
    registry = await launchRegistry();
    work = await makeFixture();
  });
  after(async () => {
    await registry.stop();
    cleanupTemps();
  });

  for (const name of ['oras-images', 'oras-artifacts', 'regclient-testrepo']) {
    it(`${name}: restored to a registry and backed up again, every tag names the same digest and keeps its referrers`, async function () {
      this.timeout(180_000);
      // Node warns on stderr when one signal holds more than ten listeners: backing up 17 tags once did.
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      try {
        const repo = `${registry.host}/${name}`;
        const restored = JSON.parse(ok(await runCli('restore', '--input', join(PEER_LAYOUTS, name), repo, '--plain-http', '--format', 'json'), 'restore')) as { tags: Array<{ tag: string; digest: string; referrers: number }> };
        assert.ok(restored.tags.length >= 7, `${restored.tags.length} tags`);
        const out = join(work.dir, `${name}-again`);
        const backedUp = JSON.parse(ok(await runCli('backup', '-o', out, repo, '--include-referrers', '--plain-http', '--format', 'json'), 'backup')) as { tags: Array<{ tag: string; digest: string; referrers: number }> };
        assert.deepEqual(backedUp.tags, restored.tags, 'the same tags, digests and referrer counts');
        assert.deepEqual(layoutTags(out), restored.tags.map((t) => t.tag).sort());
        // Their test content has problems of its own (configs without rootfs): the backup has the same, no more.
        // (Which tag a problem is first met under depends on the order tags are walked: compared without it.)
        const checked = async (dir: string) => {
          const r = await runCli('check', '--oci-layout', dir, '--format', 'json');
          type Problem = { severity: string; code: string; digest: string; path: string; message: string };
          const report = JSON.parse(r.stdout) as { errors: number; warnings: number; checked: object; problems: Problem[] };
          const problems = report.problems.map((p) => [p.severity, p.code, p.digest, p.path, p.message].join(' ')).sort();
          return { errors: report.errors, warnings: report.warnings, problems };
        };
        assert.deepEqual(await checked(out), await checked(join(PEER_LAYOUTS, name)));
        // Every referrer under every tag, as the peer's layout has them (its sha256-<hex> indexes are not tags here).
        for (const { tag } of restored.tags) {
          assert.deepEqual(await referrerDigests('--oci-layout', `${out}:${tag}`), await referrerDigests('--oci-layout', `${join(PEER_LAYOUTS, name)}:${tag}`), tag);
        }
        assert.deepEqual(warnings, []);
      } finally {
        process.off('warning', onWarning);
      }
    });
  }
});
