import { strict as assert } from 'node:assert';
import { isOciError } from '../../src/oci/errors';
import { OciLayoutStore } from '../../src/oci/layout';
import { parsePlatform } from '../../src/oci/platform';
import { allReferrers, allSubjects, attach, discover, type SubjectNode } from '../../src/oci/referrers';
import { nestedReferrersTreeText, yamlScalar } from '../../src/oci/referrers';
import { renderReferrersTree } from '../../src/extension/present/referrersTree';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, copyPeerLayout, describePeer, makeArtifact, makeIndex, makeMultiArchLayout } from './builders';
import type { Descriptor } from '../../src/oci/descriptor';

// oras-artifacts (oras's own e2e data): the index `multi`, its linux/amd64 child, and their referrers.
const MULTI = 'sha256:e2bfc9cc6a84ec2d7365b5a28c6bc5806b7fa581c9ad7883be955a64e3cc034f';
const MULTI_AMD64 = 'sha256:9d84a5716c66a1d1b9c13f8ed157ba7d1edfe7f9b8766728b8a1f25c0d9c14c1';
const INDEX_REFERRER = 'sha256:d37baf66300b9006b0f4c7102075d56b970fbf910be5c6bca07fdbb000dfa383';
const INDEX_REFERRER_INDEX = 'sha256:7679bc22c33b87aa345c6950a993db98a6df7a6cc77a35c388908a3a50be6bad';
const AMD64_REFERRER = 'sha256:c5e00045954a70e3fd28307dd543d4cc158946117943700b8f520f72ddca031f';
// A chain: an artifact, its SBOM, the SBOM's signature.
const CHAIN_ROOT = 'sha256:6aa11331ce0c766d6333b60dac98d584d98eea45fa93bbfc9b5bdb915ce3a43f';
const CHAIN_SBOM = 'sha256:359bac7f6a262e0f36e83b6b78ee3cc7a0bb8813e04d330328ca7ca9785e1e0b';
const CHAIN_SIG = 'sha256:938419ae89a9947476bbed93abc5eb7abf7d5708be69679fe6cc4b22afe8fdd5';
// regclient-testrepo: `loop` is an index whose subject is its own child `child`; v2's referrers are under fallback tags.
const LOOP = 'sha256:d69399e05204fac05b0184eef72e984538cdc9c5854a6484e8852e4357c543cb';
const LOOP_CHILD = 'sha256:8e54c6754f08d22f85c7552bb1951b228b8194d29b14a1639dbe50868da0273e';

const digests = (node: { referrers: Array<{ desc: { digest: string } }> }) => node.referrers.map((r) => r.desc.digest).sort();

after(cleanupTemps);

