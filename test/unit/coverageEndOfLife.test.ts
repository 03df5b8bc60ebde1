import { strict as assert } from 'node:assert';
import { coverageJson, coverageTable } from '../../src/cli/commands/coverage';
import { checkGraph } from '../../src/oci/check';
import type { Descriptor } from '../../src/oci/descriptor';
import type { OciLayoutStore } from '../../src/oci/layout';
import { endOfLifeCell, referrerCoverage } from '../../src/oci/referrers';
import type { OpOptions, ReadOnlyTarget } from '../../src/oci/target';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout } from './builders';

const EOL = 'vnd.microsoft.artifact.lifecycle.end-of-life.date';
const LIFECYCLE = 'application/vnd.microsoft.artifact.lifecycle';
// Judged a little before 2099: 2099-01-05 is then within 30 days, 2099-06-01 later, 2020 long passed.
const NOW = new Date('2098-12-20T00:00:00Z');
const short = (d: Descriptor) => `${d.digest.slice(0, 19)}...`;

after(cleanupTemps);

describe('end-of-life dates in a coverage cell', () => {
  it('the earliest readable date and where it stands: passed (at or before now), soon (30 days), later; unreadable; none', () => {
    assert.deepEqual(endOfLifeCell(['2020-01-31'], NOW), { state: 'passed', date: '2020-01-31' });
    assert.deepEqual(endOfLifeCell(['2098-12-20T00:00:00Z'], NOW), { state: 'passed', date: '2098-12-20T00:00:00Z' });
    assert.deepEqual(endOfLifeCell(['2099-01-19'], NOW), { state: 'soon', date: '2099-01-19' });
    assert.deepEqual(endOfLifeCell(['2099-01-20'], NOW), { state: 'later', date: '2099-01-20' });
    // Several artifacts or keys: the earliest instant (an offset counts), whatever order they come in.
    assert.deepEqual(endOfLifeCell(['2099-12-31', '2099-06-01T01:00:00+02:00', '2099-06-01'], NOW), { state: 'later', date: '2099-06-01T01:00:00+02:00' });
    // Read as check reads them (trimmed, strictly): what is no date is kept as written, apart from the earliest date.
    assert.deepEqual(endOfLifeCell([' 2020-01-31 ', 'next year', '2099-02-30'], NOW), { state: 'passed', date: '2020-01-31', unreadable: ['next year', '2099-02-30'] });
    assert.deepEqual(endOfLifeCell(['someday'], NOW), { state: 'unreadable', unreadable: ['someday'] });
    assert.deepEqual(endOfLifeCell([], NOW), { state: 'none' });
  });
});

