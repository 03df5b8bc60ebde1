// `manifold coverage` with trust flags: each cell verified as `verify -r` and `verify-attestation -r` would, and
// `--require` counting only verified cells where there is something to verify. Keys made here by node:crypto.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { made } from '../helpers/notaryEnvelopes';
import { runCli, runCliIn } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from './builders';
import { makeSigned, short, type Signed } from './signedCoverageLayout';

after(cleanupTemps);

describe('manifold coverage with trust flags (verified cells)', () => {
  let s: Signed;
  before(async () => {
    s = await makeSigned();
  });

  it('without a key it counts, as before: --require signature,sbom is met by the forged signature', async () => {
    const r = await runCliIn(s.dir, 'coverage', '--oci-layout', 'layout:v1', '--require', 'signature,sbom');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        `IMAGE                               SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE`,
        `index ${short(s.index)}        -          -     -           -`,
        `linux/amd64 ${short(s.amd64)}  1          1     -           -`,
        `linux/arm64 ${short(s.arm64)}  1          1     -           -`,
        '',
      ].join('\n'),
    );
    assert.equal(r.stderr, '');
  });

  it('with --key: ✓ for what cosign.pub verifies, ✗ for the forged signature, nothing marked on the plain SPDX referrer', async () => {
    const r = await runCliIn(s.dir, 'coverage', '--key', 'cosign.pub', '--oci-layout', 'layout:v1');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        `IMAGE                               SIGNATURE  SBOM  PROVENANCE  END-OF-LIFE`,
        `index ${short(s.index)}        -          -     -           -`,
        `linux/amd64 ${short(s.amd64)}  1 ✓        1 ✓   -           -`,
        `linux/arm64 ${short(s.arm64)}  1 ✗        1     -           -`,
        '',
      ].join('\n'),
    );
  });

  it('--require signature,sbom with --key: exit code 3 naming the signature cosign.pub does not verify; the plain SBOM counts, with a note', async () => {
    const r = await runCliIn(s.dir, 'coverage', '--key', 'cosign.pub', '--oci-layout', 'layout:v1', '--require', 'signature,sbom');
    assert.equal(r.code, 3, r.stderr);
    assert.equal(
      r.stderr,
      [
        `linux/arm64: signature present but not verified by cosign.pub (layout@${s.arm64.digest})`,
        'Note: linux/arm64: sbom present, nothing to verify (no cosign signature or attestation): counted as present',
        'Error: 1 required referrer not verified (signature, sbom required on every platform manifest, verified by cosign.pub where there is something to verify)',
        '',
      ].join('\n'),
    );
    // Either key given: the forged one is another's, valid under other.pub; amd64's then under cosign.pub.
    const both = await runCliIn(s.dir, 'coverage', '--key', 'cosign.pub', '--key', 'other.pub', '--oci-layout', 'layout:v1', '--require', 'signature');
    assert.equal(both.code, 0, both.stderr);
    assert.match(both.stdout, /linux\/arm64 \S+ {2}1 ✓/);
    // Only other.pub: amd64's signature and SBOM attestation are not verified.
    const other = await runCliIn(s.dir, 'coverage', '--key', 'other.pub', '--oci-layout', 'layout:v1', '--require', 'sbom');
    assert.equal(other.code, 3);
    assert.match(other.stderr, /^linux\/amd64: sbom present but not verified by other\.pub \(layout@sha256:[0-9a-f]{64}\)$/m);
    assert.doesNotMatch(other.stderr, /linux\/amd64: signature/, 'signature is not required here');
  });

  it('--format json: the trust asked at the top, each cell verified (valid, by) or with nothing to verify, the unverified named', async () => {
    const r = await runCliIn(s.dir, 'coverage', '--key', 'cosign.pub', '--oci-layout', 'layout:v1', '--require', 'signature', '--format', 'json');
    assert.equal(r.code, 3, r.stderr);
    const j = JSON.parse(r.stdout) as {
      version: number;
      trust: { keys: Array<{ name: string; type: string }> };
      manifests: Array<{ label: string; cells?: Record<string, unknown> }>;
      missing: unknown[];
      unverified: Array<{ label: string; digest: string; kind: string }>;
    };
    assert.equal(j.version, 1);
    assert.deepEqual(j.trust, { keys: [{ name: 'cosign.pub', type: 'ecdsa-p256' }] });
    assert.deepEqual(
      j.manifests.map((m) => [m.label, m.cells]),
      [
        ['index', {}],
        ['linux/amd64', { signature: { verified: { valid: true, by: ['cosign.pub'] } }, sbom: { verified: { valid: true, by: ['cosign.pub'] } } }],
        ['linux/arm64', { signature: { verified: { valid: false, by: [] } }, sbom: { nothingToVerify: true } }],
      ],
    );
    assert.deepEqual(j.missing, []);
    assert.deepEqual(j.unverified, [{ label: 'linux/arm64', digest: s.arm64.digest, kind: 'signature' }]);
    // Without trust flags the JSON is as it was: no trust, no cells, no unverified.
    const plain = JSON.parse((await runCliIn(s.dir, 'coverage', '--oci-layout', 'layout:v1', '--format', 'json')).stdout) as Record<string, unknown> & { manifests: Array<Record<string, unknown>> };
    assert.ok(!('trust' in plain) && !('unverified' in plain) && plain.manifests.every((m) => !('cells' in m)));
  });

  it('refuses a Rekor key alone (it trusts no signer), and a key file that cannot be read', async () => {
    const rekor = await runCliIn(s.dir, 'coverage', '--rekor-key', 'cosign.pub', '--oci-layout', 'layout:v1');
    assert.equal(rekor.code, 1, rekor.stderr);
    assert.match(rekor.stderr, /--rekor-key verifies what a key or an identity signed: give --key FILE/);
    const gone = await runCliIn(s.dir, 'coverage', '--key', 'gone.pub', '--oci-layout', 'layout:v1');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /--key gone\.pub: ENOENT/);
  });
});

