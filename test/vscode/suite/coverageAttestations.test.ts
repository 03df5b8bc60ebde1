import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../../src/extension/services';
import { attestManifest, attestManifestBundle } from '../../../src/oci/attestations';
import type { Descriptor } from '../../../src/oci/descriptor';
import { signKey } from '../../../src/oci/signatures';
import type { CoverageModel } from '../../../src/shared/coverageProtocol';
import { GHA, keylessAttestation, rekorLog, storeAttestations, WORKFLOW } from '../../helpers/keylessAttestations';
import { makeArtifact, makeImage, makeIndex, newLayout } from '../../unit/builders';

const show = (layout: string) => vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout, reference: 'v1' });
const set = (name: string, value: unknown) => vscode.workspace.getConfiguration('manifold').update(name, value, vscode.ConfigurationTarget.Global);

/** A cell of the row labelled `label` as the page gets it: its state, count, what its verification says. */
function cell(m: CoverageModel, label: string, kind: string) {
  const c = m.rows.find((r) => r.label === label)?.cells.find((x) => x.kind === kind);
  assert.ok(c, `no ${kind} cell in ${label}`);
  return { state: c.state, count: c.count, verified: c.verified, nothingToVerify: c.nothingToVerify };
}

/**
 * The coverage page's attestation cells (sbom, provenance) verified with the keys and identities set, as Verify
 * Attestations… verifies them: cosign attestations made by the core as `cosign attest` makes them, one signed with
 * the key set, one forged (signed by another key), and a keyless one for an identity (test/helpers/keylessAttestations.ts).
 * A plain OCI referrer SBOM has nothing to verify.
 */
