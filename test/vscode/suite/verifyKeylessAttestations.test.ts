import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { VerifyAttestationsOutcome } from '../../../src/extension/commands/verifyAttestations';
import { GHA, keylessAttestation, rekorLog, type RekorLog, storeAttestations, WORKFLOW } from '../../helpers/keylessAttestations';
import { makeImage, newLayout } from '../../unit/builders';
import { recordMessages } from './extensionWindow';

const run = (...args: unknown[]) => vscode.commands.executeCommand<VerifyAttestationsOutcome | undefined>('manifold.verifyAttestations', ...args);

/**
 * "Verify Attestations…" with the keyless settings Verify Signatures uses (`manifold.signatureIdentities`,
 * `signatureRoots`, `rekorKeys`) on a layout holding a keyless attestation made as `cosign attest` makes it
 * (test/helpers/keylessAttestations.ts): verified naming the certificate, no key asked; another identity or
 * another Rekor key refused with the problem code in the Problems panel.
 */
describe('Verify Attestations: keyless (certificate) attestations', () => {
  let layout: string;
  let files: string;
  let log: RekorLog;
  let other: RekorLog;
  let restore: (() => void) | undefined;
  const loggedAt = Math.floor(Date.now() / 1000) - 60;
  const shown: Array<{ kind: string; message: string }> = [];
  const dialogs: string[] = [];
  const set = (name: string, value: unknown) => vscode.workspace.getConfiguration('manifold').update(name, value, vscode.ConfigurationTarget.Global);
  const entries = async (uri: string) =>
    vscode.languages
      .getDiagnostics(vscode.Uri.parse(uri))
      .filter((d) => d.source === 'manifold attestations')
      .map((d) => ({ severity: vscode.DiagnosticSeverity[d.severity], code: String(d.code), message: d.message }));

  before(async () => {
    const ext = vscode.extensions.getExtension('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    // This suite is bundled elsewhere: the fixtures are the extension's.
    const fixtures = join(ext.extensionPath, 'test', 'fixtures', 'cosign-keyless-made');
    files = mkdtempSync(join(tmpdir(), 'manifold-keyless-att-'));
    copyFileSync(join(fixtures, 'root.pem'), join(files, 'root.pem'));
    log = rekorLog(files, 'rekor');
    other = rekorLog(files, 'other-rekor');
    const store = await newLayout();
    layout = store.location;
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    await storeAttestations(store, image, [keylessAttestation(image, log, loggedAt, { fixtures })]);

    restore = recordMessages(shown, dialogs);
  });

  beforeEach(async () => {
    shown.length = 0;
    dialogs.length = 0;
    await set('signatureIdentities', [{ identity: WORKFLOW, issuer: GHA }]);
    await set('signatureRoots', [join(files, 'root.pem')]);
    await set('rekorKeys', [log.file]);
  });

  after(async () => {
    restore?.();
    for (const s of ['signatureIdentities', 'signatureRoots', 'rekorKeys']) await set(s, undefined);
    rmSync(files, { recursive: true, force: true });
  });

  it('with the identity, issuer, roots and Rekor key: verified, the notification and the Problems entry naming the certificate', async () => {
    const outcome = await run({ layout, reference: 'v1', type: null });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(outcome.summary, `v1: verified by the certificate for ${WORKFLOW} (${GHA})`);
    assert.deepEqual(shown, [{ kind: 'info', message: outcome.summary }]);
    assert.deepEqual(dialogs, [], 'no key was asked for');
    const at = new Date(loggedAt * 1000).toISOString().replace('.000Z', 'Z');
    assert.deepEqual(await entries(outcome.uris[0]!), [
      { severity: 'Information', code: 'verified', message: `v1: linux/amd64 verified by certificate for ${WORKFLOW} (${GHA}), logged by Rekor at ${at}, predicate type https://cosign.sigstore.dev/attestation/v1` },
    ]);
    const a = outcome.report.manifests[0]!.attestations[0]!;
    assert.deepEqual([a.valid, a.certificate?.root, a.rekorKey, a.integratedTime], [true, join(files, 'root.pem'), log.file, loggedAt]);
  });

  it('another identity, another Rekor key: refused, the error entry naming the problem', async () => {
    await set('signatureIdentities', [{ identityRegexp: '^https://github\\.com/other/', issuer: GHA }]);
    let outcome = await run({ layout, reference: 'v1', type: null });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(outcome.summary, 'v1 has no valid attestation');
    let [entry] = await entries(outcome.uris[0]!);
    assert.deepEqual([entry?.severity, entry?.code], ['Error', 'certificate-identity-mismatch']);
    assert.match(entry!.message, /the certificate is for https:\/\/github\.com\/example\/app\/\S+, not one matching \^https:\/\/github\\\.com\/other\/$/);
    await set('signatureIdentities', [{ identity: WORKFLOW, issuer: GHA }]);
    await set('rekorKeys', [other.file]);
    outcome = await run({ layout, reference: 'v1', type: null });
    [entry] = await entries(outcome!.uris[0]!);
    assert.deepEqual([entry?.severity, entry?.code], ['Error', 'bad-bundle']);
  });

  it('several identities, none its own: the entry says why for each identity, not only the first', async () => {
    await set('signatureIdentities', [
      { identityRegexp: '^https://github\\.com/other/', issuer: GHA },
      { identity: WORKFLOW, issuer: 'https://accounts.google.com' },
    ]);
    const outcome = await run({ layout, reference: 'v1', type: null });
    assert.equal(outcome?.summary, 'v1 has no valid attestation');
    const [entry] = await entries(outcome.uris[0]!);
    assert.deepEqual([entry?.severity, entry?.code], ['Error', 'certificate-identity-mismatch']);
    assert.match(entry!.message, /not for any identity set: the certificate is for https:\/\/github\.com\/example\/app\/\S+, not one matching \^https:\/\/github\\\.com\/other\/; the certificate was issued through OIDC issuer https:\/\/token\.actions\.githubusercontent\.com, not https:\/\/accounts\.google\.com$/);
  });
});