describe('manifold coverage with Notary roots', () => {
  it('signature cells verified under --notary-roots: ✓ for a chain to the root given, ✗ for another root; --require signature says which', async () => {
    const { store, children } = await makeMultiArchLayout();
    const dir = tempDir();
    const chain = (leaf: string, root: string) => {
      const file = join(dir, `${leaf}.crt`);
      writeFileSync(file, [leaf, ...(root === 'root' ? ['intermediate'] : []), root].map((n) => readFileSync(made(`${n}.pem`), 'utf8')).join(''));
      return file;
    };
    // linux/amd64 signed under root.pem, linux/arm64 under another root.
    const [amd64, arm64] = children;
    for (const [leaf, root, platform] of [['leaf', 'root', 'linux/amd64'], ['otherleaf', 'otherroot', 'linux/arm64']] as const) {
      const r = await runCli('sign', '--notary-key', made(`${leaf}.key.pem`), '--notary-certificate', chain(leaf, root), '--platform', platform, '--oci-layout', `${store.location}:multi`);
      assert.equal(r.code, 0, r.stderr);
    }
    const ref = `${store.location}:multi`;
    const table = await runCli('coverage', '--notary-roots', made('root.pem'), '--oci-layout', ref);
    assert.equal(table.code, 0, table.stderr);
    const signatureCells = table.stdout.split('\n').slice(1, 4).map((l) => l.split(/\s{2,}/)[1]);
    assert.deepEqual(signatureCells, ['-', '1 ✓', '1 ✗']);
    const required = await runCli('coverage', '--notary-roots', made('root.pem'), '--require', 'signature', '--oci-layout', ref);
    assert.equal(required.code, 3, required.stderr);
    assert.match(required.stderr, new RegExp(`^linux/arm64: signature present but not verified by .*root\\.pem .*@${arm64!.digest}\\)$`, 'm'));
    assert.doesNotMatch(required.stderr, new RegExp(amd64!.digest));
    const both = await runCli('coverage', '--notary-roots', made('root.pem'), '--notary-roots', made('otherroot.pem'), '--require', 'signature', '--oci-layout', ref);
    // The third platform (linux/arm/v7) carries no signature at all: the only platform --require names then.
    assert.equal(both.code, 3, both.stderr);
    assert.doesNotMatch(both.stderr, /linux\/arm64/);
    assert.match(both.stderr, /linux\/arm\/v7/);
  });
});