describePeer('discover on oras-artifacts', () => {
  let store: OciLayoutStore;
  let dir: string;
  before(async () => (store = await OciLayoutStore.open((dir = copyPeerLayout('oras-artifacts')))));

  it('writes the whole discovery as one nested tree for the extension, annotations as they are', async () => {
    const root = await discover(store, 'v1.3.8', { recursive: true });
    const expected = [
      'v1.3.8 Image index sha256:553c18eccc8b22efb7e4de2cc3200263f0ae3950bdae6f55394a156c143568b2',
      '├── Image manifest [1] sha256:ab01d6e284e843d51fb5e753904a540f507a62361a5fd7e434e4f27b285ca5c9',
      '│   └── referrer/image',
      '│       └── sha256:20e7d3a6ce087c54238c18a3428853b50cdaf4478a9d00caa8304119b58ae8a9',
      '│           └── [annotations]',
      '│               └── org.opencontainers.image.created: 2025-06-05T04:30:10Z',
      `└── Image manifest [2] ${CHAIN_ROOT}`,
      '    └── sbom/file',
      `        └── ${CHAIN_SBOM}`,
      '            ├── [annotations]',
      '            │   └── org.opencontainers.image.created: 2025-06-05T04:31:39Z',
      '            └── signature/file',
      `                └── ${CHAIN_SIG}`,
      '                    └── [annotations]',
      '                        └── org.opencontainers.image.created: 2025-06-05T04:32:38Z',
      '',
    ].join('\n');
    assert.equal(renderReferrersTree('v1.3.8', root), expected);
    const words = { imageIndex: 'Index', imageManifest: 'Manifest', unknownType: '?', annotationValue: (v: string) => `<${v}>`, attestationOf: (d: string) => `(of ${d})` };
    assert.match(nestedReferrersTreeText('v1.3.8', root, words), /^v1\.3\.8 Index sha256:553c.*\n├── Manifest \[1\] .*\n(.*\n)+.*created: <2025-06-05T04:32:38Z>\n$/);
  });

  it('finds the two referrers of multi, and the one of its linux/amd64 child, as oras\'s tests expect', async () => {
    const multi = await discover(store, 'multi');
    assert.equal(multi.desc.digest, MULTI);
    assert.deepEqual(digests(multi), [INDEX_REFERRER, INDEX_REFERRER_INDEX].sort());
    const amd64 = await discover(store, 'multi', { platform: parsePlatform('linux/amd64') });
    assert.equal(amd64.desc.digest, MULTI_AMD64);
    assert.deepEqual(digests(amd64), [AMD64_REFERRER]);
    assert.equal(amd64.referrers[0]!.desc.artifactType, 'referrer/image');
    assert.deepEqual(amd64.referrers[0]!.desc.annotations, { 'org.opencontainers.image.created': '2023-02-15T07:56:34Z', subject: 'linux/amd64' });
  });

  it('follows referrers of referrers, to --depth', async () => {
    const all = await discover(store, CHAIN_ROOT);
    assert.deepEqual(digests(all), [CHAIN_SBOM]);
    assert.deepEqual(digests(all.referrers[0]!), [CHAIN_SIG]);
    const direct = await discover(store, CHAIN_ROOT, { depth: 1 });
    assert.deepEqual(digests(direct), [CHAIN_SBOM]);
    assert.deepEqual(direct.referrers[0]!.referrers, []);
    const two = await discover(store, CHAIN_ROOT, { depth: 2 });
    assert.deepEqual(digests(two.referrers[0]!), [CHAIN_SIG]);
  });

  it('filters by artifact type', async () => {
    assert.deepEqual(digests(await discover(store, 'multi', { artifactType: 'referrer/index' })), [INDEX_REFERRER]);
    assert.deepEqual(digests(await discover(store, 'multi', { artifactType: 'none/such' })), []);
  });

  it('--recursive gives each child of the index with its platform and referrers', async () => {
    const tree = await discover(store, 'multi', { recursive: true });
    assert.deepEqual(
      tree.manifests!.map((m) => [m.position.join('.'), m.desc.platform?.architecture, digests(m)]),
      [
        ['1', 'amd64', [AMD64_REFERRER]],
        ['2', 'arm64', []],
        ['3', 'arm', []],
      ],
    );
    // Referrers that are indexes are not expanded into children: only the subject's own tree is.
    assert.equal(tree.referrers.find((r) => r.desc.digest === INDEX_REFERRER_INDEX)!.referrers.length, 0);
  });

  it('prints the tree, the table and the JSON', async () => {
    const tree = await runCli('discover', '--oci-layout', `${dir}:multi`, '--platform', 'linux/amd64');
    assert.equal(tree.code, 0, tree.stderr);
    assert.equal(
      tree.stdout,
      [
        `${dir}@${MULTI_AMD64}`,
        '└── referrer/image',
        `    └── ${AMD64_REFERRER}`,
        '        └── [annotations]',
        '            ├── org.opencontainers.image.created: "2023-02-15T07:56:34Z"',
        '            └── subject: linux/amd64',
        '',
      ].join('\n'),
    );
    const table = await runCli('discover', '--oci-layout', `${dir}:multi`, '--format', 'table');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`^Discovered 2 artifacts referencing ${dir}:multi\nDigest: ${MULTI}\n\nARTIFACT TYPE +DIGEST\n`));
    assert.match(table.stdout, new RegExp(`referrer/index +${INDEX_REFERRER}`));
    assert.match(table.stdout, new RegExp(`<unknown> +${INDEX_REFERRER_INDEX}`));
    const json = JSON.parse((await runCli('discover', '--oci-layout', `${dir}:multi`, '--recursive', '--format', 'json')).stdout);
    assert.deepEqual(Object.keys(json), ['reference', 'mediaType', 'digest', 'size', 'referrers', 'manifests']);
    assert.equal(json.reference, `${dir}@${MULTI}`);
    assert.deepEqual(Object.keys(json.manifests[0]), ['reference', 'mediaType', 'digest', 'size', 'platform', 'referrers']);
    assert.deepEqual(json.manifests[0].platform, { architecture: 'amd64', os: 'linux' });
    const ref = json.manifests[0].referrers[0];
    assert.deepEqual(ref, {
      reference: `${dir}@${AMD64_REFERRER}`,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: AMD64_REFERRER,
      size: 482,
      annotations: { 'org.opencontainers.image.created': '2023-02-15T07:56:34Z', subject: 'linux/amd64' },
      artifactType: 'referrer/image',
      referrers: [],
    });
    assert.deepEqual(json.manifests[1].referrers, []);
  });

  it('shows platforms without referrers in the --recursive table', async () => {
    const r = await runCli('discover', '--oci-layout', `${dir}:multi`, '--recursive', '--format', 'table');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Discovered 3 artifacts referencing /);
    assert.match(r.stdout, /Image manifest \[2\] linux\/arm64 +\S+ +- +-/);
  });
});

