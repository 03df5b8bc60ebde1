// notation's trust policy on a real registry (distribution 2.8: the Notary referrers in their subject's fallback
// tag): the statement is picked by the reference's own registry/repository, exact over the wildcard, and
// --notary-scope picks another; a level that only logs lets through what strict refuses.
import { strict as assert } from 'node:assert';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachNotary, signJws } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;
const STORE = join(__dirname, '..', 'fixtures', 'notary-policy', 'truststore');

describeRegistry('Notary trust policy on docker-registry (distribution 2.8)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  it("picks the statement by the reference's registry/repository (exact over *), or by --notary-scope", async () => {
    const store = await newLayout();
    const image = await makeImage(store, { os: 'linux', arch: 'amd64' });
    await store.tag(image, 'v1');
    // Signed under notary-made's root, with an expiry passed: strict refuses it; a level logging expiry takes it.
    await attachNotary(store, image, signJws({ target: image, protected: { 'io.cncf.notary.expiry': '2026-01-03T00:00:00Z', crit: ['io.cncf.notary.signingScheme', 'io.cncf.notary.expiry'] } }));
    const ref = `${registry.host}/policy/app:v1`;
    let r = await runCli('cp', '-r', '--plain-http', '--from-oci-layout', `${store.location}:v1`, ref);
    assert.equal(r.code, 0, r.stderr);

    const dir = tempDir();
    symlinkSync(STORE, join(dir, 'truststore'));
    const policy = join(dir, 'trustpolicy.json');
    const statement = (name: string, scopes: string[], level: string) => ({ name, registryScopes: scopes, signatureVerification: { level }, trustStores: ['ca:made'], trustedIdentities: ['x509.subject: C=US, ST=WA, O=example.com'] });
    writeFileSync(policy, JSON.stringify({ version: '1.0', trustPolicies: [statement('app', [`${registry.host}/policy/app`], 'permissive'), statement('rest', ['*'], 'strict')] }));

    r = await runCli('verify', '--plain-http', '--notary-trust-policy', policy, '--format', 'json', ref);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    let doc = JSON.parse(r.stdout);
    assert.equal(doc.notary.scope, `${registry.host}/policy/app`);
    const s = doc.manifests[0].signatures[0];
    assert.deepEqual([s.valid, s.via, s.trustPolicy.name, s.trustPolicy.level, s.trustPolicy.logged.map((l: { check: string }) => l.check)], [true, ['referrers'], 'app', 'permissive', ['expiry']]);

    // Another scope: the wildcard statement, strict: refused as expired.
    r = await runCli('verify', '--plain-http', '--notary-trust-policy', policy, '--notary-scope', `${registry.host}/policy/other`, '--format', 'json', ref);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    doc = JSON.parse(r.stdout);
    assert.deepEqual([doc.manifests[0].signatures[0].problem, doc.manifests[0].signatures[0].trustPolicy.name], ['signature-expired', 'rest']);

    // No statement for it: an error naming the scope.
    writeFileSync(policy, JSON.stringify({ version: '1.0', trustPolicies: [statement('other', [`${registry.host}/policy/other`], 'strict')] }));
    r = await runCli('verify', '--plain-http', '--notary-trust-policy', policy, ref);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${registry.host.replace(/[.]/g, '\\.')}/policy/app: no statement of .*trustpolicy\\.json applies to it`));
  });
});
