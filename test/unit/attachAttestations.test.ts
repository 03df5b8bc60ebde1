// attach --recursive on an index built by buildx: the attestation entries (unknown/unknown, vnd.docker.reference.*)
// are metadata of a platform's image, not platforms, so nothing is attached to them and the skip is reported.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { parsePlatform } from '../../src/oci/platform';
import { allSubjects, attach, discover } from '../../src/oci/referrers';
import type { OciLayoutStore } from '../../src/oci/layout';
import { runCli } from '../helpers/runCli';
import { collect } from '../helpers/assertions';
import { cleanupTemps, makeImage, makeIndex, newLayout, tempDir } from './builders';
import { makeBuildxAttestation, SLSA, SPDX } from './coverageLayout';

const TYPE = 'application/vnd.demo.lifecycle';
const EOL = { 'vnd.demo.end-of-life.date': '2027-01-01' };

interface BuildxLayout {
  store: OciLayoutStore;
  index: Descriptor;
  amd64: Descriptor;
  arm64: Descriptor;
  attAmd64: Descriptor;
  attArm64: Descriptor;
}

/** What `docker buildx build --platform linux/amd64,linux/arm64 --sbom --provenance` pushes, tagged v1. */
async function buildxLayout(): Promise<BuildxLayout> {
  const store = await newLayout();
  const amd64 = await makeImage(store, { arch: 'amd64' });
  const arm64 = await makeImage(store, { arch: 'arm64' });
  const attAmd64 = await makeBuildxAttestation(store, amd64, [SPDX, SLSA]);
  const attArm64 = await makeBuildxAttestation(store, arm64, [SPDX, SLSA]);
  const index = await makeIndex(store, [amd64, arm64, attAmd64, attArm64]);
  await store.tag(index, 'v1');
  return { store, index, amd64, arm64, attAmd64, attArm64 };
}

/** The artifact types referring to each manifest of the tree, by digest, read back with discover --recursive. */
async function referredTypes(store: OciLayoutStore, reference: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const s of allSubjects(await discover(store, reference, { recursive: true, depth: 1 }))) out[s.desc.digest] = s.referrers.map((r) => r.desc.artifactType ?? '');
  return out;
}

after(cleanupTemps);

