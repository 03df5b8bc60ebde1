// inspect on a real registry (distribution 2.8: no referrers API, each referrer listed in its subject's fallback tag
// sha256-<hex>): after cp -r, every signature a layout held in all three formats (cosign's .sig tag, a Sigstore
// bundle referrer, a Notary JWS referrer) and every attestation (cosign's .att tag, a Sigstore bundle referrer) is
// found there and described as it was in the layout.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignKeyFiles } from '../helpers/cosignKeys';
import { made } from '../helpers/notaryEnvelopes';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describeRegistry('inspect on docker-registry (distribution 2.8)', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  it('after cp -r: every signature and attestation of every manifest found and described as in the layout', async () => {
    const { store, index } = await makeMultiArchLayout();
    const k = cosignKeyFiles();
    const at = `${store.location}:multi`;
    const chain = join(tempDir(), 'chain.pem');
    writeFileSync(chain, ['leaf', 'intermediate', 'root'].map((n) => readFileSync(made(`${n}.pem`), 'utf8')).join(''));
    const ok = async (...argv: string[]) => {
      const r = await runCli(...argv);
      assert.equal(r.code, 0, r.stderr);
    };
    await ok('sign', '--key', k.key, '--passphrase-file', k.pass, '--identity', 'r.example/app:v1', '--recursive', '--oci-layout', at);
    await ok('sign', '--key', k.key, '--passphrase-file', k.pass, '--new-bundle-format', '--platform', 'linux/amd64', '--oci-layout', at);
    await ok('sign', '--notary-key', made('leaf.key.pem'), '--notary-certificate', chain, '--platform', 'linux/arm64', '--oci-layout', at);
    const sbom = join(tempDir(), 'sbom.json');
    writeFileSync(sbom, JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'app' }));
    const attest = ['attest', '--key', k.key, '--passphrase-file', k.pass, '--predicate', sbom, '--type', 'spdxjson', '--subject-name', 'r.example/app'];
    await ok(...attest, '--platform', 'linux/arm64', '--oci-layout', at);
    await ok(...attest, '--new-bundle-format', '--platform', 'linux/amd64', '--oci-layout', at);
    const ref = `${registry.host}/inspect/app:v1`;
    await ok('cp', '-r', '--plain-http', '--from-oci-layout', at, ref);

    const json = async (...argv: string[]) => {
      const r = await runCli('inspect', '--recursive', '--format', 'json', ...argv);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      return JSON.parse(r.stdout) as Json;
    };
    const inLayout = await json('--oci-layout', at);
    const inRegistry = await json('--plain-http', ref);
    // What each signature says, and how it is found, apart from where the image is.
    const facts = (doc: Json) => (doc.manifests as Json[]).map((m) => [m.digest, ...['signatures', 'attestations'].map((k) => (m[k] as Json[]).map((s) => ({ ...s, via: undefined })))]);
    assert.deepEqual(facts(inRegistry), facts(inLayout));
    const formats = (inRegistry.manifests as Json[]).map((m) => (m.signatures as Json[]).map((s) => s.format).sort().join());
    assert.equal(inRegistry.manifests[0].digest, index.digest);
    assert.deepEqual(formats, ['cosign', 'bundle,cosign', 'cosign,notary', 'cosign']);
    const attested = (inRegistry.manifests as Json[]).map((m) => (m.attestations as Json[]).map((a) => `${a.format} ${a.envelope?.statement?.predicateType}`).join());
    assert.deepEqual(attested, ['', 'bundle https://spdx.dev/Document', 'cosign https://spdx.dev/Document', '']);
    for (const m of inRegistry.manifests as Json[]) for (const s of [...m.signatures, ...m.attestations] as Json[]) assert.equal(s.problem, undefined, JSON.stringify(s));
    for (const m of inRegistry.manifests as Json[]) for (const a of m.attestations as Json[]) assert.equal(a.envelope.statement.namesThisManifest, true, JSON.stringify(a));
    const classic = (inRegistry.manifests as Json[]).flatMap((m) => (m.signatures as Json[]).filter((s) => s.format === 'cosign'));
    for (const s of classic) assert.deepEqual(s.via, ['cosign-tag']);

    const text = await runCli('inspect', '--plain-http', '--platform', 'linux/arm64', ref);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /: 2 signatures, 1 attestation \(claims as they read: nothing verified\)\n/);
    assert.ok(text.stdout.includes(`(tag sha256-${(inRegistry.manifests as Json[])[2].digest.slice(7)}.att)`), text.stdout);
    assert.ok(text.stdout.includes('signing scheme: notary.x509') && text.stdout.includes('docker-reference: r.example/app:v1'), text.stdout);
  });
});
