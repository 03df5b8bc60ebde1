import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { VerifyOutcome } from '../../../src/extension/commands/verifySignatures';
import type { Services } from '../../../src/extension/services';
import { digestOf } from '../../../src/oci/digest';
import { SIGSTORE_BUNDLE_MEDIA_TYPE } from '../../../src/oci/signatures';
import { newLayout, pushBlob, pushManifest } from '../../unit/builders';
import { recordMessages } from './extensionWindow';

const run = (...args: unknown[]) => vscode.commands.executeCommand<VerifyOutcome | undefined>('manifold.verifySignatures', ...args);

// cosign 3's keyless bundle (test/fixtures/sigstore-bundle), signed by cody@soyland.com's GitHub login.
const IDENTITY = 'cody@soyland.com';
const ISSUER = 'https://github.com/login/oauth';

/**
 * "Verify Signatures…" with `manifold.timestampCertificateChains`: cosign 3's keyless bundle with its SET taken away (as
 * a Rekor v2 entry has none: its inclusion proof stays) and an RFC 3161 timestamp of its signature by a TSA made with
 * OpenSSL (test/fixtures/rfc3161-made) is verified at the time stamped; without the chain its Fulcio certificate is
 * checked now, expired; a chain without a root is an error naming the setting.
 */
describe('Verify Signatures: RFC 3161 timestamps from manifold.timestampCertificateChains', () => {
  let layout: string;
  let files: string;
  let restore: (() => void) | undefined;
  const shown: Array<{ kind: string; message: string }> = [];
  const set = (name: string, value: unknown) => vscode.workspace.getConfiguration('manifold').update(name, value, vscode.ConfigurationTarget.Global);

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    // This suite is bundled elsewhere: the fixtures are the extension's.
    const fixture = (dir: string, name: string) => join(ext.extensionPath, 'test', 'fixtures', dir, name);
    files = mkdtempSync(join(tmpdir(), 'manifold-timestamps-'));
    writeFileSync(join(files, 'tsa-chain.pem'), ['tsa.pem', 'intermediate.pem', 'root.pem'].map((f) => readFileSync(fixture('rfc3161-made', f), 'utf8')).join(''));
    writeFileSync(join(files, 'tsa-leaf.pem'), readFileSync(fixture('rfc3161-made', 'tsa.pem')));
    writeFileSync(join(files, 'fulcio_v1.crt.pem'), readFileSync(fixture('cosign-keyless', 'fulcio_v1.crt.pem')));
    writeFileSync(join(files, 'fulcio_intermediate.pem'), readFileSync(fixture('sigstore-bundle', 'fulcio_intermediate.pem')));
    writeFileSync(join(files, 'rekor.pub'), readFileSync(fixture('cosign-keyless', 'rekor.pub')));

    // The image the bundle signs, tagged v1, and the bundle as cosign 3 attaches it: its SET gone, a timestamp added.
    const store = await newLayout();
    layout = store.location;
    await pushBlob(store, readFileSync(fixture('sigstore-bundle', 'config.json')), 'application/vnd.docker.container.image.v1+json');
    const bytes = readFileSync(fixture('sigstore-bundle', 'manifest.json'));
    const image = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: digestOf(bytes), size: bytes.length };
    await store.push(image, bytes);
    await store.tag(image, 'v1');
    const bundle = JSON.parse(readFileSync(fixture('sigstore-bundle', 'oci-attestation.sigstore.json'), 'utf8'));
    delete bundle.verificationMaterial.tlogEntries[0].inclusionPromise;
    bundle.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp: readFileSync(fixture('rfc3161-made', 'attestation.tok')).toString('base64') }] };
    await pushManifest(store, {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: SIGSTORE_BUNDLE_MEDIA_TYPE,
      config: await pushBlob(store, '{}', 'application/vnd.oci.empty.v1+json'),
      layers: [await pushBlob(store, Buffer.from(JSON.stringify(bundle)), SIGSTORE_BUNDLE_MEDIA_TYPE)],
      subject: image,
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': 'https://cosign.sigstore.dev/attestation/v1' },
    });

    restore = recordMessages(shown);
  });

  beforeEach(async () => {
    shown.length = 0;
    await set('signatureIdentities', [{ identity: IDENTITY, issuer: ISSUER }]);
    await set('signatureRoots', [join(files, 'fulcio_v1.crt.pem')]);
    await set('signatureIntermediates', [join(files, 'fulcio_intermediate.pem')]);
    await set('rekorKeys', [join(files, 'rekor.pub')]);
    await set('timestampCertificateChains', undefined);
  });

  after(async () => {
    restore?.();
    for (const s of ['signatureIdentities', 'signatureRoots', 'signatureIntermediates', 'rekorKeys', 'timestampCertificateChains']) await set(s, undefined);
    rmSync(files, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('with the chain: verified, the certificate checked at the time stamped, the timestamp in the result', async () => {
    await set('timestampCertificateChains', [join(files, 'tsa-chain.pem')]);
    const outcome = await run({ layout, reference: 'v1' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(outcome.summary, `v1: verified by the certificate for ${IDENTITY} (${ISSUER})`);
    const s = outcome.report.manifests[0]!.signatures[0]!;
    // The Problems entry says it as the CLI does.
    const entries = vscode.languages.getDiagnostics(vscode.Uri.parse(outcome.uris[0]!)).filter((d) => d.source === 'manifold verify').map((d) => d.message);
    assert.deepEqual(entries, [`v1: manifest verified by certificate for ${IDENTITY} (${ISSUER}), logged by Rekor (inclusion proof verified), timestamped by CN=made tsa, O=example at 2025-02-28T19:18:12Z, signed as 127.0.0.1:60943/repo`]);
    assert.deepEqual([s.valid, s.format, s.timestamp?.time, s.timestamp?.authority, s.certificate?.checkedAt, s.inclusionProof], [true, 'bundle', '2025-02-28T19:18:12.000Z', 'CN=made tsa, O=example', '2025-02-28T19:18:12.000Z', true]);
  });

  it('without it: the certificate checked now, expired; a chain without a root: an error naming the setting, nothing verified', async () => {
    const expired = await run({ layout, reference: 'v1' });
    assert.ok(expired, `the command returned nothing: ${JSON.stringify(shown)}`);
    const s = expired.report.manifests[0]!.signatures[0]!;
    assert.deepEqual([s.valid, s.problem], [false, 'certificate-expired']);

    shown.length = 0;
    await set('timestampCertificateChains', [join(files, 'tsa-leaf.pem')]);
    assert.equal(await run({ layout, reference: 'v1' }), undefined);
    assert.equal(shown.length, 1);
    assert.equal(shown[0]!.kind, 'error');
    assert.match(shown[0]!.message, /^manifold\.timestampCertificateChains: .*tsa-leaf\.pem: no root \(a self-signed CA certificate\) in it/);
  });
});
