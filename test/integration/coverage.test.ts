import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { referrerCoverage } from '../../src/oci/referrers';
import { OciLayoutStore } from '../../src/oci/layout';
import { copyPeerLayout, describeWithPeerLayouts } from '../helpers/peerLayouts';
import { runCli, runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from '../unit/builders';
import { makeReleaseLayout, type ReleaseLayout, short } from '../unit/coverageLayout';
import { makeSigned } from '../unit/signedCoverageLayout';
import { hasDockerRegistry, launchRegistry, type LaunchedRegistry, startOciServer, useEmptyDockerConfig } from './support';

type Artifact = { digest: string; kinds: string[]; other?: string; via: string[] };
type JsonRow = { label: string; digest: string; counts: Record<string, number>; artifacts: Artifact[] };

async function coverageJson(...args: string[]): Promise<{ code: number; rows: JsonRow[]; stderr: string }> {
  const r = await runCli('coverage', '--format', 'json', ...args);
  return { code: r.code, rows: r.code === 1 ? [] : (JSON.parse(r.stdout).manifests as JsonRow[]), stderr: r.stderr };
}

const brief = (rows: JsonRow[]) => rows.map((m) => [m.label, m.digest.slice(0, 19), m.artifacts.map((a) => [a.digest.slice(0, 19), a.kinds.join('+'), a.other ?? '', a.via.join('+')])]);

describeWithPeerLayouts('referrer coverage of the peer layouts', () => {
  const copies: Array<{ cleanup(): void }> = [];
  const open = (name: 'oras-artifacts' | 'regclient-testrepo') => {
    const c = copyPeerLayout(name);
    copies.push(c);
    return c.dir;
  };
  after(() => copies.forEach((c) => c.cleanup()));

  it("regclient's v1: the buildx children are attached to the platform they name, never rows of their own", async () => {
    const dir = open('regclient-testrepo');
    const r = await runCli('coverage', '--oci-layout', `${dir}:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'IMAGE                               SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE  OTHER',
        'index sha256:7ceb9b6bcc27...        -          -     -           -            -',
        'linux/amd64 sha256:1effc9d48232...  -          -     -           -            1',
        'linux/arm64 sha256:7e87ffc91b9c...  -          -     -           -            1',
        '',
      ].join('\n'),
    );
    const json = await coverageJson('--oci-layout', `${dir}:v1`);
    assert.deepEqual(brief(json.rows), [
      ['index', 'sha256:7ceb9b6bcc27', []],
      ['linux/amd64', 'sha256:1effc9d48232', [['sha256:43089316cfee', 'other', 'vnd.docker.reference.type=builder', 'buildx']]],
      // The arm64 builder entry also names arm64 as its subject, under a fallback tag: one artifact, found both ways.
      ['linux/arm64', 'sha256:7e87ffc91b9c', [['sha256:d91043439162', 'other', 'application/vnd.oci.image.config.v1+json', 'referrers+buildx']]],
    ]);
  });

  it("regclient's v2: referrers under fallback tags on the index and each platform", async () => {
    const dir = open('regclient-testrepo');
    const json = await coverageJson('--oci-layout', `${dir}:v2`, '--require', 'signature');
    assert.equal(json.code, 3);
    assert.deepEqual(brief(json.rows), [
      ['index', 'sha256:dfae8f425735', [['sha256:0484e93c23cd', 'other', 'application/example.sbom', 'referrers'], ['sha256:741132f956e1', 'other', 'application/example.signature', 'referrers']]],
      ['linux/amd64', 'sha256:ee378b79279b', [['sha256:30bc58e881e9', 'other', 'application/example.arms', 'referrers']]],
      ['linux/arm64', 'sha256:6bed79d0800a', [['sha256:25ecacb3ebf8', 'other', 'application/example.arms', 'referrers']]],
      ['linux/arm/v7', 'sha256:36ed7f4ec454', [['sha256:d2e2970e57e0', 'other', 'application/example.arms', 'referrers']]],
    ]);
    assert.equal(json.stderr.split('\n').filter((l) => l.startsWith('missing signature: ')).length, 3);
    // regclient's example types become kinds of the user's own.
    const kinds = `${tempDir()}/kinds.json`;
    writeFileSync(kinds, JSON.stringify([{ id: 'signature', artifactTypes: ['application/example.signature'] }, { id: 'arms', artifactTypes: ['application/example.arms'] }]));
    const r = await runCli('coverage', '--oci-layout', `${dir}:v2`, '--kinds', kinds, '--require', 'arms');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'IMAGE                                SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE  ARMS  OTHER',
        'index sha256:dfae8f425735...         1          -     -           -            -     1',
        'linux/amd64 sha256:ee378b79279b...   -          -     -           -            1     -',
        'linux/arm64 sha256:6bed79d0800a...   -          -     -           -            1     -',
        'linux/arm/v7 sha256:36ed7f4ec454...  -          -     -           -            1     -',
        '',
      ].join('\n'),
    );
  });

  it("regclient's loop (an index whose subject is its own child) ends where the index is met again", async () => {
    const store = await OciLayoutStore.open(open('regclient-testrepo'));
    const report = await referrerCoverage(store, 'loop');
    assert.deepEqual(
      report.rows.map((r) => [r.desc.digest.slice(0, 19), r.artifacts.map((a) => [a.digest.slice(0, 19), a.other])]),
      [
        ['sha256:d69399e05204', []],
        ['sha256:8e54c6754f08', [['sha256:d69399e05204', 'application/example.loop']]],
      ],
    );
  });

  it("oras's artifacts layout: referrers on the index (one of them an index) and on the linux/amd64 child", async () => {
    const dir = open('oras-artifacts');
    const json = await coverageJson('--oci-layout', `${dir}:multi`);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(brief(json.rows), [
      ['index', 'sha256:e2bfc9cc6a84', [['sha256:7679bc22c33b', 'other', 'application/vnd.oci.image.index.v1+json', 'referrers'], ['sha256:d37baf66300b', 'other', 'referrer/index', 'referrers']]],
      ['linux/amd64', 'sha256:9d84a5716c66', [['sha256:c5e00045954a', 'other', 'referrer/image', 'referrers']]],
      ['linux/arm64', 'sha256:4f9346006188', []],
      ['linux/arm/v7', 'sha256:58efe73e78fe', []],
    ]);
  });
});

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('referrer coverage on docker-registry (distribution 2.8: fallback tags)', function () {
  this.timeout(120_000);
  let registry: LaunchedRegistry;
  let l: ReleaseLayout;
  useEmptyDockerConfig();
  before(async () => {
    registry = await launchRegistry();
    l = await makeReleaseLayout();
  });
  after(async () => {
    await registry?.stop();
    cleanupTemps();
  });

  it('the release copied with cp -r and its cosign tags reads back with the same table and JSON', async () => {
    const repo = `${registry.host}/release/app`;
    let r = await runCli('cp', '-r', '--from-oci-layout', `${l.store.location}:v1`, `${repo}:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    for (const tag of l.cosignTags) {
      r = await runCli('cp', '--from-oci-layout', `${l.store.location}:${tag}`, `${repo}:${tag}`, '--plain-http');
      assert.equal(r.code, 0, r.stderr);
    }
    const local = await runCli('coverage', '--oci-layout', `${l.store.location}:v1`, '--require', 'signature');
    const remote = await runCli('coverage', '--plain-http', `${repo}:v1`, '--require', 'signature');
    assert.equal(remote.code, 3, remote.stderr);
    assert.equal(
      remote.stdout,
      [
        'IMAGE                                  SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE          OTHER',
        `index ${short(l.index)}           1          -     -           1 ends 2099-01-01    -`,
        `linux/amd64 ${short(l.amd64)}     1          1     1           1 passed 2020-01-31  -`,
        `linux/arm64/v8 ${short(l.arm64)}  -          2     1           -                    1`,
        '',
      ].join('\n'),
    );
    assert.equal(remote.stdout, local.stdout);
    assert.equal(remote.stderr, `missing signature: linux/arm64/v8 ${repo}@${l.arm64.digest}\nError: 1 required referrer missing (signature required on every platform manifest)\n`);
    // The JSON is the same but for where it was read.
    const lj = JSON.parse((await runCli('coverage', '--oci-layout', `${l.store.location}:v1`, '--format', 'json')).stdout.split(l.store.location).join('HERE'));
    const rj = JSON.parse((await runCli('coverage', '--plain-http', `${repo}:v1`, '--format', 'json')).stdout.split(repo).join('HERE'));
    assert.deepEqual(rj, lj);
  });

  it('coverage --key verifies on the registry as on the layout: the cosign tags and the SPDX referrer under its fallback tag', async () => {
    const s = await makeSigned();
    const repo = `${registry.host}/signed/app`;
    const r = await runCli('cp', '-r', '--from-oci-layout', `${s.store.location}:v1`, `${repo}:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    const local = await runCliIn(s.dir, 'coverage', '--key', 'cosign.pub', '--oci-layout', 'layout:v1', '--require', 'signature,sbom');
    const remote = await runCliIn(s.dir, 'coverage', '--key', 'cosign.pub', '--plain-http', `${repo}:v1`, '--require', 'signature,sbom');
    assert.equal(remote.code, 3, remote.stderr);
    assert.equal(
      remote.stdout,
      [
        'IMAGE                               SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE',
        `index ${short(s.index)}        -          -     -           -`,
        `linux/amd64 ${short(s.amd64)}  1 ✓        1 ✓   -           -`,
        `linux/arm64 ${short(s.arm64)}  1 ✗        1     -           -`,
        '',
      ].join('\n'),
    );
    assert.equal(remote.stdout, local.stdout);
    assert.equal(
      remote.stderr,
      [
        `linux/arm64: signature present but not verified by cosign.pub (${repo}@${s.arm64.digest})`,
        'Note: linux/arm64: sbom present, nothing to verify (no cosign signature or attestation): counted as present',
        'Error: 1 required referrer not verified (signature, sbom required on every platform manifest, verified by cosign.pub where there is something to verify)',
        '',
      ].join('\n'),
    );
    // The registry has no referrers API: the SPDX referrer was found under arm64's fallback tag.
    const json = JSON.parse((await runCliIn(s.dir, 'coverage', '--key', 'cosign.pub', '--plain-http', `${repo}:v1`, '--format', 'json')).stdout) as { manifests: Array<{ label: string; artifacts: Array<{ kinds: string[]; via: string[] }>; cells: Record<string, unknown> }> };
    const arm = json.manifests.find((m) => m.label === 'linux/arm64')!;
    assert.deepEqual(arm.artifacts.map((a) => [a.kinds.join('+'), a.via.join('+')]), [['sbom', 'referrers'], ['signature', 'cosign-tag']]);
    assert.deepEqual(arm.cells, { signature: { verified: { valid: false, by: [] } }, sbom: { nothingToVerify: true } });
  });
});

describe('referrer coverage on a registry with the referrers API', function () {
  this.timeout(60_000);
  after(cleanupTemps);

  it('reads the same table, and its requests do not grow with unrelated tags (no tag listing)', async () => {
    const server = await startOciServer();
    try {
      const l = await makeReleaseLayout();
      const repo = `${server.host}/release/app`;
      assert.equal((await runCli('cp', '-r', '--from-oci-layout', `${l.store.location}:v1`, `${repo}:v1`, '--plain-http')).code, 0);
      for (const tag of l.cosignTags) assert.equal((await runCli('cp', '--from-oci-layout', `${l.store.location}:${tag}`, `${repo}:${tag}`, '--plain-http')).code, 0);
      const local = await runCli('coverage', '--oci-layout', `${l.store.location}:v1`);
      const count = async () => {
        const before = server.requests.length;
        const r = await runCli('coverage', '--plain-http', `${repo}:v1`);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, local.stdout);
        return server.requests.slice(before);
      };
      const first = await count();
      assert.ok(first.some((q) => q.path.includes('/referrers/')), 'the referrers API is used');
      assert.ok(!first.some((q) => q.path.includes('/tags/list')), 'no tag listing');
      const tags = server.repo('release/app').tags;
      const someDigest = tags.get('v1')!;
      for (let i = 0; i < 500; i++) tags.set(`unrelated-${i}`, someDigest);
      const second = await count();
      assert.equal(second.length, first.length);
      // Per manifest: its referrers, and one look-up per cosign tag suffix; then what is read to classify.
      // 18 in all: resolve v1, fetch the index, 3 referrers listings, 9 cosign tag HEADs, 2 buildx attestations and
      // the 2 cosign manifests read to classify them.
      assert.equal(first.length, 18, first.map((q) => `${q.method} ${q.path}`).join('\n'));
      assert.equal(first.filter((q) => q.method === 'HEAD' && /\/manifests\/sha256-[0-9a-f]{64}\.(sig|att|sbom)$/.test(q.path)).length, 3 * 3);
    } finally {
      await server.stop();
    }
  });

  it('coverage --key reads each manifest and blob by digest once for the walk and both verifications', async () => {
    const server = await startOciServer();
    try {
      const s = await makeSigned();
      const repo = `${server.host}/signed/app`;
      assert.equal((await runCli('cp', '-r', '--from-oci-layout', `${s.store.location}:v1`, `${repo}:v1`, '--plain-http')).code, 0);
      const before = server.requests.length;
      const r = await runCliIn(s.dir, 'coverage', '--key', 'cosign.pub', '--plain-http', `${repo}:v1`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /linux\/amd64 \S+ {2}1 ✓ {8}1 ✓/);
      const byDigest = server.requests.slice(before).filter((q) => q.method === 'GET' && /\/(manifests|blobs)\/sha256:[0-9a-f]{64}$/.test(q.path)).map((q) => q.path);
      const twice = byDigest.filter((p, i) => byDigest.indexOf(p) !== i);
      assert.deepEqual(twice, [], `read again: ${twice.join(', ')}`);
      assert.ok(byDigest.length > 0);
    } finally {
      await server.stop();
    }
  });
});
