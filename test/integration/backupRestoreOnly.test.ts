// backup, restore --only against Debian's docker-registry (distribution 2.8: referrers as sha256-<hex> fallback
// tags): v1 of the example layout has a Notary signature on its index, an SBOM on linux/amd64, and cosign's .sig and
// .att (a provenance) tags; "the images and their signatures" leaves the SBOM and the .att behind, and says so.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignTag } from '../../src/oci/referrers';
import { makeFixture, type Fixture } from '../helpers/exampleRuns';
import { runCli, type CliResult } from '../helpers/runCli';
import { cleanupTemps } from '../unit/builders';
import { hasDockerRegistry, launchRegistry, useEmptyDockerConfig, type LaunchedRegistry } from './support';

function ok(r: CliResult, what: string): string {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  return r.stdout;
}

/** The tags index.json lists, sorted. */
function layoutTags(dir: string): string[] {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ annotations?: Record<string, string> }> };
  return index.manifests.flatMap((d) => d.annotations?.['org.opencontainers.image.ref.name'] ?? []).sort();
}

/** Every referrer discover finds under REF (recursively): digest and artifact type. */
async function referrersOf(...ref: string[]): Promise<Array<{ digest: string; artifactType?: string }>> {
  type Node = { digest: string; artifactType?: string; referrers?: Node[]; manifests?: Node[] };
  const tree = JSON.parse(ok(await runCli('discover', ...ref, '--recursive', '--format', 'json', '--plain-http'), 'discover')) as Node;
  const out: Array<{ digest: string; artifactType?: string }> = [];
  const walk = (n: Node) => {
    for (const r of n.referrers ?? []) {
      out.push({ digest: r.digest, artifactType: r.artifactType });
      walk(r);
    }
    for (const m of n.manifests ?? []) walk(m);
  };
  walk(tree);
  return out.sort((a, b) => a.digest.localeCompare(b.digest));
}

const blobIn = (dir: string, digest: string) => existsSync(join(dir, 'blobs', ...digest.split(':')));

