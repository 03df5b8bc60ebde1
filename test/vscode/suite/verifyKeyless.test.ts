import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { VerifyOutcome } from '../../../src/extension/commands/verifySignatures';
import type { Services } from '../../../src/extension/services';
import type { CoverageModel } from '../../../src/shared/coverageProtocol';
import { cosignVector, DOCKER_MANIFEST, storeCosignVector } from '../../helpers/cosignVectors';
import { newLayout } from '../../unit/builders';
import { recordMessages } from './extensionWindow';

const run = (...args: unknown[]) => vscode.commands.executeCommand<VerifyOutcome | undefined>('manifold.verifySignatures', ...args);

// Signed by cosign with mitr@redhat.com's GitHub login (containers/image's fixture), logged by Rekor at 1674247893.
const IDENTITY = 'mitr@redhat.com';
const ISSUER = 'https://github.com/login/oauth';
const SIGNED_AS = '192.168.64.2:5000/cosign-signed/fulcio-rekor-1';

/**
 * "Verify Signatures…" and the coverage page on a layout holding a keyless signature cosign made (the Fulcio
 * certificate, its chain and Rekor bundle): with `manifold.signatureIdentities`, `signatureRoots` and `rekorKeys` it
 * verifies, naming the certificate's identity; under another identity, or without the Rekor key (the certificate is
 * long expired), it is refused with the problem code; an identity without roots is an error naming the setting.
 */
