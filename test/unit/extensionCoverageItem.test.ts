import * as assert from 'node:assert/strict';
import { carriesText, gapLines, withCoverage, withKinds } from '../../src/extension/present/coverageItem';
import { manifestItem } from '../../src/extension/present/items';
import type { Descriptor } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';

const amd64: Descriptor = { mediaType: MediaType.ImageManifest, digest: `sha256:${'a'.repeat(64)}`, size: 10, platform: { os: 'linux', architecture: 'amd64' } };
const titles = new Map([['vex', 'VEX']]);

describe('extension: coverage on tree rows', () => {
  it('a platform row says what it carries first, and a gap is a warning with who has one', () => {
    const note = { carries: ['signature', 'sbom', 'vex'], lacks: [{ kind: 'end-of-life', carriedBy: ['index'] }, { kind: 'provenance', carriedBy: ['linux/arm64', 'index'] }] };
    assert.equal(carriesText(note, titles), 'signed · SBOM · VEX');
    assert.deepEqual(gapLines(note, titles), ['lacks end-of-life (the index has one)', 'lacks provenance (linux/arm64, the index have one)']);
    const spec = withCoverage(manifestItem(amd64, 'child'), note, titles);
    assert.equal(spec.label, 'linux/amd64');
    assert.equal(spec.description, 'signed · SBOM · VEX · aaaaaaaaaaaa');
    assert.deepEqual(spec.icon, { id: 'warning', color: 'problemsWarningIcon.foreground' });
    // As the Markdown shows it (escapes removed).
    const tooltip = spec.tooltip!().replace(/\\(.)/g, '$1');
    assert.match(tooltip, /^\*\*linux\/amd64\*\*/);
    assert.match(tooltip, /\*\*Referrers\*\*: signed · SBOM · VEX/);
    assert.match(tooltip, /\$\(warning\) lacks end-of-life \(the index has one\)/);
  });

  it('a row lacking nothing keeps its icon; before the walk is in, the row is as it was', () => {
    const plain = manifestItem(amd64, 'child');
    assert.deepEqual(withCoverage(plain, { carries: [], lacks: [] }, titles).icon, plain.icon);
    assert.equal(withCoverage(plain, { carries: [], lacks: [] }, titles).description, plain.description);
    assert.equal(withCoverage(plain, undefined, titles), plain);
  });

  it('a buildx attestation entry is an attestation, never a platform unknown/unknown; its kinds lead its description', () => {
    const entry: Descriptor = { ...amd64, digest: `sha256:${'b'.repeat(64)}`, platform: { os: 'unknown', architecture: 'unknown' } };
    const spec = manifestItem(entry, 'attestation');
    assert.equal(spec.label, 'buildx attestation');
    assert.equal(spec.contextValue, 'manifold:manifest+image+attestation');
    assert.doesNotMatch(spec.tooltip!(), /unknown\/unknown/);
    assert.equal(withKinds(spec, ['sbom', 'provenance'], titles).description, 'SBOM, provenance · bbbbbbbbbbbb');
    assert.equal(withKinds(spec, [], titles), spec);
  });

  it("a user's kind whose title holds an override and a tab is quoted and escaped in the row and its tooltip; other letters show as they are", () => {
    // As the setting manifold.referrerKinds gives them: the override would turn the rest of the row round.
    const odd = new Map([
      ['odd', 'Odd\u202e\tkind'],
      ['vex', 'Prüfung 検査'],
    ]);
    const shown = '"Odd\\u202e\\tkind"';
    const note = { carries: ['signature', 'odd', 'vex'], lacks: [{ kind: 'odd', carriedBy: ['index'] }] };
    assert.equal(carriesText(note, odd), `signed · ${shown} · Prüfung 検査`);
    assert.deepEqual(gapLines(note, odd), [`lacks ${shown} (the index has one)`]);
    const spec = withCoverage(manifestItem(amd64, 'child'), note, odd);
    assert.equal(spec.description, `signed · ${shown} · Prüfung 検査 · aaaaaaaaaaaa`);
    const tooltip = spec.tooltip!().replace(/\\(.)/g, '$1');
    assert.ok(!/[\u202e\t]/.test(tooltip), JSON.stringify(tooltip));
    assert.ok(tooltip.includes(`$(warning) lacks ${shown} (the index has one)`), JSON.stringify(tooltip));
    const referrer = manifestItem({ ...amd64, digest: `sha256:${'c'.repeat(64)}`, artifactType: 'application/vnd.example.odd' }, 'referrer');
    assert.equal(withKinds(referrer, ['odd'], odd).description?.split(' · ')[0], shown);
  });
});