describePeer('discover on regclient-testrepo', () => {
  let store: OciLayoutStore;
  let dir: string;
  before(async () => (store = await OciLayoutStore.open((dir = copyPeerLayout('regclient-testrepo')))));

  it('ends at a cycle: an index whose subject is its own child', async () => {
    const fromLoop = await discover(store, 'loop', { recursive: true });
    assert.equal(fromLoop.desc.digest, LOOP);
    assert.deepEqual(fromLoop.referrers, []);
    assert.equal(fromLoop.manifests!.length, 1);
    const child = fromLoop.manifests![0]!;
    assert.equal(child.desc.digest, LOOP_CHILD);
    // The child's referrer is the loop index itself, shown once and not expanded again.
    assert.deepEqual(digests(child), [LOOP]);
    assert.deepEqual(child.referrers[0]!.referrers, []);

    const fromChild = await discover(store, 'child', { recursive: true });
    assert.deepEqual(digests(fromChild), [LOOP]);
    const r = await runCli('discover', '--oci-layout', `${dir}:loop`, '--recursive');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Image index\n.*@sha256:d69399e0.*\n\nImage manifest \[1\]\n.*@sha256:8e54c675.*\n└── application\/example\.loop\n    └── sha256:d69399e0/);
  });

  it('reads referrers kept under fallback tags (the regclient convention)', async () => {
    const v2 = await discover(store, 'v2', { recursive: true });
    assert.deepEqual(v2.referrers.map((r) => r.desc.artifactType).sort(), ['application/example.sbom', 'application/example.signature']);
    assert.deepEqual(
      v2.manifests!.map((m) => m.referrers.map((r) => r.desc.artifactType)),
      [['application/example.arms'], ['application/example.arms'], ['application/example.arms']],
    );
  });
});