(hasDockerRegistry() ? describe : describe.skip)('backup and restore --only with a real registry', function () {
  this.timeout(180_000);
  useEmptyDockerConfig();
  let fixture: Fixture;
  let registry: LaunchedRegistry;
  let app: string;
  let signature: string;
  let sbom: string;
  let sig: string;
  let att: string;
  let attDigest: string;
  before(async () => {
    fixture = await makeFixture();
    registry = await launchRegistry();
    app = `${registry.host}/app`;
    ok(await runCli('cp', '-r', '--from-oci-layout', join(fixture.dir, 'layout:v1'), `${app}:v1`, '--plain-http'), 'seed v1');
    const found = await referrersOf(`${app}:v1`);
    signature = found.find((r) => r.artifactType === 'application/vnd.cncf.notary.signature')!.digest;
    sbom = found.find((r) => r.artifactType === 'application/spdx+json')!.digest;
    assert.equal(found.length, 2, 'a signature and an SBOM');
    sig = cosignTag(fixture.v1.digest, 'sig');
    att = cosignTag(fixture.v1.digest, 'att');
    attDigest = ok(await runCli('resolve', `${app}:${att}`, '--plain-http'), 'resolve .att').trim();
  });
  after(async () => {
    await registry.stop();
    cleanupTemps();
  });

  it('backup --only signature: the Notary signature and cosign\'s .sig tag; not the SBOM nor the .att (a provenance), said as left', async () => {
    const out = join(fixture.dir, 'signed');
    const stdout = ok(await runCli('backup', '-o', out, app, '--include-referrers', '--only', 'signature', '--plain-http'), 'backup');
    assert.match(stdout, new RegExp(`^Found 3 tag\\(s\\) in ${app}: ${att}, ${sig}, v1\ncosign's tags go as referrers under --only, not as tags: ${att}, ${sig}$`, 'm'));
    assert.match(stdout, new RegExp(`^Successfully backed up 1 tag\\(s\\) from ${app} to `, 'm'));
    assert.match(stdout, /^Pulled tag v1 with 1 referrer\(s\)$/m);
    assert.match(stdout, /^Left out by --only: 2, with what refers to them$/m);
    assert.match(stdout, new RegExp(`^  ${sbom} application/spdx\\+json$`, 'm'));
    assert.match(stdout, new RegExp(`^  ${attDigest} cosign tag ${att}$`, 'm'));
    assert.deepEqual(layoutTags(out), [sig, 'v1']);
    assert.deepEqual((await referrersOf('--oci-layout', `${out}:v1`)).map((r) => r.digest), [signature]);
    assert.ok(blobIn(out, signature));
    assert.ok(!blobIn(out, sbom), 'the SBOM is not in the backup');
    assert.ok(!blobIn(out, attDigest), "the .att tag's manifest is not in the backup");
  });

  it('backup --dry-run --only signature says what it would carry and leave, and writes nothing', async () => {
    const out = join(fixture.dir, 'dry');
    const j = JSON.parse(ok(await runCli('backup', '-o', out, app, '--include-referrers', '--only', 'signature', '--plain-http', '--dry-run', '--format', 'json'), 'dry run')) as {
      dryRun: boolean;
      tags: Array<{ tag: string; referrers: number; toPush: number; there: number }>;
      referrersLeft: Array<{ digest: string; tag: string | null }>;
    };
    assert.equal(j.dryRun, true);
    // cosign's tags are not backed up as tags of their own with --only: the .sig comes as v1's referrer.
    assert.deepEqual(j.tags.map((t) => [t.tag, t.referrers, t.there]), [['v1', 1, 0]]);
    assert.deepEqual(j.referrersLeft.map((l) => [l.digest, l.tag]).sort(), [[attDigest, att], [sbom, null]].sort());
    assert.ok(!existsSync(out), 'nothing written');
    const text = ok(await runCli('backup', '-o', out, `${app}:v1`, '--include-referrers', '--only', 'signature', '--plain-http', '--dry-run'), 'dry run');
    assert.match(text, /^Would pull tag v1 with 1 referrer\(s\): \d+ blob\(s\) and manifest\(s\) to pull, .+; 0 there already$/m);
    assert.match(text, /^Left out by --only: 2, with what refers to them$/m);
    assert.match(text, new RegExp(`^Dry run: nothing written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    // Into the folder of the first test's backup: everything there already.
    const again = ok(await runCli('backup', '-o', join(fixture.dir, 'signed'), `${app}:v1`, '--include-referrers', '--only', 'signature', '--plain-http', '--dry-run'), 'dry run again');
    assert.match(again, /^Would pull tag v1 with 1 referrer\(s\): nothing to pull; \d+ there already$/m);
  });

  it('restore --only signature of a whole backup: the registry gets v1, its signature and .sig tag; not the SBOM nor the .att', async () => {
    const out = join(fixture.dir, 'whole');
    ok(await runCli('backup', '-o', out, app, '--include-referrers', '--plain-http'), 'backup');
    assert.deepEqual(layoutTags(out), [att, sig, 'v1'].sort());
    const to = `${registry.host}/restored`;
    const dry = JSON.parse(ok(await runCli('restore', '--input', out, to, '--only', 'signature', '--plain-http', '--dry-run', '--format', 'json'), 'restore dry run')) as {
      tags: Array<{ tag: string; referrers: number }>;
      referrersLeft: Array<{ digest: string; tag: string | null }>;
    };
    assert.deepEqual(dry.tags.map((t) => [t.tag, t.referrers]), [['v1', 1]]);
    assert.deepEqual(dry.referrersLeft.map((l) => [l.digest, l.tag]).sort(), [[attDigest, att], [sbom, null]].sort());
    const stdout = ok(await runCli('restore', '--input', out, to, '--only', 'signature', '--plain-http'), 'restore');
    assert.match(stdout, /^Pushed tag v1 and 1 referrer\(s\)$/m);
    assert.match(stdout, /^Left out by --only: 2, with what refers to them$/m);
    assert.deepEqual((await referrersOf(`${to}:v1`)).map((r) => r.digest), [signature]);
    assert.equal(ok(await runCli('resolve', `${to}:${sig}`, '--plain-http'), 'resolve .sig'), ok(await runCli('resolve', `${app}:${sig}`, '--plain-http'), 'resolve .sig'));
    const tags = ok(await runCli('repo', 'tags', to, '--plain-http', '--format', 'text'), 'repo tags').trim().split('\n').sort();
    assert.deepEqual(tags, [sig, 'v1'].sort());
    for (const gone of [sbom, attDigest]) {
      const r = await runCli('manifest', 'fetch', `${to}@${gone}`, '--plain-http');
      assert.notEqual(r.code, 0, `${gone} is not at the registry`);
      assert.match(r.stderr, /not found|unknown/i);
    }
  });
});
