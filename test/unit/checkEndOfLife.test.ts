import { strict as assert } from 'node:assert';
import { endOfLifeFindings, endOfLifeInstant } from '../../src/oci/check/endOfLife';
import { checkGraph } from '../../src/oci/check';
import { cleanupTemps, makeArtifact, makeMultiArchLayout } from './builders';
import { runCli } from '../helpers/runCli';

const EOL = 'vnd.microsoft.artifact.lifecycle.end-of-life.date';
const LIFECYCLE = 'application/vnd.microsoft.artifact.lifecycle';
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('end-of-life dates in a check', () => {
  after(cleanupTemps);

  it('reads YYYY-MM-DD (that day, UTC) and RFC 3339 times as ACR writes them; refuses what is no date', () => {
    assert.equal(endOfLifeInstant('2027-01-01')?.toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(endOfLifeInstant('2023-05-12T21:15:10.8343521Z')?.toISOString(), '2023-05-12T21:15:10.834Z');
    assert.equal(endOfLifeInstant('2027-01-01T02:30:00+02:30')?.toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(endOfLifeInstant('2026-12-31T20:00:00-04:00')?.toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(endOfLifeInstant('0099-03-01')?.getUTCFullYear(), 99);
    for (const no of ['2027-02-29', '2027-13-01', '2027-00-10', '2027/01/01', '2027-1-1', 'next year', '', '2027-01-01T24:00:00Z', '2027-01-01T10:00:00', '2027-01-01T10:00:00+24:00', '20270101']) {
      assert.equal(endOfLifeInstant(no), undefined, no);
    }
  });

  it('a passed date is a warning, one within 30 days a note, a later one nothing, an unreadable one a warning naming the value', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const at = (v: string, attached = true) => endOfLifeFindings({ [EOL]: v, 'org.opencontainers.image.created': '2020-01-01' }, now, attached);
    assert.deepEqual(at('2026-12-01'), [
      { severity: 'warning', code: 'end-of-life-passed', path: `annotations["${EOL}"]`, message: 'end of life 2026-12-01 has passed (6 days ago): the manifest it is attached to is past its end of life' },
    ]);
    assert.equal(at('2026-12-07', false)[0]?.message, 'end of life 2026-12-07 has passed (today): this is past its end of life');
    assert.deepEqual(at('2027-01-01').map((f) => [f.severity, f.code, f.message]), [['info', 'end-of-life-soon', 'end of life 2027-01-01 is in 24 days']]);
    assert.deepEqual(at('2027-02-01'), []);
    assert.deepEqual(at('soon').map((f) => [f.severity, f.code, f.message]), [['warning', 'end-of-life-date-unreadable', '"soon" is no date: an end-of-life date is YYYY-MM-DD or an RFC 3339 time (2027-01-01T00:00:00Z)']]);
    // Whatever a tool wrote is shown cut, and what cannot be seen escaped.
    assert.match(at('x'.repeat(100_000))[0]!.message, /^"x{64}"\.\.\. \(100000 characters\) is no date/);
    assert.match(at('2027-01-01\u202e')[0]!.message, /^"2027-01-01\\u202e" is no date/);
    // The end-of-life kind's keys only (`*end-of-life.date`); a date under another key is none of this check's business.
    assert.deepEqual(endOfLifeFindings({ 'vnd.demo.eol': '2001-01-01', 'org.example.end-of-life.date': '2001-01-01' }, now, false).map((f) => f.path), ['annotations["org.example.end-of-life.date"]']);
    for (const none of [undefined, null, [], 'x', { [EOL]: 7 }]) assert.deepEqual(endOfLifeFindings(none, now, true), []);
  });

  it('manifold check names a lifecycle artifact whose date has passed under the image it is attached to; --strict fails on it; JSON says the code and path', async () => {
    const { store, index, children } = await makeMultiArchLayout();
    const passed = await makeArtifact(store, { subject: children[1]!, artifactType: LIFECYCLE, annotations: { [EOL]: '2020-01-01T00:00:00Z' } });
    await makeArtifact(store, { subject: index, artifactType: LIFECYCLE, annotations: { [EOL]: '2999-01-01' } });
    const ref = `${store.location}:multi`;
    let r = await runCli('check', '--oci-layout', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `multi > linux/arm64 > ${LIFECYCLE} ${passed.digest.slice(7, 19)} (${passed.digest.slice(7, 19)})`, r.stdout);
    assert.match(lines[1]!, new RegExp(`^ {2}warning annotations\\["${EOL.replace(/\./g, '\\.')}"\\]: end of life 2020-01-01T00:00:00Z has passed \\(\\d+ days ago\\): the manifest it is attached to is past its end of life$`));
    assert.match(lines.at(-1)!, /^1 warning in .*:multi: /);
    r = await runCli('check', '--oci-layout', ref, '--strict');
    assert.equal(r.code, 1, r.stdout);
    const json = JSON.parse((await runCli('check', '--oci-layout', ref, '--format', 'json')).stdout) as { warnings: number; problems: Array<{ severity: string; code: string; where: string; digest: string; path: string }> };
    assert.equal(json.warnings, 1);
    assert.deepEqual(json.problems.map((p) => [p.severity, p.code, p.digest, p.path]), [['warning', 'end-of-life-passed', passed.digest, `annotations["${EOL}"]`]]);
  });

  it('a date within 30 days is a note that never fails the check, --strict or not; checkGraph judges at the time it is given', async () => {
    const { store, index } = await makeMultiArchLayout();
    const soon = dayOf(Date.now() + 10 * 86_400_000);
    const note = await makeArtifact(store, { subject: index, artifactType: LIFECYCLE, annotations: { [EOL]: soon } });
    const r = await runCli('check', '--oci-layout', `${store.location}:multi`, '--strict');
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, new RegExp(`note {4}annotations\\[".*"\\]: end of life ${soon} is in (9|10) days`));
    const later = await checkGraph(store, index, 'multi', { now: new Date(Date.parse(soon) + 86_400_000) });
    assert.deepEqual(later.problems.map((p) => [p.severity, p.code, p.digest]), [['warning', 'end-of-life-passed', note.digest]]);
    const before = await checkGraph(store, index, 'multi', { now: new Date(Date.parse(soon) - 40 * 86_400_000) });
    assert.deepEqual(before.problems, []);
  });
});
