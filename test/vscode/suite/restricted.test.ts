// Restricted Mode, in a host of its own (test/vscode/runner.mjs's 'restricted' pass): Workspace Trust on and the
// workspace not trusted. The demo layout was made before the host started (the extension may not write here).
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../../src/extension/services';
import type { CoverageModel } from '../../../src/shared/coverageProtocol';
import { certificateSubject, decryptCosignKey, encryptCosignKey, loadNotarySigner, makeMessageBundle, makeSigningCertificate, signNotaryBlob } from '../../../src/oci/signatures';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { cosignVector, DOCKER_MANIFEST, storeCosignVector } from '../../helpers/cosignVectors';
import { newLayout } from '../../unit/builders';
import { row, rows, tooltipOf, type Fixtures } from './layoutFixtures';

// The extension's own class, not this bundle's copy of it: told by name.
const refusedForRegistry = (e: unknown) => (e as Error).name === 'UntrustedWorkspaceError' && (e as { need?: string }).need === 'registry';

describe('Restricted Mode (untrusted workspace)', () => {
  let f: Fixtures;
  let demo: string;
  const indexBytes = () => readFileSync(join(demo, 'index.json'));
  const blobNames = () => readdirSync(join(demo, 'blobs', 'sha256')).sort();

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    const { services } = await ext.activate();
    // rows() and row() only read the services of their fixtures.
    f = { services } as Fixtures;
    demo = JSON.parse(process.env.MANIFOLD_VSCODE_WORKSPACE_INFO!).layouts.demo.path;
  });

  it('runs untrusted: the host really is in Restricted Mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('lists the layouts and their tags in the tree', async () => {
    const layout = await row(f, undefined, 'demo');
    assert.equal(layout.contextValue, 'manifold:layout');
    const tags = await rows(f, layout.node);
    assert.deepEqual(tags.map((t) => t.label), ['linux-amd64', 'linux-arm64', 'v1', 'Untagged']);
    assert.match(tags[2]!.description, /^[a-f0-9]{12} · multi-arch \(linux\/amd64, linux\/arm64\/v8\)$/);
  });

  it('refuses a write command: manifold.tag changes no byte of the layout', async () => {
    const before = indexBytes();
    const blobs = blobNames();
    // The same call tags in a trusted workspace (commands.test.ts); here the command wrapper logs the refusal.
    const warnings: string[] = [];
    const warn = f.services.log.warn;
    f.services.log.warn = (message: string) => void warnings.push(message);
    let tagged: unknown;
    try {
      tagged = await vscode.commands.executeCommand('manifold.tag', { layout: demo, reference: 'v1', tags: ['restricted'] });
    } finally {
      f.services.log.warn = warn;
    }
    assert.equal(tagged, undefined);
    assert.deepEqual(warnings.map((w) => w.split(':')[0]), ['manifold.tag refused']);
    assert.ok(indexBytes().equals(before), 'index.json changed');
    assert.deepEqual(blobNames(), blobs);
  });

  it('refuses Sign Image: given every answer, no signature is stored and no byte of the layout changes', async () => {
    const before = indexBytes();
    const blobs = blobNames();
    const keys = mkdtempSync(join(tmpdir(), 'manifold-restricted-sign-'));
    const key = join(keys, 'cosign.key');
    writeFileSync(key, encryptCosignKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey, 'pw'));
    const warnings: string[] = [];
    const warn = f.services.log.warn;
    f.services.log.warn = (message: string) => void warnings.push(message);
    let signed: unknown;
    try {
      signed = await vscode.commands.executeCommand('manifold.signImage', { layout: demo, reference: 'v1', key, passphrase: 'pw', identity: 'registry.example.com/demo:v1', recursive: true });
    } finally {
      f.services.log.warn = warn;
      rmSync(keys, { recursive: true, force: true });
    }
    assert.equal(signed, undefined);
    assert.deepEqual(warnings.map((w) => w.split(':')[0]), ['manifold.signImage refused']);
    assert.ok(indexBytes().equals(before), 'index.json changed');
    assert.deepEqual(blobNames(), blobs);
  });

  it('refuses Attest: given every answer, no attestation is stored and no byte of the layout changes', async () => {
    const before = indexBytes();
    const blobs = blobNames();
    const files = mkdtempSync(join(tmpdir(), 'manifold-restricted-attest-'));
    const key = join(files, 'cosign.key');
    writeFileSync(key, encryptCosignKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey, 'pw'));
    const predicate = join(files, 'provenance.json');
    writeFileSync(predicate, '{"builder":{"id":"https://example.com/builder"}}');
    const warnings: string[] = [];
    const warn = f.services.log.warn;
    f.services.log.warn = (message: string) => void warnings.push(message);
    let attested: unknown;
    try {
      const answers = { layout: demo, reference: 'v1', predicate, type: 'slsaprovenance', key, passphrase: 'pw', subjectName: 'registry.example.com/demo', recursive: true };
      attested = await vscode.commands.executeCommand('manifold.attestImage', answers);
    } finally {
      f.services.log.warn = warn;
      rmSync(files, { recursive: true, force: true });
    }
    assert.equal(attested, undefined);
    assert.deepEqual(warnings.map((w) => w.split(':')[0]), ['manifold.attestImage refused']);
    assert.ok(indexBytes().equals(before), 'index.json changed');
    assert.deepEqual(blobNames(), blobs);
  });

  it("refuses Sign File (no bundle written); Verify File Signature reads and verifies with the user's own key", async () => {
    const files = mkdtempSync(join(tmpdir(), 'manifold-restricted-file-'));
    const file = join(files, 'release.tar.gz');
    writeFileSync(file, 'release 1.0\n');
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const key = join(files, 'cosign.key');
    const pub = join(files, 'cosign.pub');
    writeFileSync(key, encryptCosignKey(pair.privateKey, 'pw'));
    writeFileSync(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const warnings: string[] = [];
    const warn = f.services.log.warn;
    f.services.log.warn = (message: string) => void warnings.push(message);
    const settings = vscode.workspace.getConfiguration('manifold');
    try {
      assert.equal(await vscode.commands.executeCommand('manifold.signFile', vscode.Uri.file(file), { key, passphrase: 'pw' }), undefined);
      assert.deepEqual(warnings.map((w) => w.split(':')[0]), ['manifold.signFile refused']);
      assert.equal(existsSync(`${file}.sigstore.json`), false, 'a bundle was written');
      // Signed outside the extension, as a downloaded release's bundle; the key is the user's own setting, absolute.
      writeFileSync(`${file}.sigstore.json`, makeMessageBundle(readFileSync(file), decryptCosignKey(key, readFileSync(key, 'utf8'), 'pw')));
      await settings.update('signatureKeys', [pub], vscode.ConfigurationTarget.Global);
      const outcome = await vscode.commands.executeCommand<{ valid: boolean; message: string }>('manifold.verifyFileSignature', vscode.Uri.file(file));
      assert.equal(outcome?.valid, true, outcome?.message);
      assert.equal(outcome?.message, `release.tar.gz: verified by ${pub} (ecdsa-p256)`);
    } finally {
      f.services.log.warn = warn;
      await settings.update('signatureKeys', undefined, vscode.ConfigurationTarget.Global);
      rmSync(files, { recursive: true, force: true });
    }
  });

  it('refuses Attest File (no envelope written)', async () => {
    const files = mkdtempSync(join(tmpdir(), 'manifold-restricted-attest-'));
    const file = join(files, 'release.tar.gz');
    writeFileSync(file, 'release 1.0\n');
    const predicate = join(files, 'sbom.spdx.json');
    writeFileSync(predicate, '{"spdxVersion":"SPDX-2.3"}\n');
    const key = join(files, 'cosign.key');
    writeFileSync(key, encryptCosignKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey, 'pw'));
    const warnings: string[] = [];
    const warn = f.services.log.warn;
    f.services.log.warn = (message: string) => void warnings.push(message);
    try {
      // The same call writes release.tar.gz.intoto.jsonl in a trusted workspace (attestFile.test.ts).
      assert.equal(await vscode.commands.executeCommand('manifold.attestFile', vscode.Uri.file(file), { predicate, type: 'spdxjson', key, passphrase: 'pw' }), undefined);
      assert.deepEqual(warnings.map((w) => w.split(':')[0]), ['manifold.attestFile refused']);
      assert.deepEqual(readdirSync(files).sort(), ['cosign.key', 'release.tar.gz', 'sbom.spdx.json']);
    } finally {
      f.services.log.warn = warn;
      rmSync(files, { recursive: true, force: true });
    }
  });

  it('checks an image: Check Image reads and verifies it, its results in the Problems panel, no byte of the layout changed', async () => {
    const before = indexBytes();
    const blobs = blobNames();
    const outcome = await vscode.commands.executeCommand<{ summary: string; report: { counts: { indexes: number; manifests: number; layers: number } } }>('manifold.checkImage', { layout: demo, reference: 'v1' });
    assert.ok(outcome, 'Check Image was refused or failed (see the Manifold log)');
    assert.deepEqual([outcome.report.counts.indexes, outcome.report.counts.manifests >= 2, outcome.report.counts.layers >= 2], [1, true, true]);
    assert.match(outcome.summary, / in v1/);
    assert.ok(indexBytes().equals(before), 'index.json changed');
    assert.deepEqual(blobNames(), blobs);
  });

  it("inspects an image's signatures: Inspect Signatures opens the tree, nothing trusted asked for, no byte of the layout changed", async () => {
    const before = indexBytes();
    const outcome = await vscode.commands.executeCommand<{ uri: string; text: string }>('manifold.inspectSignatures', { layout: demo, reference: 'v1' });
    assert.ok(outcome, 'Inspect Signatures was refused or failed (see the Manifold log)');
    assert.match(outcome.text.split('\n')[0]!, /@sha256:[0-9a-f]{64}: (no signatures found|\d+ signatures? \(claims as they read: nothing verified\))$/);
    assert.ok(outcome.text.includes(`${demo}@sha256:`), outcome.text);
    assert.ok(indexBytes().equals(before), 'index.json changed');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a layout that lost its oci-layout is not offered a restore: the row says to trust the workspace', async () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'manifold-lost-')), 'lost');
    mkdirSync(outside);
    writeFileSync(join(outside, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    const warnings: string[] = [];
    const warn = f.services.log.warn;
    f.services.log.warn = (message: string) => void warnings.push(message);
    try {
      await vscode.commands.executeCommand('manifold.addLayoutFolder', { path: outside });
      const layout = await row(f, undefined, 'lost');
      const [error] = await rows(f, layout.node);
      assert.deepEqual([error?.label, error?.contextValue], ['The oci-layout file is missing, so this layout cannot be read', 'manifold:error']);
      assert.match(await tooltipOf(f, error), /Trust the workspace to restore it\.[\s\S]*Click to show the log\./);
      assert.equal(f.services.tree.getTreeItem(error.node as never).command?.command, 'manifold.showLog');
      assert.equal(await vscode.commands.executeCommand('manifold.restoreLayoutFile', { layout: outside }), undefined);
      assert.deepEqual(warnings.map((w) => w.split(':')[0]), ['manifold.restoreLayoutFile refused']);
      assert.deepEqual(readdirSync(outside), ['index.json']);
    } finally {
      f.services.log.warn = warn;
      await vscode.commands.executeCommand('manifold.removeLayoutFolder', { layout: outside });
    }
  });

  describe('registries', () => {
    let server: OciServer;
    before(async () => {
      server = await startOciServer();
      // Registries are the user's (globalState), so one added while trusted is still listed here.
      await f.services.registries.add(server.host, true);
    });
    after(async () => {
      await f.services.registries.remove(server.host);
      await server.stop();
    });

    it('sends no request to a registry: not listed, not reachable through the service or the commands', async () => {
      assert.deepEqual(await rows(f, undefined, f.services.registriesTree as never), []);
      assert.throws(() => f.services.registries.repository(server.host, 'team/app'), refusedForRegistry);
      await assert.rejects(f.services.registries.signIn(server.host, { username: 'u', password: 'p' }), refusedForRegistry);
      const pulled = await vscode.commands.executeCommand('manifold.pullToLayout', { registry: server.host, repository: 'team/app', reference: 'v1', layout: demo, tags: ['pulled'] });
      assert.equal(pulled, undefined);
      const copied = await vscode.commands.executeCommand('manifold.copyToRegistry', { layout: demo, reference: 'v1', to: `${server.host}/team/app:v1` });
      assert.equal(copied, undefined);
      const backup = join(mkdtempSync(join(tmpdir(), 'manifold-untrusted-')), 'backup');
      assert.equal(await vscode.commands.executeCommand('manifold.backupRepository', { repository: `${server.host}/team/app`, to: backup, referrers: true }), undefined);
      assert.deepEqual(readdirSync(join(backup, '..')), [], 'no backup folder made');
      assert.deepEqual(server.requests, []);
      assert.equal(await f.services.registries.user(server.host), undefined, 'a refused sign-in keeps no credential');
    });
  });

  describe('Verify Signatures', () => {
    type Window = { showOpenDialog(options?: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined>; showInformationMessage(message: string, ...actions: string[]): Thenable<string | undefined> };
    let window: Window;
    let real: Window;
    const dialogs: string[] = [];
    const infos: string[] = [];
    const settings = () => vscode.workspace.getConfiguration('manifold');
    const pem = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' });
    let workspaceSettings: string;
    // A layout holding a keyless signature cosign made (mitr@redhat.com's GitHub login), and its roots and Rekor key.
    let keyless: string;
    let fixtures: string;
    const identity = { identity: 'mitr@redhat.com', issuer: 'https://github.com/login/oauth' };
    // A file notation-signed (release.tar.gz.jws.sig beside it) by a certificate the workspace also names in notaryRoots.
    const notary = makeSigningCertificate({ keyType: 'ecdsa-p256', subject: certificateSubject('CN=anyone'), days: 30 });
    let notaryFile: string;

    before(async () => {
      const ext = vscode.extensions.getExtension('manifold-dev.manifold')!;
      fixtures = join(ext.extensionPath, 'test', 'fixtures', 'cosign-keyless');
      const store = await newLayout();
      keyless = store.location;
      await storeCosignVector(store, 'manifest.json', DOCKER_MANIFEST, cosignVector('fulcio-rekor', fixtures), fixtures);
      window = (createRequire(join(ext.extensionPath, ext.packageJSON.main))('vscode') as { window: Window }).window;
      real = { showOpenDialog: window.showOpenDialog, showInformationMessage: window.showInformationMessage };
      window.showOpenDialog = async (options) => void dialogs.push(options?.title ?? '');
      window.showInformationMessage = async (message: string) => void infos.push(message);
      // The workspace names a key of its own, written to disk as a cloned repository would hold it.
      const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
      mkdirSync(join(folder, 'keys'), { recursive: true });
      writeFileSync(join(folder, 'keys', 'cosign.pub'), pem());
      for (const f of ['fulcio_v1.crt.pem', 'rekor.pub']) copyFileSync(join(fixtures, f), join(folder, 'keys', f));
      writeFileSync(join(folder, 'keys', 'notary.crt'), notary.certificatePem);
      notaryFile = join(mkdtempSync(join(tmpdir(), 'manifold-untrusted-notary-')), 'release.tar.gz');
      writeFileSync(notaryFile, 'release 1.0\n');
      const signer = loadNotarySigner('notary.key', Buffer.from(notary.keyPem), 'notary.crt', Buffer.from(notary.certificatePem));
      writeFileSync(`${notaryFile}.jws.sig`, signNotaryBlob(readFileSync(notaryFile), signer).envelope);
      mkdirSync(join(folder, '.vscode'), { recursive: true });
      workspaceSettings = join(folder, '.vscode', 'settings.json');
      // A setting that is not restricted beside it tells when VS Code has read the file (it hides the restricted one).
      // The workspace also trusts the very certificate its layout is signed with: keyless settings are restricted too.
      writeFileSync(
        workspaceSettings,
        JSON.stringify({
          'manifold.signatureKeys': ['keys/cosign.pub'],
          'manifold.signatureIdentities': [identity],
          'manifold.signatureRoots': ['keys/fulcio_v1.crt.pem'],
          'manifold.rekorKeys': ['keys/rekor.pub'],
          // Honoured, Notary roots would make Verify Signatures ask for no key: the tests below would see no dialog.
          'manifold.notaryRoots': ['keys/fulcio_v1.crt.pem', 'keys/notary.crt'],
          'manifold.notaryIdentities': ['x509.subject: C=US, ST=WA, O=Anyone'],
          'manifold.notaryTsaRoots': ['keys/fulcio_v1.crt.pem'],
          'manifold.timestampCertificateChains': ['keys/fulcio_v1.crt.pem'],
          // Honoured, these (no CT log key, no trusted root) would make every keyless verification an error.
          'manifold.ctLogKeys': ['keys/fulcio_v1.crt.pem'],
          'manifold.sigstoreTrustedRoot': 'keys/fulcio_v1.crt.pem',
          'manifold.notaryTrustPolicy': 'keys/fulcio_v1.crt.pem',
          'manifold.notaryTrustStore': 'keys',
          'manifold.signatureAnnotations': { team: 'anyone' },
          'manifold.concurrency': 3,
        }),
      );
      for (let i = 0; i < 100 && settings().get('concurrency') !== 3; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(settings().get('concurrency'), 3, 'VS Code did not read the workspace settings');
    });

    beforeEach(() => {
      dialogs.length = 0;
      infos.length = 0;
    });

    after(async () => {
      if (real) Object.assign(window, real);
      for (const name of ['signatureKeys', 'signatureIdentities', 'signatureRoots', 'rekorKeys']) await settings().update(name, undefined, vscode.ConfigurationTarget.Global);
      rmSync(workspaceSettings, { force: true });
    });

    it("does not use the workspace's setting (restricted): it asks for the keys, and offers to remember none", async () => {
      assert.deepEqual(settings().get('signatureKeys'), [], "VS Code gives the workspace's value of a restricted setting");
      assert.equal(await vscode.commands.executeCommand('manifold.verifySignatures', { layout: demo, reference: 'v1' }), undefined);
      assert.deepEqual(dialogs, ['Verify Signatures: Choose Public Keys']);
      assert.deepEqual(infos, []);
    });

    it("does not use the workspace's keyless settings: its own keyless-signed layout is not verified, the keys are asked for", async () => {
      for (const name of ['signatureIdentities', 'signatureRoots', 'rekorKeys', 'notaryRoots', 'notaryIdentities', 'notaryTsaRoots', 'timestampCertificateChains', 'ctLogKeys']) assert.deepEqual(settings().get(name), [], `VS Code gives the workspace's ${name}`);
      for (const name of ['sigstoreTrustedRoot', 'notaryTrustPolicy', 'notaryTrustStore']) assert.equal(settings().get(name), '', `VS Code gives the workspace's ${name}`);
      assert.deepEqual(settings().get('signatureAnnotations'), {}, "VS Code gives the workspace's signatureAnnotations");
      assert.equal(await vscode.commands.executeCommand('manifold.verifySignatures', { layout: keyless, reference: 'v1' }), undefined);
      assert.deepEqual(dialogs, ['Verify Signatures: Choose Public Keys']);
    });

    it("the coverage page uses neither the workspace's keys nor its keyless settings: its cells say nothing of verification", async () => {
      const m = await vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout: keyless, reference: 'v1' });
      assert.ok(m, 'the page did not open');
      assert.deepEqual([m.keys, m.identities, m.unverified, m.verifyProblem], [undefined, undefined, undefined, undefined]);
      assert.deepEqual(m.rows.flatMap((r) => r.cells.filter((c) => c.verified !== undefined || c.nothingToVerify)), []);
      assert.equal(m.rows[0]?.cells.find((c) => c.kind === 'signature')?.state, 'present', 'the signature is counted');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it("uses the user's keyless settings (absolute paths): verified; a root relative to the workspace is not used", async () => {
      const global = vscode.ConfigurationTarget.Global;
      try {
        await settings().update('signatureIdentities', [identity], global);
        await settings().update('signatureRoots', [join(fixtures, 'fulcio_v1.crt.pem')], global);
        await settings().update('rekorKeys', [join(fixtures, 'rekor.pub')], global);
        const outcome = await vscode.commands.executeCommand<{ summary: string }>('manifold.verifySignatures', { layout: keyless, reference: 'v1' });
        assert.equal(outcome?.summary, 'v1: verified by the certificate for mitr@redhat.com (https://github.com/login/oauth)');
        // Relative: not used, so the identity has no roots (an error, not a verification).
        await settings().update('signatureRoots', ['keys/fulcio_v1.crt.pem'], global);
        assert.equal(await vscode.commands.executeCommand('manifold.verifySignatures', { layout: keyless, reference: 'v1' }), undefined, 'the relative root was used');
        assert.deepEqual(dialogs, []);
      } finally {
        for (const name of ['signatureIdentities', 'signatureRoots', 'rekorKeys']) await settings().update(name, undefined, global);
      }
    });

    it("Verify File Signature: a Notary signature is not verified under the workspace's notaryRoots; under the user's own (absolute), it is", async () => {
      type Outcome = { valid: boolean; problem?: string; message: string };
      const check = () => vscode.commands.executeCommand<Outcome | undefined>('manifold.verifyFileSignature', vscode.Uri.file(notaryFile));
      const refused = await check();
      assert.equal(refused?.valid, false, refused?.message);
      assert.equal(refused?.problem, 'no-notary-trust', refused?.message);
      const own = join(notaryFile, '..', 'notary.crt');
      writeFileSync(own, notary.certificatePem);
      try {
        await settings().update('notaryRoots', [own], vscode.ConfigurationTarget.Global);
        const verified = await check();
        assert.equal(verified?.valid, true, verified?.message);
        assert.deepEqual(infos, [`release.tar.gz: verified by Notary signature of CN=anyone (root ${own}, notary.x509)`]);
        assert.deepEqual(dialogs, []);
      } finally {
        await settings().update('notaryRoots', undefined, vscode.ConfigurationTarget.Global);
        rmSync(join(notaryFile, '..'), { recursive: true, force: true });
      }
    });

    it("uses the user's setting, but not a path of it relative to the workspace", async () => {
      await settings().update('signatureKeys', ['keys/cosign.pub'], vscode.ConfigurationTarget.Global);
      assert.equal(await vscode.commands.executeCommand('manifold.verifySignatures', { layout: demo, reference: 'v1' }), undefined);
      assert.equal(dialogs.length, 1, 'the relative path was used');
      const own = join(mkdtempSync(join(tmpdir(), 'manifold-untrusted-keys-')), 'mine.pub');
      writeFileSync(own, pem());
      await settings().update('signatureKeys', [own], vscode.ConfigurationTarget.Global);
      const outcome = await vscode.commands.executeCommand<{ summary: string }>('manifold.verifySignatures', { layout: demo, reference: 'v1' });
      assert.equal(dialogs.length, 1, 'asked again');
      assert.match(outcome?.summary ?? '', /^v1: 3 of 3 manifests have no valid signature: index, linux\/amd64, linux\/arm64\/v8$/);
      rmSync(join(own, '..'), { recursive: true, force: true });
    });
  });
});
