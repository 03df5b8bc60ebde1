// cp -r --only: the referrers carried picked by kind (as coverage tells them) or artifact type, at every depth, on
// layouts made here with `manifold attach` and `manifold sign`; what the copy's layout lists is the proof.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OciLayoutStore } from '../../src/oci/layout';
import { cosignTag } from '../../src/oci/referrers';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';
import { carried, made, type Made, SCAN } from './referrerKindsLayout';

after(cleanupTemps);

describe('cp -r --only', () => {
  let m: Made;
  before(async () => {
    m = await made();
  });

  const copyTo = async (...flags: string[]) => {
    const b = join(tempDir(), 'b');
    const r = await runCli('cp', '-r', ...flags, '--from-oci-layout', '--to-oci-layout', `${m.a}:multi`, `${b}:multi`);
    assert.equal(r.code, 0, r.stderr);
    return carried(b, m);
  };

  it('everything without it: six referrers and the cosign tag', async () => {
    const got = await copyTo();
    const d = m.digests;
    assert.deepEqual(got.referrers, [d.signature, d.sbom, d.sbomSignature, d.scan, d.scanSignature].sort());
    assert.deepEqual(got.tags, [cosignTag(m.index.digest, 'sig'), 'multi'].sort());
  });

  it('signature: the signatures of what is copied, cosign\'s .sig tag too; not the SBOM, nor the SBOM\'s signature (its subject is left)', async () => {
    const got = await copyTo('--only', 'signature');
    assert.deepEqual(got.referrers, [m.digests.signature]);
    assert.deepEqual(got.tags, [cosignTag(m.index.digest, 'sig'), 'multi'].sort());
  });

  it('signature,sbom: the SBOM and its signature too; the scan and its signature left', async () => {
    const got = await copyTo('--only', 'signature,sbom');
    const d = m.digests;
    assert.deepEqual(got.referrers, [d.signature, d.sbom, d.sbomSignature].sort());
  });

  it('an artifact type pattern picks the scan alone (its signature is no scan); --only repeated adds', async () => {
    assert.deepEqual((await copyTo('--only', 'application/vnd.example.*')).referrers, [m.digests.scan]);
    const d = m.digests;
    const got = await copyTo('--only', 'application/vnd.example.*', '--only', 'signature');
    assert.deepEqual(got.referrers, [d.signature, d.scan, d.scanSignature].sort());
  });

  it('a kind of your own from --kinds', async () => {
    const kinds = join(tempDir(), 'kinds.json');
    writeFileSync(kinds, JSON.stringify({ kinds: [{ id: 'scan', artifactTypes: [SCAN] }] }));
    assert.deepEqual((await copyTo('--only', 'scan', '--kinds', kinds)).referrers, [m.digests.scan]);
  });

  it('the plan (--dry-run) lists what the copy carries', async () => {
    const b = join(tempDir(), 'b');
    const r = await runCli('cp', '-r', '--only', 'sbom', '--from-oci-layout', '--to-oci-layout', `${m.a}:multi`, `${b}:multi`, '--dry-run', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { referrers: Array<{ digest: string }>; cosignTags: unknown[]; referrersLeft: Array<{ digest: string; tag: string | null }> };
    assert.deepEqual(plan.referrers.map((x) => x.digest), [m.digests.sbom]);
    assert.deepEqual(plan.cosignTags, []);
    // Left: the index's signature and cosign tag, the scan; not the SBOM's signature (under what is kept, but no SBOM)
    // nor the scan's (below what is left).
    const d = m.digests;
    assert.deepEqual(
      plan.referrersLeft.map((x) => [x.digest, x.tag]).sort(),
      [
        [d.signature, null],
        [d.cosignSig, cosignTag(m.index.digest, 'sig')],
        [d.scan, null],
        [d.sbomSignature, null],
      ].sort(),
    );
    const text = await runCli('cp', '-r', '--only', 'sbom', '--from-oci-layout', '--to-oci-layout', `${m.a}:multi`, `${b}:multi`, '--dry-run');
    assert.match(text.stdout, new RegExp(`Left out by --only: 4, with what refers to them\n(  sha256:[0-9a-f]{64} .+\n){4}`));
    assert.match(text.stdout, new RegExp(`  ${d.cosignSig} cosign tag ${cosignTag(m.index.digest, 'sig')}\n`));
  });

  it('refused: an unknown kind (naming the kinds), --only without -r, --kinds without --only; nothing written', async () => {
    const b = join(tempDir(), 'b');
    const unknown = await runCli('cp', '-r', '--only', 'signature,sboms', '--from-oci-layout', '--to-oci-layout', `${m.a}:multi`, `${b}:multi`);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /--only: no kind "sboms" \(kinds: signature, sbom, provenance, end-of-life; an artifact type has a "\/"\)/);
    const noR = await runCli('cp', '--only', 'signature', '--from-oci-layout', '--to-oci-layout', `${m.a}:multi`, `${b}:multi`);
    assert.equal(noR.code, 1);
    assert.match(noR.stderr, /--only picks among the referrers -r copies; add -r/);
    const kindsAlone = await runCli('cp', '-r', '--kinds', 'k.json', '--from-oci-layout', '--to-oci-layout', `${m.a}:multi`, `${b}:multi`);
    assert.equal(kindsAlone.code, 1);
    assert.match(kindsAlone.stderr, /--kinds names the kinds --only may pick; give --only too/);
    const empty = await runCli('cp', '-r', '--only', 'signature,', '--from-oci-layout', '--to-oci-layout', `${m.a}:multi`, `${b}:multi`);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /--only: name kinds/);
    assert.equal(await OciLayoutStore.open(b).then(() => 'made', () => 'absent'), 'absent');
  });
});