describe('end-of-life dates in referrer coverage', () => {
  let store: OciLayoutStore;
  let index: Descriptor;
  let amd64: Descriptor;
  let arm64: Descriptor;
  let s390x: Descriptor;
  const eol: Record<string, Descriptor> = {};

  before(async () => {
    store = await newLayout();
    amd64 = await makeImage(store, { arch: 'amd64' });
    arm64 = await makeImage(store, { arch: 'arm64' });
    s390x = await makeImage(store, { arch: 's390x' });
    index = await makeIndex(store, [amd64, arm64, s390x]);
    await store.tag(index, 'v1');
    // The index: a lifecycle told by its type alone. amd64: two dates on two artifacts, one under another vendor's key.
    // arm64: a passed date and a value that is none. s390x: only a value that is none.
    eol.index = await makeArtifact(store, { subject: index, artifactType: LIFECYCLE });
    eol.amd64Later = await makeArtifact(store, { subject: amd64, artifactType: LIFECYCLE, annotations: { [EOL]: '2099-06-01' } });
    eol.amd64Soon = await makeArtifact(store, { subject: amd64, artifactType: 'application/vnd.example.notice', annotations: { 'org.example.end-of-life.date': '2099-01-05' } });
    eol.arm64Passed = await makeArtifact(store, { subject: arm64, artifactType: LIFECYCLE, annotations: { [EOL]: '2020-01-31T00:00:00Z' } });
    eol.arm64Bad = await makeArtifact(store, { subject: arm64, artifactType: LIFECYCLE, annotations: { [EOL]: 'next year' }, content: 'bad' });
    eol.s390x = await makeArtifact(store, { subject: s390x, artifactType: LIFECYCLE, annotations: { [EOL]: 'someday' } });
  });

  const byLabel = (report: Awaited<ReturnType<typeof referrerCoverage>>) => report.rows.map((r) => [r.desc.digest === index.digest ? 'index' : r.desc.platform?.architecture, r.counts['end-of-life'], r.endOfLife]);

  it('each row says its earliest date and its standing at the time given; the same layout at another time, another standing', async () => {
    assert.deepEqual(byLabel(await referrerCoverage(store, 'v1', { now: NOW })), [
      ['index', 1, { state: 'none' }],
      ['amd64', 2, { state: 'soon', date: '2099-01-05' }],
      ['arm64', 2, { state: 'passed', date: '2020-01-31T00:00:00Z', unreadable: ['next year'] }],
      ['s390x', 1, { state: 'unreadable', unreadable: ['someday'] }],
    ]);
    const before2020 = await referrerCoverage(store, 'v1', { now: new Date('2019-06-01T00:00:00Z') });
    assert.deepEqual(before2020.rows.map((r) => r.endOfLife?.state), ['none', 'later', 'later', 'unreadable']);
    // As `manifold check` judges the same manifests at the same time: the same dates passed, soon and unreadable.
    const check = await checkGraph(store, index, 'v1', { now: NOW });
    const codes = (d: Descriptor) => check.problems.filter((p) => p.digest === d.digest).map((p) => p.code);
    assert.deepEqual([codes(eol.amd64Soon!), codes(eol.amd64Later!), codes(eol.arm64Passed!), codes(eol.arm64Bad!), codes(eol.s390x!)], [['end-of-life-soon'], [], ['end-of-life-passed'], ['end-of-life-date-unreadable'], ['end-of-life-date-unreadable']]);
  });

  it('dates the listing carries are taken from it; a lifecycle listed without them has its manifest read for them', async () => {
    const lifecycles = [eol.index!, eol.amd64Later!, eol.arm64Passed!, eol.arm64Bad!, eol.s390x!].map((d) => d.digest);
    const reads: string[] = [];
    // A registry that leaves the manifests' annotations out of its referrers listing.
    const target = (strip: boolean): ReadOnlyTarget =>
      new Proxy(store, {
        get(t, p) {
          if (p === 'fetchBytes') return (d: Descriptor, o?: OpOptions) => (reads.push(d.digest), t.fetchBytes(d, o));
          if (p === 'referrers') {
            return async function* (d: Descriptor, o?: OpOptions) {
              for await (const r of t.referrers(d, o)) {
                const { annotations, ...bare } = r;
                yield strip ? bare : { ...bare, ...(annotations ? { annotations } : {}) };
              }
            };
          }
          const v = Reflect.get(t, p) as unknown;
          return typeof v === 'function' ? v.bind(t) : v;
        },
      });
    const listed = await referrerCoverage(target(false), 'v1', { now: NOW });
    // Only the index's lifecycle, whose listing names no date, is read (and has none).
    assert.deepEqual(reads.filter((d) => lifecycles.includes(d)), [eol.index!.digest]);
    reads.length = 0;
    const stripped = await referrerCoverage(target(true), 'v1', { now: NOW });
    assert.deepEqual(reads.filter((d) => lifecycles.includes(d)).sort(), [...lifecycles].sort());
    // The same dates, read from the manifests; amd64's notice, a kind told by its annotation key, is then of no kind.
    assert.deepEqual(byLabel(stripped), [
      ['index', 1, { state: 'none' }],
      ['amd64', 1, { state: 'later', date: '2099-06-01' }],
      ['arm64', 2, { state: 'passed', date: '2020-01-31T00:00:00Z', unreadable: ['next year'] }],
      ['s390x', 1, { state: 'unreadable', unreadable: ['someday'] }],
    ]);
    assert.deepEqual(listed.rows.map((r) => r.endOfLife), (await referrerCoverage(store, 'v1', { now: NOW })).rows.map((r) => r.endOfLife));
  });

  it('the table says each date in short words after its count, the columns aligned; the JSON adds endOfLife to each row', async () => {
    const report = await referrerCoverage(store, 'v1', { now: NOW });
    assert.equal(
      coverageTable(report),
      [
        'IMAGE                               SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE',
        `index ${short(index)}        -          -     -           1 no date`,
        `linux/amd64 ${short(amd64)}  -          -     -           2 soon 2099-01-05`,
        `linux/arm64 ${short(arm64)}  -          -     -           2 passed 2020-01-31 + bad date`,
        `linux/s390x ${short(s390x)}  -          -     -           1 bad date`,
        '',
      ].join('\n'),
    );
    const json = coverageJson('here', report, []) as { version: number; manifests: Array<{ label: string; counts: Record<string, number>; endOfLife?: unknown }> };
    assert.equal(json.version, 1);
    assert.deepEqual(
      json.manifests.map((m) => [m.label, m.endOfLife]),
      [
        ['index', { state: 'none' }],
        ['linux/amd64', { state: 'soon', date: '2099-01-05' }],
        ['linux/arm64', { state: 'passed', date: '2020-01-31T00:00:00Z', unreadable: ['next year'] }],
        ['linux/s390x', { state: 'unreadable', unreadable: ['someday'] }],
      ],
    );
    // Added after counts, which stay as they were.
    assert.deepEqual(Object.keys(json.manifests[1]!).slice(7, 9), ['counts', 'endOfLife']);
  });

  it('manifold coverage --require end-of-life: a passed or unreadable date is present, and a note on stderr says so', async () => {
    const ref = `${store.location}:v1`;
    const r = await runCli('coverage', '--oci-layout', ref, '--require', 'end-of-life');
    assert.equal(r.code, 0, r.stderr);
    // Judged now: 2099-01-05 is later, 2020 passed.
    assert.match(r.stdout, new RegExp(`^linux/amd64 ${short(amd64).replace(/\./g, '\\.')} .* 2 ends 2099-01-05$`, 'm'));
    assert.equal(
      r.stderr,
      [
        'Note: linux/arm64: end-of-life present, but its date 2020-01-31T00:00:00Z has passed: counted as present',
        'Note: linux/s390x: end-of-life present, but no date in it can be read: counted as present',
        '',
      ].join('\n'),
    );
    // Not asked for: no note.
    assert.equal((await runCli('coverage', '--oci-layout', ref, '--require', 'signature')).stderr.includes('Note:'), false);
    const json = JSON.parse((await runCli('coverage', '--oci-layout', ref, '--format', 'json')).stdout) as { manifests: Array<{ endOfLife?: { state: string } }> };
    assert.deepEqual(json.manifests.map((m) => m.endOfLife?.state), ['none', 'later', 'passed', 'unreadable']);
  });
});
