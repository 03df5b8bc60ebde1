// cosign 3's Sigstore bundle (test/fixtures/sigstore-bundle) on a real registry (distribution 2.8: no referrers API,
// so the referrer is listed in its fallback tag sha256-<hex>): cp -r carries it there and back, and verify finds and
// checks it on the registry and in the layout copied back, keyless and offline.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';
import { attachBundle, attestation, FULCIO_V1, IDENTITY, ISSUER, REKOR_PUB, sigstoreFixture, storeImage } from '../helpers/sigstoreBundles';
import { cleanupTemps, newLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('Sigstore bundles on docker-registry (distribution 2.8)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  const keyless = ['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER, '--ca-roots', FULCIO_V1, '--ca-intermediates', sigstoreFixture('fulcio_intermediate.pem'), '--rekor-key', REKOR_PUB];
  const verified = /: verified by certificate for cody@soyland\.com \(https:\/\/github\.com\/login\/oauth\), logged by Rekor at 2025-02-28T19:18:11Z \(inclusion proof verified\), signed as 127\.0\.0\.1:60943\/repo\n$/;

  it('cp -r carries the bundle referrer to the registry (fallback tag) and back; verify finds it both places, and refuses another identity', async () => {
    const store = await newLayout();
    const image = await storeImage(store);
    await attachBundle(store, image, attestation());
    const ref = `${registry.host}/bundles/cosign3:v1`;
    let r = await runCli('cp', '-r', '--plain-http', '--from-oci-layout', `${store.location}:v1`, ref);
    assert.equal(r.code, 0, r.stderr);

    r = await runCli('verify', ...keyless, '--plain-http', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, verified);
    r = await runCli('verify', ...keyless.map((f) => (f === IDENTITY ? 'someone@example.com' : f)), '--plain-http', '--format', 'json', ref);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout) as { manifests: Array<{ signatures: Array<{ problem?: string; via: string[]; format?: string }> }> };
    assert.deepEqual(doc.manifests[0]!.signatures.map((s) => [s.problem, s.via, s.format]), [['certificate-identity-mismatch', ['referrers'], 'bundle']]);

    const back = join(tempDir(), 'back');
    r = await runCli('cp', '-r', '--plain-http', ref, '--to-oci-layout', `${back}:v1`);
    assert.equal(r.code, 0, r.stderr);
    r = await runCli('verify', ...keyless, '--oci-layout', `${back}:v1`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, verified);
  });
});