describe('attach --recursive skips buildx attestation manifests', () => {
  it('attaches to the index and its two platforms, not to the two attestation entries, and lists those as skipped', async () => {
    const l = await buildxLayout();
    const result = await attach(l.store, { subject: 'v1', artifactType: TYPE, annotations: EOL, recursive: true });
    assert.deepEqual(
      result.artifacts.map((a) => [a.subject.digest, a.position.join('.')]),
      [
        [l.index.digest, ''],
        [l.amd64.digest, '1'],
        [l.arm64.digest, '2'],
      ],
    );
    assert.deepEqual(
      result.skipped.map((s) => [s.subject.digest, s.position.join('.'), s.describes]),
      [
        [l.attAmd64.digest, '3', l.amd64.digest],
        [l.attArm64.digest, '4', l.arm64.digest],
      ],
    );
    // Read back: discover walks every entry of the index; only the index and the platforms have the artifact.
    assert.deepEqual(await referredTypes(l.store, 'v1'), {
      [l.index.digest]: [TYPE],
      [l.amd64.digest]: [TYPE],
      [l.arm64.digest]: [TYPE],
      [l.attAmd64.digest]: [],
      [l.attArm64.digest]: [],
    });
  });

  it('does not walk below an attestation entry, and finds the entries of a nested buildx index', async () => {
    const store = await newLayout();
    const amd64 = await makeImage(store, { arch: 'amd64' });
    const arm64 = await makeImage(store, { arch: 'arm64' });
    const att = await makeBuildxAttestation(store, amd64, [SLSA]);
    // An attestation entry that is an index (not what buildx writes, but nothing says it cannot be): its child,
    // listed nowhere else, is not reached.
    const hidden = await makeImage(store, { arch: 's390x' });
    const attIndex = { ...(await makeIndex(store, [hidden])), annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': arm64.digest } };
    const inner = await makeIndex(store, [amd64, arm64, att, attIndex]);
    const riscv = await makeImage(store, { arch: 'riscv64' });
    const top = await makeIndex(store, [riscv, inner]);
    await store.tag(top, 'top');
    const result = await attach(store, { subject: 'top', artifactType: TYPE, annotations: EOL, recursive: true });
    assert.deepEqual(result.artifacts.map((a) => a.subject.digest), [top.digest, riscv.digest, inner.digest, amd64.digest, arm64.digest]);
    assert.deepEqual(result.skipped.map((s) => [s.subject.digest, s.position.join('.'), s.describes]), [
      [att.digest, '2.3', amd64.digest],
      [attIndex.digest, '2.4', arm64.digest],
    ]);
    for (const d of [att, attIndex, hidden]) assert.deepEqual(await collect(store.referrers(d)), [], `${d.digest} got a referrer`);
  });

  it('still attaches where the user asks for an attestation: --platform unknown/unknown, P=FILE, or its own digest', async () => {
    const l = await buildxLayout();
    // A bare --platform unknown/unknown picks the first such entry, as any platform does.
    let result = await attach(l.store, { subject: 'v1', artifactType: TYPE, annotations: EOL, platforms: [parsePlatform('unknown/unknown')] });
    assert.deepEqual([result.artifacts.map((a) => a.subject.digest), result.skipped], [[l.attAmd64.digest], []]);
    // The attestation by digest, with --recursive: it is the subject, not an entry met on the way.
    result = await attach(l.store, { subject: l.attArm64.digest, artifactType: TYPE, annotations: EOL, recursive: true });
    assert.deepEqual([result.artifacts.map((a) => a.subject.digest), result.skipped], [[l.attArm64.digest], []]);
    // --recursive with files for unknown/unknown: that entry gets them (and is not reported skipped), the other is skipped.
    const note = join(tempDir(), 'note.txt');
    writeFileSync(note, 'about the attestation\n');
    result = await attach(l.store, {
      subject: 'v1',
      artifactType: 'application/vnd.demo.note',
      annotations: EOL,
      recursive: true,
      perPlatformFiles: [{ platform: parsePlatform('unknown/unknown'), files: [{ path: note, title: 'note.txt' }] }],
    });
    assert.deepEqual(result.artifacts.map((a) => a.subject.digest), [l.index.digest, l.amd64.digest, l.arm64.digest, l.attAmd64.digest]);
    assert.deepEqual(result.skipped.map((s) => s.subject.digest), [l.attArm64.digest]);
    const types = await referredTypes(l.store, 'v1');
    assert.deepEqual(types[l.attAmd64.digest]!.sort(), [TYPE, 'application/vnd.demo.note']);
    assert.deepEqual(types[l.attArm64.digest], [TYPE]);
  });
});

describe('manifold attach --recursive on a buildx index', () => {
  it('prints an Attached block per artifact, then one Skipped line per attestation entry naming what it describes', async () => {
    const l = await buildxLayout();
    const dir = l.store.location;
    const r = await runCli('attach', '--oci-layout', `${dir}:v1`, '--artifact-type', TYPE, '--recursive', '-a', 'vnd.demo.end-of-life.date=2027-01-01');
    assert.equal(r.code, 0, r.stderr);
    const [onIndex] = await collect(l.store.referrers(l.index));
    const [onAmd64] = await collect(l.store.referrers(l.amd64));
    const [onArm64] = await collect(l.store.referrers(l.arm64));
    assert.equal(
      r.stdout,
      [
        `Attached to [oci-layout] ${dir}@${l.index.digest}`,
        `Digest: ${onIndex!.digest}`,
        `Attached to [oci-layout] ${dir}@${l.amd64.digest}`,
        `Digest: ${onAmd64!.digest}`,
        `Attached to [oci-layout] ${dir}@${l.arm64.digest}`,
        `Digest: ${onArm64!.digest}`,
        `Skipped [oci-layout] ${dir}@${l.attAmd64.digest} (attestation-manifest of ${l.amd64.digest})`,
        `Skipped [oci-layout] ${dir}@${l.attArm64.digest} (attestation-manifest of ${l.arm64.digest})`,
        '',
      ].join('\n'),
    );
    assert.equal(r.stderr, '');
    assert.deepEqual(await collect(l.store.referrers(l.attAmd64)), []);
    assert.deepEqual(await collect(l.store.referrers(l.attArm64)), []);
  });

  it('--format json lists the artifacts and, under skipped, each attestation entry with what it describes', async () => {
    const l = await buildxLayout();
    const dir = l.store.location;
    const r = await runCli('attach', '--oci-layout', `${dir}:v1`, '--artifact-type', TYPE, '-r', '-a', 'vnd.demo.end-of-life.date=2027-01-01', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { artifacts: Array<{ digest: string; subject: { digest: string } }>; skipped: unknown[] };
    assert.deepEqual(Object.keys(json), ['artifacts', 'skipped']);
    assert.deepEqual(json.artifacts.map((a) => a.subject.digest), [l.index.digest, l.amd64.digest, l.arm64.digest]);
    for (const a of json.artifacts) assert.deepEqual((await collect(l.store.referrers(a.subject as Descriptor))).map((d) => d.digest), [a.digest]);
    const entry = (att: Descriptor, of: Descriptor) => ({
      reference: `${dir}@${att.digest}`,
      mediaType: att.mediaType,
      digest: att.digest,
      size: att.size,
      platform: { architecture: 'unknown', os: 'unknown' },
      referenceType: 'attestation-manifest',
      describes: of.digest,
    });
    assert.deepEqual(json.skipped, [entry(l.attAmd64, l.amd64), entry(l.attArm64, l.arm64)]);
  });

  it('without --recursive nothing is skipped: --platform unknown/unknown attaches, and json says skipped: []', async () => {
    const l = await buildxLayout();
    const dir = l.store.location;
    const r = await runCli('attach', '--oci-layout', `${dir}:v1`, '--artifact-type', TYPE, '--platform', 'unknown/unknown', '-a', 'k=v', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { artifacts: Array<{ subject: { digest: string } }>; skipped: unknown[] };
    assert.deepEqual([json.artifacts.map((a) => a.subject.digest), json.skipped], [[l.attAmd64.digest], []]);
    const text = await runCli('attach', '--oci-layout', `${dir}@${l.attArm64.digest}`, '--artifact-type', TYPE, '-r', '-a', 'k=v');
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /Skipped/);
    assert.equal((await collect(l.store.referrers(l.attArm64))).length, 1);
  });
});

describe('manifold discover --recursive on a buildx index', () => {
  it('labels each attestation entry with the image it describes, after its unknown/unknown platform', async () => {
    const l = await buildxLayout();
    const r = await runCli('discover', '--oci-layout', `${l.store.location}:v1`, '--recursive');
    assert.equal(r.code, 0, r.stderr);
    const labels = r.stdout.split('\n').filter((line) => /^Image (index|manifest)/.test(line));
    assert.deepEqual(labels, [
      'Image index',
      'Image manifest [1] linux/amd64',
      'Image manifest [2] linux/arm64',
      `Image manifest [3] unknown/unknown (buildx attestation of ${l.amd64.digest.slice(7, 19)})`,
      `Image manifest [4] unknown/unknown (buildx attestation of ${l.arm64.digest.slice(7, 19)})`,
    ]);
  });
});