describe('Verify Signatures: keyless (certificate) signatures', () => {
  let services: Services;
  let layout: string;
  let files: string;
  let restore: (() => void) | undefined;
  const shown: Array<{ kind: string; message: string }> = [];
  const dialogs: string[] = [];
  const settings = () => vscode.workspace.getConfiguration('manifold');
  const set = (name: string, value: unknown) => settings().update(name, value, vscode.ConfigurationTarget.Global);
  const entries = async (uri: string) =>
    vscode.languages
      .getDiagnostics(vscode.Uri.parse(uri))
      .filter((d) => d.source === 'manifold verify')
      .map((d) => ({ severity: vscode.DiagnosticSeverity[d.severity], code: String(d.code), message: d.message }));

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    ({ services } = await ext.activate());
    // This suite is bundled elsewhere: the fixtures are the extension's.
    const fixtures = join(ext.extensionPath, 'test', 'fixtures', 'cosign-keyless');
    const store = await newLayout();
    layout = store.location;
    await storeCosignVector(store, 'manifest.json', DOCKER_MANIFEST, cosignVector('fulcio-rekor', fixtures), fixtures);
    files = mkdtempSync(join(tmpdir(), 'manifold-keyless-'));
    for (const f of ['fulcio_v1.crt.pem', 'rekor.pub', 'pki_root_crts.pem']) copyFileSync(join(fixtures, f), join(files, f));
    const fixture = (folder: string, name: string) => join(ext.extensionPath, 'test', 'fixtures', folder, name);
    copyFileSync(fixture('trusted-root', 'public-good.json'), join(files, 'trusted_root.json'));
    for (const f of ['ctfe-2022.pub', 'ctfe-staging-2022-2.pub']) copyFileSync(fixture('ct-logs', f), join(files, f));

    restore = recordMessages(shown, dialogs);
  });

  beforeEach(async () => {
    shown.length = 0;
    dialogs.length = 0;
    await set('signatureIdentities', [{ identity: IDENTITY, issuer: ISSUER }]);
    await set('signatureRoots', [join(files, 'fulcio_v1.crt.pem')]);
    await set('rekorKeys', [join(files, 'rekor.pub')]);
  });

  after(async () => {
    restore?.();
    for (const s of ['signatureIdentities', 'signatureRoots', 'rekorKeys', 'signatureKeys', 'ctLogKeys', 'sigstoreTrustedRoot']) await set(s, undefined);
    rmSync(files, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('with the identity, issuer, roots and Rekor key: verified, the notification and the Problems entry naming the certificate', async () => {
    const outcome = await run({ layout, reference: 'v1' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(outcome.summary, `v1: verified by the certificate for ${IDENTITY} (${ISSUER})`);
    assert.deepEqual(shown, [{ kind: 'info', message: outcome.summary }]);
    assert.deepEqual(dialogs, [], 'no key was asked for');
    assert.equal(outcome.uris.length, 1);
    assert.deepEqual(await entries(outcome.uris[0]!), [
      { severity: 'Information', code: 'verified', message: `v1: manifest verified by certificate for ${IDENTITY} (${ISSUER}), logged by Rekor at 2023-01-20T20:51:33Z, signed as ${SIGNED_AS}` },
    ]);
    const s = outcome.report.manifests[0]!.signatures[0]!;
    assert.deepEqual([s.valid, s.certificate?.root, s.rekorKey], [true, join(files, 'fulcio_v1.crt.pem'), join(files, 'rekor.pub')]);
  });

  it('with manifold.ctLogKeys: the certificate’s SCT verified under public-good’s CT log; under staging’s, certificate-sct', async () => {
    await set('ctLogKeys', [join(files, 'ctfe-2022.pub')]);
    try {
      let outcome = await run({ layout, reference: 'v1' });
      assert.equal(outcome?.summary, `v1: verified by the certificate for ${IDENTITY} (${ISSUER})`);
      const s = outcome.report.manifests[0]!.signatures[0]!;
      assert.deepEqual([s.valid, s.ctLogKey], [true, join(files, 'ctfe-2022.pub')]);
      assert.match((await entries(outcome.uris[0]!))[0]!.message, /, with an SCT of CT log \S+ctfe-2022\.pub, logged by Rekor at 2023-01-20T20:51:33Z, /);
      await set('ctLogKeys', [join(files, 'ctfe-staging-2022-2.pub')]);
      outcome = await run({ layout, reference: 'v1' });
      assert.equal(outcome?.summary, 'v1 has no valid signature');
      assert.equal((await entries(outcome.uris[0]!))[0]?.code, 'certificate-sct');
    } finally {
      await set('ctLogKeys', undefined);
    }
  });

  it('with manifold.sigstoreTrustedRoot in place of the roots, Rekor and CT log keys: verified, each part named in the file; beside signatureRoots: an error naming both', async () => {
    const root = join(files, 'trusted_root.json');
    await set('signatureRoots', undefined);
    await set('rekorKeys', undefined);
    await set('sigstoreTrustedRoot', root);
    try {
      const outcome = await run({ layout, reference: 'v1' });
      assert.equal(outcome?.summary, `v1: verified by the certificate for ${IDENTITY} (${ISSUER})`, JSON.stringify(shown));
      const s = outcome.report.manifests[0]!.signatures[0]!;
      assert.deepEqual([s.valid, s.certificate?.root, s.rekorKey, s.ctLogKey], [true, `${root} certificateAuthorities[1].certChain.certificates[1]`, `${root} tlogs[0]`, `${root} ctlogs[1]`]);
      await set('signatureRoots', [join(files, 'fulcio_v1.crt.pem')]);
      shown.length = 0;
      assert.equal(await run({ layout, reference: 'v1' }), undefined);
      assert.deepEqual(shown, [{ kind: 'error', message: 'manifold.sigstoreTrustedRoot and manifold.signatureRoots: set one (the trusted root holds the certificate authorities, Rekor keys, timestamp authorities and CT logs)' }]);
    } finally {
      await set('sigstoreTrustedRoot', undefined);
    }
  });

  it('another identity: refused, the error entry naming certificate-identity-mismatch and whom the certificate is for', async () => {
    await set('signatureIdentities', [{ identity: 'someone@example.com', issuer: ISSUER }]);
    const outcome = await run({ layout, reference: 'v1' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(outcome.summary, 'v1 has no valid signature');
    assert.deepEqual(shown, [{ kind: 'error', message: outcome.summary }]);
    const [entry] = await entries(outcome.uris[0]!);
    assert.deepEqual([entry?.severity, entry?.code], ['Error', 'certificate-identity-mismatch']);
    assert.match(entry!.message, /: certificate-identity-mismatch: the certificate is for mitr@redhat\.com, not someone@example\.com$/);
  });

  it('another issuer, other roots, no Rekor key: each refused with its own problem code', async () => {
    const codeOf = async () => {
      const outcome = await run({ layout, reference: 'v1' });
      return (await entries(outcome!.uris[0]!))[0]?.code;
    };
    await set('signatureIdentities', [{ identity: IDENTITY, issuer: 'https://accounts.google.com' }]);
    assert.equal(await codeOf(), 'issuer-mismatch');
    await set('signatureIdentities', [{ identity: IDENTITY, issuer: ISSUER }]);
    await set('signatureRoots', [join(files, 'pki_root_crts.pem')]);
    assert.equal(await codeOf(), 'untrusted-certificate');
    await set('signatureRoots', [join(files, 'fulcio_v1.crt.pem')]);
    await set('rekorKeys', undefined);
    assert.equal(await codeOf(), 'certificate-expired', 'without a Rekor key the certificate is checked now');
  });

  it('several identities, regexps: valid when one matches (the second here)', async () => {
    await set('signatureIdentities', [
      { identity: 'someone@example.com', issuer: ISSUER },
      { identityRegexp: '@redhat\\.com$', issuerRegexp: '^https://github\\.com/' },
    ]);
    const outcome = await run({ layout, reference: 'v1' });
    assert.equal(outcome?.summary, `v1: verified by the certificate for ${IDENTITY} (${ISSUER})`);
  });

  it('several identities, none its own: the entry says why for each identity, not only the first', async () => {
    await set('signatureIdentities', [
      { identity: 'someone@example.com', issuer: ISSUER },
      { identity: IDENTITY, issuer: 'https://accounts.google.com' },
    ]);
    const outcome = await run({ layout, reference: 'v1' });
    assert.equal(outcome?.summary, 'v1 has no valid signature');
    const [entry] = await entries(outcome.uris[0]!);
    assert.deepEqual([entry?.severity, entry?.code], ['Error', 'certificate-identity-mismatch']);
    assert.match(
      entry!.message,
      /: certificate-identity-mismatch: not for any identity set: the certificate is for mitr@redhat\.com, not someone@example\.com; the certificate was issued through OIDC issuer https:\/\/github\.com\/login\/oauth, not https:\/\/accounts\.google\.com$/,
    );
  });

  it('an identity without roots: an error naming both settings, nothing asked, nothing verified', async () => {
    await set('signatureRoots', undefined);
    assert.equal(await run({ layout, reference: 'v1' }), undefined);
    assert.deepEqual(dialogs, []);
    const errors = shown.filter((s) => s.kind === 'error');
    assert.equal(errors.length, 1, JSON.stringify(shown));
    assert.match(errors[0]!.message, /^manifold\.signatureIdentities needs manifold\.signatureRoots \(or manifold\.sigstoreTrustedRoot\): the root certificates to trust/);
  });

  it('an identity without its issuer, a regexp Go refuses: errors naming the entry', async () => {
    await set('signatureIdentities', [{ identity: IDENTITY }]);
    assert.equal(await run({ layout, reference: 'v1' }), undefined);
    assert.match(shown.find((s) => s.kind === 'error')?.message ?? '', /^manifold\.signatureIdentities\[0\]: give issuer or issuerRegexp: /);
    shown.length = 0;
    await set('signatureIdentities', [{ identityRegexp: '(?=x)', issuer: ISSUER }]);
    assert.equal(await run({ layout, reference: 'v1' }), undefined);
    assert.match(shown.find((s) => s.kind === 'error')?.message ?? '', /^manifold\.signatureIdentities\[0\]: identityRegexp: regexp: Compile/);
  });

  it('the coverage page: the signature cell verified, its tooltip naming the certificate; another identity redraws it not verified', async () => {
    const subject = { ref: { kind: 'layout' as const, path: layout }, reference: 'v1' };
    const cell = (m: CoverageModel | undefined) => m?.rows[0]?.cells.find((c) => c.kind === 'signature');
    try {
      const good = await vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout, reference: 'v1' });
      assert.deepEqual(cell(good)?.verified, { valid: true, keys: [`the certificate for ${IDENTITY} (${ISSUER})`] });
      assert.deepEqual([good.unverified, good.keys, good.identities], [0, [], [`${IDENTITY} (${ISSUER})`]]);
      // The page redraws by itself when the setting changes (nothing but the setting is touched).
      await set('signatureIdentities', [{ identityRegexp: '^someone@', issuer: ISSUER }]);
      let shownNow: CoverageModel | undefined;
      for (let i = 0; i < 100; i++) {
        shownNow = services.coverage?.shown(subject);
        if (cell(shownNow)?.verified?.valid === false) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(cell(shownNow)?.verified, { valid: false, keys: [] });
      assert.deepEqual([shownNow?.unverified, shownNow?.keys, shownNow?.identities], [1, [], [`/^someone@/ (${ISSUER})`]]);
      await set('signatureRoots', undefined);
      const bad = await vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout, reference: 'v1' });
      assert.match(bad.verifyProblem ?? '', /^manifold\.signatureIdentities needs manifold\.signatureRoots/);
      assert.equal(bad.rows.length, 1, 'the matrix still shows');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
