import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { VerifyOutcome } from '../../../src/extension/commands/verifySignatures';
import type { Services } from '../../../src/extension/services';
import { digestOf } from '../../../src/oci/digest';
import { NOTARY_JWS_MEDIA_TYPE, NOTARY_SIGNATURE_ARTIFACT_TYPE } from '../../../src/oci/signatures';
import type { CoverageModel } from '../../../src/shared/coverageProtocol';
import { newLayout, pushBlob, pushManifest } from '../../unit/builders';
import { recordMessages } from './extensionWindow';

const run = (...args: unknown[]) => vscode.commands.executeCommand<VerifyOutcome | undefined>('manifold.verifySignatures', ...args);

// notation's own JWS signature of its test image (test/fixtures/notary-vector, notation-go's testdata).
const ALPINE = 'C=US, ST=WA, L=Seattle, O=Notary, CN=alpine';

/**
 * "Verify Signatures…" and the coverage page with `manifold.notaryRoots` (and `notaryIdentities`): a signature
 * notation made, stored as notation stores it, verifies with no key asked; under another identity it does not; an
 * identity without roots is an error naming both settings.
 */
describe('Verify Signatures: Notary Project signatures from manifold.notaryRoots', () => {
  let layout: string;
  let files: string;
  let restore: (() => void) | undefined;
  const shown: Array<{ kind: string; message: string }> = [];
  const dialogs: string[] = [];
  const set = (name: string, value: unknown) => vscode.workspace.getConfiguration('manifold').update(name, value, vscode.ConfigurationTarget.Global);

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    // This suite is bundled elsewhere: the fixtures are the extension's.
    const vector = (name: string) => join(ext.extensionPath, 'test', 'fixtures', 'notary-vector', name);
    files = mkdtempSync(join(tmpdir(), 'manifold-notary-'));
    writeFileSync(join(files, 'alpine.crt'), readFileSync(vector('alpine.crt')));
    const store = await newLayout();
    layout = store.location;
    const bytes = readFileSync(vector('manifest.json'));
    const image = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(bytes), size: bytes.length };
    await store.push(image, bytes);
    await store.tag(image, 'v2');
    await pushManifest(store, {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: NOTARY_SIGNATURE_ARTIFACT_TYPE,
      config: await pushBlob(store, '{}', 'application/vnd.oci.empty.v1+json'),
      layers: [await pushBlob(store, readFileSync(vector('jws_signature.sig')), NOTARY_JWS_MEDIA_TYPE)],
      subject: image,
      annotations: { 'org.opencontainers.image.created': '2023-03-14T08:10:02Z' },
    });

    restore = recordMessages(shown, dialogs);
  });

  beforeEach(async () => {
    shown.length = 0;
    dialogs.length = 0;
    await set('notaryRoots', [join(files, 'alpine.crt')]);
    await set('notaryIdentities', undefined);
  });

  after(async () => {
    restore?.();
    for (const s of ['notaryRoots', 'notaryIdentities', 'notaryTsaRoots', 'notaryTrustPolicy', 'notaryTrustStore']) await set(s, undefined);
    rmSync(files, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('with the root: verified, no key asked, the Problems entry naming the signer and root', async () => {
    const outcome = await run({ layout, reference: 'v2' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.deepEqual(dialogs, [], 'no key was asked for');
    assert.equal(outcome.summary, `v2: verified by the certificate for ${ALPINE}`);
    const s = outcome.report.manifests[0]!.signatures[0]!;
    assert.deepEqual([s.valid, s.format, s.certificate?.subject, s.certificate?.root, s.notary?.envelope], [true, 'notary', ALPINE, join(files, 'alpine.crt'), 'jws']);
    const entries = vscode.languages.getDiagnostics(vscode.Uri.parse(outcome.uris[0]!)).filter((d) => d.source === 'manifold verify');
    assert.equal(entries.length, 1);
    assert.match(entries[0]!.message, new RegExp(`^v2: manifest verified by Notary signature of ${ALPINE} \\(root .*alpine\\.crt, notary\\.x509\\)`));
  });

  it('with its identity verified; another identity: not verified, saying whose the certificate is', async () => {
    await set('notaryIdentities', [`x509.subject: ${ALPINE}`]);
    const good = await run({ layout, reference: 'v2' });
    assert.equal(good?.report.manifests[0]!.valid, true);
    await set('notaryIdentities', ['x509.subject: C=US, ST=WA, O=Someone Else']);
    const other = await run({ layout, reference: 'v2' });
    assert.ok(other, `the command returned nothing: ${JSON.stringify(shown)}`);
    const s = other.report.manifests[0]!.signatures[0]!;
    assert.equal(s.valid, false);
    assert.match(s.reason ?? '', /O=Notary/);
  });

  it('with manifold.notaryTrustPolicy: the statement of the layout’s scope (local/layout) over the wildcard, its store read as notation lays it out; beside notaryRoots: an error naming both', async () => {
    const ext = vscode.extensions.getExtension('manifold-dev.manifold')!;
    const notation = join(files, 'notation');
    const store = (name: string, file: string, from: string) => {
      mkdirSync(join(notation, 'truststore', 'x509', 'ca', name), { recursive: true });
      copyFileSync(from, join(notation, 'truststore', 'x509', 'ca', name, file));
    };
    store('alpine', 'alpine.crt', join(files, 'alpine.crt'));
    store('other', 'root.pem', join(ext.extensionPath, 'test', 'fixtures', 'notary-made', 'root.pem'));
    const policy = (scope: string) =>
      writeFileSync(
        join(notation, 'trustpolicy.json'),
        JSON.stringify({
          version: '1.0',
          trustPolicies: [
            { name: 'this-layout', registryScopes: [scope], signatureVerification: { level: 'strict' }, trustStores: ['ca:alpine'], trustedIdentities: ['*'] },
            { name: 'everything-else', registryScopes: ['*'], signatureVerification: { level: 'strict' }, trustStores: ['ca:other'], trustedIdentities: ['*'] },
          ],
        }),
      );
    policy('local/layout');
    await set('notaryRoots', undefined);
    await set('notaryTrustPolicy', join(notation, 'trustpolicy.json'));
    const good = await run({ layout, reference: 'v2' });
    assert.ok(good, `the command returned nothing: ${JSON.stringify(shown)}`);
    const s = good.report.manifests[0]!.signatures[0]!;
    assert.deepEqual([s.valid, s.trustPolicy?.name, s.trustPolicy?.level, s.certificate?.root], [true, 'this-layout', 'strict', 'ca:alpine/alpine.crt']);

    policy('local/another-layout');
    const other = await run({ layout, reference: 'v2' });
    const t = other!.report.manifests[0]!.signatures[0]!;
    assert.deepEqual([t.valid, t.problem, t.trustPolicy?.name], [false, 'untrusted-certificate', 'everything-else']);

    await set('notaryRoots', [join(files, 'alpine.crt')]);
    assert.equal(await run({ layout, reference: 'v2' }), undefined);
    assert.deepEqual(shown.at(-1), { kind: 'error', message: 'manifold.notaryTrustPolicy and manifold.notaryRoots: set one (the trust policy names its trust stores and identities)' });
    await set('notaryTrustPolicy', undefined);
  });

  it('the coverage page: the signature cell verified by the certificate; an identity without roots is an error naming both settings', async () => {
    const m = await vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout, reference: 'v2' });
    const cell = m.rows[0]!.cells.find((c) => c.kind === 'signature')!;
    assert.deepEqual([cell.count, cell.verified], [1, { valid: true, keys: [`the certificate for ${ALPINE}`] }]);
    assert.deepEqual([m.unverified, m.identities], [0, ['any subject (manifold.notaryRoots)']]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // A TSA trust store that cannot be read stops it, naming the setting and the path.
    await set('notaryTsaRoots', [join(files, 'no-such-tsa')]);
    assert.equal(await run({ layout, reference: 'v2' }), undefined);
    assert.match(shown.at(-1)!.message, /^manifold\.notaryTsaRoots: .*no-such-tsa: ENOENT/);
    // So does one holding a certificate that is not a root CA (a TSA intermediate), naming the file and the certificate, as notation refuses such a store.
    const made = join(vscode.extensions.getExtension('manifold-dev.manifold')!.extensionPath, 'test', 'fixtures', 'rfc3161-made', 'intermediate.pem');
    copyFileSync(made, join(files, 'tsa-intermediate.pem'));
    await set('notaryTsaRoots', [join(files, 'tsa-intermediate.pem')]);
    assert.equal(await run({ layout, reference: 'v2' }), undefined);
    assert.match(shown.at(-1)!.message, /^manifold\.notaryTsaRoots: .*tsa-intermediate\.pem: the certificate CN=made tsa intermediate, O=example is not a root CA certificate: issued by CN=made tsa root, O=example, not by itself; a tsa trust store holds root certificates only$/);
    await set('notaryTsaRoots', undefined);

    await set('notaryRoots', undefined);
    await set('notaryIdentities', [`x509.subject: ${ALPINE}`]);
    assert.equal(await run({ layout, reference: 'v2' }), undefined);
    assert.equal(shown.at(-1)?.kind, 'error');
    assert.match(shown.at(-1)!.message, /^manifold\.notaryIdentities needs manifold\.notaryRoots \(or manifold\.notaryAuthorityRoots\)/);
  });
});
