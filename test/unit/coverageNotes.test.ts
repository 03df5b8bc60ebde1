import { strict as assert } from 'node:assert';
import { coverageGaps, coverageNotes, KindTable, parseKindDefinitions, referrerCoverage, splitIndexChildren } from '../../src/oci/referrers';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout } from './builders';
import { makeReleaseLayout, type ReleaseLayout } from './coverageLayout';

after(cleanupTemps);

describe('coverage notes (what the trees show on each platform row)', () => {
  let l: ReleaseLayout;
  before(async () => {
    l = await makeReleaseLayout();
  });

  it('says what each manifest carries and, for a platform, what it lacks and who carries it', async () => {
    const notes = coverageNotes(await referrerCoverage(l.store, 'v1'));
    assert.deepEqual([...notes], [
      // The index's own kinds are shown; an index is never said to lack anything.
      [l.index.digest, { carries: ['signature', 'end-of-life'], lacks: [] }],
      [l.amd64.digest, { carries: ['signature', 'sbom', 'provenance', 'end-of-life'], lacks: [] }],
      [
        l.arm64.digest,
        {
          carries: ['sbom', 'provenance'],
          lacks: [
            { kind: 'signature', carriedBy: ['index', 'linux/amd64'] },
            { kind: 'end-of-life', carriedBy: ['index', 'linux/amd64'] },
          ],
        },
      ],
    ]);
    // coverageGaps is the same, by kind id only, platforms only.
    assert.deepEqual([...coverageGaps(await referrerCoverage(l.store, 'v1'))], [
      [l.amd64.digest, []],
      [l.arm64.digest, ['signature', 'end-of-life']],
    ]);
  });

  it('a kind nobody carries is no gap; a user kind carried by one sibling is', async () => {
    const store = await newLayout();
    const a = await makeImage(store, { arch: 'amd64' });
    const b = await makeImage(store, { arch: 'arm64' });
    const index = await makeIndex(store, [a, b]);
    await store.tag(index, 'v1');
    await makeArtifact(store, { subject: a, artifactType: 'application/vnd.example.vex+json', content: 'vex' });
    assert.deepEqual([...coverageGaps(await referrerCoverage(store, 'v1'))], [
      [a.digest, []],
      [b.digest, []],
    ]);
    const kinds = new KindTable(parseKindDefinitions([{ id: 'vex', title: 'VEX', artifactTypes: ['application/vnd.example.vex+json'] }], 'setting'));
    const notes = coverageNotes(await referrerCoverage(store, 'v1', { kinds }));
    assert.deepEqual(notes.get(a.digest), { carries: ['vex'], lacks: [] });
    assert.deepEqual(notes.get(b.digest), { carries: [], lacks: [{ kind: 'vex', carriedBy: ['linux/amd64'] }] });
  });

  it('splits an index into its platforms and the buildx attestation entries of each', () => {
    const children = [l.amd64, l.arm64, l.artifacts.attAmd64!, l.artifacts.attArm64!];
    const { platforms, references } = splitIndexChildren(children);
    assert.deepEqual(platforms.map((p) => [p.desc.digest, p.position]), [
      [l.amd64.digest, 1],
      [l.arm64.digest, 2],
    ]);
    assert.deepEqual([...references].map(([of, entries]) => [of, entries.map((e) => e.digest)]), [
      [l.amd64.digest, [l.artifacts.attAmd64!.digest]],
      [l.arm64.digest, [l.artifacts.attArm64!.digest]],
    ]);
  });
});
