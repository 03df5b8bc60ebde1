// What verification reads, counted (bench/verify.ts measures the same on a 50-platform index): coverage --key walks
// an image three times (coverage, signatures, attestations), each manifest's referrers listed and the reference
// resolved once for all three (oneRunReads), with the answers unchanged.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyImageAttestations } from '../../src/oci/attestations';
import { DigestReads } from '../../src/oci/digestReads';
import { oneRunReads } from '../../src/oci/oneRunReads';
import { referrerCoverage, verifiedCoverage } from '../../src/oci/referrers';
import { loadNotaryRoots, loadNotarySigner, loadPublicKey, signKey, signManifestBundle, signManifestNotary, verifyImage, verifySignatures } from '../../src/oci/signatures';
import { type ReadOnlyTarget, withMembers } from '../../src/oci/target';
import { countingReads } from '../helpers/countingReads';
import { made } from '../helpers/notaryEnvelopes';
import { cleanupTemps } from './builders';
import { makeSigned, type Signed } from './signedCoverageLayout';

after(cleanupTemps);

const times = (reads: string[]) => {
  const n = new Map<string, number>();
  for (const r of reads) n.set(r, (n.get(r) ?? 0) + 1);
  return n;
};

describe('verification reads', () => {
  let s: Signed;
  const keys = () => [loadPublicKey('cosign.pub', readFileSync(join(s.dir, 'cosign.pub')))];
  // One clock for both runs: a Notary result says when its certificate was checked.
  const now = new Date();
  const notary = () => ({ roots: loadNotaryRoots('root.pem', readFileSync(made('root.pem'))), authorityRoots: [], identities: [], now });
  before(async () => {
    s = await makeSigned();
    // Referrers beside the cosign tags: a Sigstore bundle and a Notary signature of the index and of linux/amd64.
    const chain = ['leaf', 'intermediate', 'root'].map((n) => readFileSync(made(`${n}.pem`), 'utf8')).join('');
    const signer = loadNotarySigner('leaf.key.pem', readFileSync(made('leaf.key.pem')), 'chain.pem', Buffer.from(chain));
    const { privateKey } = await import('node:crypto').then((c) => c.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
    for (const subject of [s.index, s.amd64]) {
      await signManifestBundle(s.store, subject, signKey('bundle.key', privateKey));
      await signManifestNotary(s.store, subject, signer);
    }
  });

  /** coverage --key --notary-roots as the CLI composes it, over `wrap` of the counted store. */
  const coverageWithTrust = async (wrap: (t: ReadOnlyTarget) => ReadOnlyTarget) => {
    const counted = countingReads(s.store);
    const target = new DigestReads().over(wrap(counted.target));
    const report = await referrerCoverage(target, 'v1');
    const [signatures, attestations] = await Promise.all([
      verifyImage(target, 'v1', keys(), { recursive: true, notary: notary() }),
      verifyImageAttestations(target, 'v1', keys(), { recursive: true }),
    ]);
    return { reads: counted.reads, report, signatures, attestations, cells: verifiedCoverage(report, { signatures, attestations }) };
  };

  it('coverage --key: each referrers listing and the reference asked once for the three walks (three times each without), answers unchanged', async () => {
    const before = await coverageWithTrust((t) => t);
    const after = await coverageWithTrust(oneRunReads);
    const manifests = [s.index, s.amd64, s.arm64];
    for (const m of manifests) assert.equal(times(before.reads).get(`referrers ${m.digest}`), 3, `before: ${m.digest}`);
    assert.equal(times(before.reads).get('resolve v1'), 3);
    for (const m of manifests) assert.equal(times(after.reads).get(`referrers ${m.digest}`), 1, `after: ${m.digest}`);
    assert.equal(times(after.reads).get('resolve v1'), 1);
    // cosign's tags are resolved by name: .sig, .att, .sbom for coverage; .sig for verify, .att for verify-attestation.
    for (const m of manifests) for (const suffix of ['sig', 'att']) assert.equal(times(after.reads).get(`resolve ${m.digest.replace(':', '-')}.${suffix}`), 1, `${m.digest} .${suffix}`);
    // Every read once: no manifest fetched twice.
    assert.deepEqual([...times(after.reads)].filter(([, n]) => n > 1), []);
    assert.deepEqual(after.report, before.report);
    assert.deepEqual(after.signatures, before.signatures);
    assert.deepEqual(after.attestations, before.attestations);
    assert.deepEqual(after.cells, before.cells);
    // The walks saw what they check: amd64 signed by cosign.pub and by Notary (its bundle by another key).
    const amd64 = after.signatures.manifests.find((m) => m.subject.digest === s.amd64.digest)!;
    assert.deepEqual(amd64.signatures.map((r) => [r.valid, r.format ?? 'cosign']).sort(), [[false, 'bundle'], [true, 'cosign'], [true, 'notary']].sort());
    assert.equal(after.cells.get(s.amd64.digest)?.get('signature')?.verified?.valid, true);
  });

  it('verify: the signature manifests of one manifest read at once (three here), each once, results in digest order', async () => {
    const counted = countingReads(s.store);
    let active = 0;
    let peak = 0;
    // Each manifest read waits a turn of the event loop: reads asked together are all in flight before any ends.
    const fetchBytes: ReadOnlyTarget['fetchBytes'] = async (desc, options) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setImmediate(r));
      try {
        return await counted.target.fetchBytes(desc, options);
      } finally {
        active--;
      }
    };
    const target = withMembers(counted.target, { fetchBytes });
    const r = await verifySignatures(target, s.amd64, keys(), { notary: notary() });
    assert.equal(r.signatures.length, 3);
    assert.equal(peak, 3);
    assert.deepEqual([...times(counted.reads)].filter(([, n]) => n > 1), []);
    assert.equal(times(counted.reads).get(`referrers ${s.amd64.digest}`), 1);
    const manifests = r.signatures.map((x) => x.manifest);
    assert.deepEqual(manifests, [...manifests].sort());
    assert.deepEqual(r, await verifySignatures(s.store, s.amd64, keys(), { notary: notary() }));
  });
});