describe('discover on a layout Manifold wrote', () => {
  it('walks what attach made, on every manifest of the index', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    await attach(store, { subject: 'multi', artifactType: 'application/vnd.demo.lifecycle', annotations: { eol: '2027-01-01' }, recursive: true });
    const sig = await makeArtifact(store, { artifactType: 'application/vnd.demo.signature', subject: children[2] });
    await makeArtifact(store, { artifactType: 'application/vnd.demo.countersign', subject: sig });
    const tree = await discover(store, 'multi', { recursive: true });
    const subjects: SubjectNode[] = [...allSubjects(tree)];
    assert.deepEqual(subjects.map((s) => s.desc.digest), [index.digest, ...children.map((c) => c.digest)]);
    for (const s of subjects) assert.ok(s.referrers.some((r) => r.desc.annotations?.eol === '2027-01-01'), s.desc.digest);
    assert.deepEqual([...allReferrers(subjects[3]!)].map((r) => r.desc.artifactType).sort(), ['application/vnd.demo.countersign', 'application/vnd.demo.lifecycle', 'application/vnd.demo.signature']);
  });

  it('shows a manifest listed twice (and a nested index listed twice) with its referrers and children each time', async () => {
    const { store, children } = await makeMultiArchLayout();
    const [amd64, arm64] = children as [Descriptor, Descriptor];
    const inner = await makeIndex(store, [arm64]);
    const outer = await makeIndex(store, [amd64, amd64, inner, inner]);
    await store.tag(outer, 'twice');
    const sig = await makeArtifact(store, { artifactType: 'application/vnd.demo.signature', subject: amd64 });
    const sbom = await makeArtifact(store, { artifactType: 'application/vnd.demo.sbom', subject: arm64 });
    const tree = await discover(store, 'twice', { recursive: true });
    const rows = [...allSubjects(tree)].map((s) => [s.position.join('.'), s.desc.digest, digests(s).join(',')]);
    assert.deepEqual(rows, [
      ['', outer.digest, ''],
      ['1', amd64.digest, sig.digest],
      ['2', amd64.digest, sig.digest],
      ['3', inner.digest, ''],
      ['3.1', arm64.digest, sbom.digest],
      ['4', inner.digest, ''],
      ['4.1', arm64.digest, sbom.digest],
    ]);
    const r = await runCli('discover', '--oci-layout', `${store.location}:twice`, '--recursive', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { manifests: Array<{ referrers: Array<{ digest: string }>; manifests?: Array<{ referrers: Array<{ digest: string }> }> }> };
    assert.deepEqual(json.manifests.map((m) => m.referrers.map((x) => x.digest)), [[sig.digest], [sig.digest], [], []]);
    assert.deepEqual(json.manifests.slice(2).map((m) => m.manifests!.map((c) => c.referrers.map((x) => x.digest))), [[[sbom.digest]], [[sbom.digest]]]);
    // The table shows each occurrence, and counts the two distinct artifacts once each.
    const table = await runCli('discover', '--oci-layout', `${store.location}:twice`, '--recursive', '--format', 'table');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^Discovered 2 artifacts referencing /);
    assert.equal(table.stdout.split('\n').filter((l) => l.includes(sig.digest)).length, 2);
  });

  it('refuses a platform the index lacks, and a bad depth', async () => {
    const { store } = await makeMultiArchLayout();
    await assert.rejects(discover(store, 'multi', { platform: parsePlatform('linux/s390x') }), (e: unknown) => isOciError(e, 'NOT_FOUND') && /it has linux\/amd64, linux\/arm64, linux\/arm\/v7/.test((e as Error).message));
    const r = await runCli('discover', '--oci-layout', `${store.location}:multi`, '--depth', '0');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /depth value should be at least 1/);
    const f = await runCli('discover', '--oci-layout', `${store.location}:multi`, '--format', 'yaml');
    assert.equal(f.code, 1);
    assert.match(f.stderr, /unsupported format "yaml"/);
  });

});

describe('discover: annotation values in the tree', () => {
  const cases: Array<[string, string]> = [
    ['plain', 'plain'],
    ['linux/amd64', 'linux/amd64'],
    ['2027-01-01', '"2027-01-01"'],
    ['2023-02-15T07:56:34Z', '"2023-02-15T07:56:34Z"'],
    ['42', '"42"'],
    ['1.5e3', '"1.5e3"'],
    ['true', '"true"'],
    ['No', '"No"'],
    ['', '""'],
    ['a: b', '"a: b"'],
    ['- x', '"- x"'],
    ['two\nlines', '"two\\nlines"'],
    ['v1.2.3', 'v1.2.3'],
  ];
  for (const [value, shown] of cases) it(`shows ${JSON.stringify(value)} as ${shown}`, () => assert.equal(yamlScalar(value), shown));
});
