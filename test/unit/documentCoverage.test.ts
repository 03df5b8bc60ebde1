import { strict as assert } from 'node:assert';
import type { ImageIndex } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { documentCoverage } from '../../src/oci/referrers/documentCoverage';
import { cleanupTemps } from './builders';
import { makeReleaseLayout, type ReleaseLayout } from './coverageLayout';

after(cleanupTemps);

describe('referrer coverage of an index document (the index editor\'s kinds column)', () => {
  let l: ReleaseLayout;
  let stored: ImageIndex;
  before(async () => {
    l = await makeReleaseLayout();
    stored = JSON.parse((await l.store.fetchBytes(l.index)).toString('utf8')) as ImageIndex;
  });

  const kinds = (counts: Record<string, number> | undefined) => Object.entries(counts ?? {}).filter(([, n]) => n > 0);

  it('reads an unsaved text: each entry in its order, BuildKit attestations counted for their platform and not as rows', async () => {
    const edited: ImageIndex = { ...stored, manifests: [stored.manifests[1]!, stored.manifests[0]!, ...stored.manifests.slice(2)] };
    const text = JSON.stringify(edited, null, 2);
    assert.ok(!(await l.store.exists({ mediaType: l.index.mediaType, digest: digestOf(Buffer.from(text)), size: text.length })), 'the edited text is not stored');
    const { entries } = await documentCoverage(l.store, text);
    assert.deepEqual(entries.map((e) => e?.digest), [l.arm64.digest, l.amd64.digest, undefined, undefined]);
    assert.deepEqual(kinds(entries[0]!.counts), [['sbom', 2], ['provenance', 1], ['other', 1]]);
    assert.deepEqual(kinds(entries[1]!.counts), [['signature', 1], ['sbom', 1], ['provenance', 1], ['end-of-life', 1]]);
    // What amd64 carries and arm64 lacks.
    assert.deepEqual(entries[0]!.gaps, ['signature', 'end-of-life']);
    assert.deepEqual(entries[1]!.gaps, []);
  });

  it('the stored text itself: the index\'s own referrers count for the gaps too', async () => {
    const text = (await l.store.fetchBytes(l.index)).toString('utf8');
    const { report, entries } = await documentCoverage(l.store, text);
    assert.equal(report.root.digest, l.index.digest);
    assert.deepEqual(kinds(report.rows[0]!.counts), [['signature', 1], ['end-of-life', 1]]);
    assert.deepEqual(entries[1]!.gaps, ['signature', 'end-of-life']);
  });
});
