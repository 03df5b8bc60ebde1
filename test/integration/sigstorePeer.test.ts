// sign and attest --new-bundle-format on a real registry (distribution 2.8: no referrers API, so the bundle
// referrers are listed in the fallback tag sha256-<hex>): verify and verify-attestation find and verify them there,
// cp -r carries them to a layout where both verify them again, and sigstore-js (Sigstore's own JS verifier, a real
// peer) verifies the bundles as they arrived, with our key under its hint.
import { strict as assert } from 'node:assert';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKeyDetails } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { OciLayoutStore } from '../../src/oci/layout';
import { encryptCosignKey } from '../../src/oci/signatures';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describeRegistry('Sigstore bundles manifold writes, on docker-registry (distribution 2.8), read by sigstore-js', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  it('sign -r and attest --new-bundle-format there (fallback tags); verify, verify-attestation valid; cp -r to a layout carries them, valid there and to sigstore-js', async () => {
    const dir = tempDir('manifold-bundles-');
    const file = (name: string) => join(dir, name);
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(file('cosign.key'), encryptCosignKey(keys.privateKey, 'pw'));
    writeFileSync(file('pass'), 'pw');
    writeFileSync(file('cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(file('sbom.spdx.json'), '{"spdxVersion":"SPDX-2.3","name":"app"}');
    const { store, index, children } = await makeMultiArchLayout();
    const ref = `${registry.host}/bundles/app:v1`;
    let r = await runCli('cp', '-r', '--from-oci-layout', `${store.location}:multi`, ref, '--plain-http');
    assert.equal(r.code, 0, r.stderr);

    const keyFlags = ['--key', file('cosign.key'), '--passphrase-file', file('pass'), '--new-bundle-format', '--plain-http'];
    r = await runCli('sign', ...keyFlags, '--recursive', ref);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('Signed ')).length, 1 + children.length);
    r = await runCli('attest', ...keyFlags, '--type', 'spdxjson', '--predicate', file('sbom.spdx.json'), ref);
    assert.equal(r.code, 0, r.stderr);

    // No referrers API: each subject's referrers are listed in its fallback tag, and no cosign .sig/.att tag is made.
    const tags = (await runCli('repo', 'tags', '--all', '--format', 'text', '--plain-http', `${registry.host}/bundles/app`)).stdout.split('\n').filter(Boolean).sort();
    assert.deepEqual(tags, [...[index, ...children].map((d) => d.digest.replace(':', '-')), 'v1'].sort());

    const verifyBoth = async (where: string[]) => {
      let v = await runCli('verify', '--key', file('cosign.pub'), '--recursive', '--format', 'json', ...where);
      assert.equal(v.code, 0, v.stderr + v.stdout);
      const manifests = (JSON.parse(v.stdout) as Json).manifests as Json[];
      assert.equal(manifests.length, 1 + children.length);
      for (const m of manifests) assert.ok(m.signatures.some((s: Json) => s.valid && s.format === 'bundle' && s.predicateType === 'https://sigstore.dev/cosign/sign/v1'), JSON.stringify(m));
      v = await runCli('verify-attestation', '--key', file('cosign.pub'), '--type', 'spdxjson', '--format', 'json', ...where);
      assert.equal(v.code, 0, v.stderr + v.stdout);
      const atts = (JSON.parse(v.stdout) as Json).manifests[0].attestations as Json[];
      assert.deepEqual(atts.map((a) => [a.valid, a.format, a.predicateType, a.via]), [[true, 'bundle', 'https://spdx.dev/Document', ['referrers']]]);
    };
    await verifyBoth(['--plain-http', ref]);

    const copy = join(tempDir(), 'copy');
    r = await runCli('cp', '-r', '--plain-http', ref, '--to-oci-layout', `${copy}:v1`);
    assert.equal(r.code, 0, r.stderr);
    await verifyBoth(['--oci-layout', `${copy}:v1`]);

    // sigstore-js verifies every bundle that arrived in the layout, trusting our key alone under cosign's hint.
    const der = keys.publicKey.export({ type: 'spki', format: 'der' });
    const hint = createHash('sha256').update(der).digest('base64');
    const trust = toTrustMaterial({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }, { [hint]: { rawBytes: der, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256 } });
    const peer = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
    const layout = await OciLayoutStore.open(copy);
    const seen: string[] = [];
    for (const subject of [index, ...children]) {
      for await (const referrer of layout.referrers(subject)) {
        const doc = JSON.parse((await layout.fetchBytes(referrer)).toString('utf8')) as Json;
        const bundle = bundleFromJSON(JSON.parse((await layout.fetchBytes(doc.layers[0])).toString('utf8')));
        peer.verify(toSignedEntity(bundle));
        const payload = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope.payload : Buffer.alloc(0);
        const statement = JSON.parse(Buffer.from(payload).toString('utf8')) as Json;
        assert.deepEqual(statement.subject.map((s: Json) => `sha256:${s.digest.sha256}`), [subject.digest]);
        seen.push(`${subject.digest === index.digest ? 'index' : 'child'} ${statement.predicateType}`);
      }
    }
    assert.deepEqual(seen.sort(), ['index https://sigstore.dev/cosign/sign/v1', 'index https://spdx.dev/Document', ...children.map(() => 'child https://sigstore.dev/cosign/sign/v1')].sort());
  });
});