describe('Referrer coverage page: attestation cells verified', () => {
  let services: Services;
  let files: string;
  let keyed: string;
  let keyless: string;

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    ({ services } = await ext.activate());
    files = mkdtempSync(join(tmpdir(), 'manifold-coverage-att-'));
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const forger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(join(files, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));

    // v1: linux/amd64 with provenance signed by cosign.pub and an SPDX statement the forger signed (one `.att`
    // tag, two layers); linux/arm64 with forged provenance and an SPDX document attached as a plain referrer.
    const store = await newLayout();
    keyed = store.location;
    const amd64 = await makeImage(store, { arch: 'amd64' });
    const arm64 = await makeImage(store, { arch: 'arm64' });
    await store.tag(await makeIndex(store, [amd64, arm64]), 'v1');
    const attest = (subject: Descriptor, key: typeof pair, type: string, predicate: object) =>
      attestManifest(store, subject, signKey('cosign.key', key.privateKey), type, Buffer.from(JSON.stringify(predicate)), 'registry.example.com/app');
    await attest(amd64, pair, 'slsaprovenance', { builder: { id: 'https://example.com/builder@v1' } });
    await attest(amd64, forger, 'spdxjson', { spdxVersion: 'SPDX-2.3', name: 'forged' });
    await attest(arm64, forger, 'slsaprovenance', { builder: { id: 'https://evil.example/builder' } });
    await makeArtifact(store, { subject: arm64, artifactType: 'application/spdx+json', content: '{"spdxVersion":"SPDX-2.3"}' });

    // A single image with an attestation made keyless for WORKFLOW, logged by a Rekor made here.
    const fixtures = join(ext.extensionPath, 'test', 'fixtures', 'cosign-keyless-made');
    copyFileSync(join(fixtures, 'root.pem'), join(files, 'root.pem'));
    const log = rekorLog(files, 'rekor');
    const single = await newLayout();
    keyless = single.location;
    const image = await makeImage(single);
    await single.tag(image, 'v1');
    await storeAttestations(single, image, [keylessAttestation(image, log, Math.floor(Date.now() / 1000) - 60, { fixtures })]);
  });

  afterEach(async () => {
    for (const s of ['signatureKeys', 'signatureIdentities', 'signatureRoots', 'rekorKeys']) await set(s, undefined);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(files, { recursive: true, force: true });
  });

  it('nothing set: the attestation cells count, unverified, with nothing said of it', async () => {
    const m = await show(keyed);
    assert.deepEqual(cell(m, 'linux/amd64', 'provenance'), { state: 'present', count: 1, verified: undefined, nothingToVerify: undefined });
    assert.deepEqual(cell(m, 'linux/arm64', 'provenance'), { state: 'present', count: 1, verified: undefined, nothingToVerify: undefined });
    assert.deepEqual([m.unverified, m.keys, m.identities], [undefined, undefined, undefined]);
  });

  it('with the key: the provenance it signed verified, the forged provenance and SBOM not, the plain SBOM nothing to verify', async () => {
    const key = join(files, 'cosign.pub');
    await set('signatureKeys', [key]);
    const m = await show(keyed);
    assert.deepEqual(cell(m, 'linux/amd64', 'provenance'), { state: 'present', count: 1, verified: { valid: true, keys: [key] }, nothingToVerify: undefined });
    // The same `.att` manifest counts in the SBOM cell too: its SPDX layer is what speaks for that kind, and it is forged.
    assert.deepEqual(cell(m, 'linux/amd64', 'sbom'), { state: 'present', count: 1, verified: { valid: false, keys: [] }, nothingToVerify: undefined });
    assert.deepEqual(cell(m, 'linux/arm64', 'provenance'), { state: 'present', count: 1, verified: { valid: false, keys: [] }, nothingToVerify: undefined });
    assert.deepEqual(cell(m, 'linux/arm64', 'sbom'), { state: 'present', count: 1, verified: undefined, nothingToVerify: true });
    // No signatures here: the signature cells say nothing; the two forged cells are the banner's number.
    assert.deepEqual(cell(m, 'linux/amd64', 'signature'), { state: 'none', count: 0, verified: undefined, nothingToVerify: undefined });
    assert.deepEqual([m.unverified, m.keys, m.identities], [2, [key], []]);
    // What the page shows is that model.
    const subject = { ref: { kind: 'layout' as const, path: keyed }, reference: 'v1' };
    assert.deepEqual(services.coverage?.shown(subject)?.unverified, 2);
  });

  it('Sigstore bundle attestations (cosign 3\'s format): one the key signed verified, a forged one not, in the cells of their kinds', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const forger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(join(files, 'bundle.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const store = await newLayout();
    const amd64 = await makeImage(store, { arch: 'amd64' });
    const arm64 = await makeImage(store, { arch: 'arm64' });
    await store.tag(await makeIndex(store, [amd64, arm64]), 'v1');
    const attest = (subject: Descriptor, key: typeof pair, type: string, predicate: object) =>
      attestManifestBundle(store, subject, signKey('cosign.key', key.privateKey), type, Buffer.from(JSON.stringify(predicate)), 'registry.example.com/app');
    await attest(amd64, pair, 'slsaprovenance', { builder: { id: 'https://example.com/builder@v1' } });
    await attest(arm64, forger, 'spdxjson', { spdxVersion: 'SPDX-2.3', name: 'forged' });
    await set('signatureKeys', [join(files, 'bundle.pub')]);
    const m = await show(store.location);
    assert.deepEqual(cell(m, 'linux/amd64', 'provenance'), { state: 'present', count: 1, verified: { valid: true, keys: [join(files, 'bundle.pub')] }, nothingToVerify: undefined });
    assert.deepEqual(cell(m, 'linux/arm64', 'sbom'), { state: 'present', count: 1, verified: { valid: false, keys: [] }, nothingToVerify: undefined });
    assert.equal(m.unverified, 1);
  });

  it('with the identity: the keyless attestation verified naming the certificate; another identity: not verified', async () => {
    await set('signatureIdentities', [{ identity: WORKFLOW, issuer: GHA }]);
    await set('signatureRoots', [join(files, 'root.pem')]);
    await set('rekorKeys', [join(files, 'rekor.pub')]);
    const good = await show(keyless);
    // Its predicate type (cosign's `custom`) is of no kind: the `.att` tag counts it as provenance, and so it is verified there.
    assert.deepEqual(cell(good, 'linux/amd64', 'provenance'), { state: 'present', count: 1, verified: { valid: true, keys: [`the certificate for ${WORKFLOW} (${GHA})`] }, nothingToVerify: undefined });
    assert.deepEqual([good.unverified, good.keys, good.identities], [0, [], [`${WORKFLOW} (${GHA})`]]);
    await set('signatureIdentities', [{ identityRegexp: '^https://github\\.com/other/', issuer: GHA }]);
    const other = await show(keyless);
    assert.deepEqual(cell(other, 'linux/amd64', 'provenance').verified, { valid: false, keys: [] });
    assert.equal(other.unverified, 1);
    assert.match(other.identities?.join() ?? '', /other.* \(https:\/\/token\.actions\.githubusercontent\.com\)$/);
  });
});
