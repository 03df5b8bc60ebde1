import * as assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { VerifyOutcome } from '../../../src/extension/commands/verifySignatures';
import type { Services } from '../../../src/extension/services';
import type { CoverageModel } from '../../../src/shared/coverageProtocol';
import type { Descriptor } from '../../../src/oci/descriptor';
import { signKey, signManifest } from '../../../src/oci/signatures';
import { makeImage, makeIndex, newLayout } from '../../unit/builders';
import { startOciServer } from '../../integration/support/ociServer';
import { copy } from '../../../src/oci/copy/copy';
import { OciLayoutStore } from '../../../src/oci/layout';
import { RegistryClient, RemoteRepository } from '../../../src/oci/registry';

const run = (...args: unknown[]) => vscode.commands.executeCommand<VerifyOutcome | undefined>('manifold.verifySignatures', ...args);
const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' });

type Window = {
  showErrorMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
  showWarningMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
  showInformationMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
  showOpenDialog(options?: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined>;
};

/** Verify Signatures' entries in the Problems panel for `uri`, as a user reads them (the text they mark too). */
async function held(uri: vscode.Uri): Promise<Array<{ severity: string; code: string; text: string; message: string }>> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'manifold verify')
    .map((d) => ({ severity: vscode.DiagnosticSeverity[d.severity], code: String(d.code), text: doc.getText(d.range), message: d.message }))
    .sort((a, b) => a.message.localeCompare(b.message));
}

/**
 * "Verify Signatures…" on a layout whose index and linux/amd64 are signed with a key and linux/arm64 is not: with the
 * key in `manifold.signatureKeys`, with a wrong key, with a key file that is no key, and with none set (the keys
 * chosen in the open dialog, and remembered). What is asserted is what a user sees: the notification's text and
 * the Problems panel's entries, on the index's document at each platform's entry.
 */
describe('Verify Signatures', () => {
  let services: Services;
  let layout: string;
  let index: Descriptor;
  let keys: string;
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  let window: Window;
  let real: Window;
  const shown: Array<{ kind: string; message: string; actions: string[] }> = [];
  let openAnswer: vscode.Uri[] | undefined;
  let infoAnswer: (message: string, actions: string[]) => string | undefined = () => undefined;
  const settings = () => vscode.workspace.getConfiguration('manifold');
  const ref = () => ({ kind: 'layout' as const, path: layout });
  const indexUri = () => services.documents.uri('manifest', ref(), index, 'v1');

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    ({ services } = await ext.activate());
    const store = await newLayout();
    layout = store.location;
    const amd64 = await makeImage(store, { arch: 'amd64' });
    const arm64 = await makeImage(store, { arch: 'arm64' });
    index = await makeIndex(store, [amd64, arm64]);
    await store.tag(index, 'v1');
    pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    for (const d of [index, amd64]) await signManifest(store, d, signKey('cosign.key', pair.privateKey), 'registry.example.com/app:v1');
    keys = mkdtempSync(join(tmpdir(), 'manifold-keys-'));
    writeFileSync(join(keys, 'cosign.pub'), pem(pair.publicKey));
    writeFileSync(join(keys, 'other.pub'), pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey));
    writeFileSync(join(keys, 'notakey.pub'), 'this is no PEM key\n');

    window = (createRequire(join(ext.extensionPath, ext.packageJSON.main))('vscode') as { window: Window }).window;
    real = { showErrorMessage: window.showErrorMessage, showWarningMessage: window.showWarningMessage, showInformationMessage: window.showInformationMessage, showOpenDialog: window.showOpenDialog };
    const record = (kind: string) => async (message: string, ...actions: string[]) => {
      shown.push({ kind, message, actions });
      return kind === 'info' ? infoAnswer(message, actions) : undefined;
    };
    window.showErrorMessage = record('error');
    window.showWarningMessage = record('warning');
    window.showInformationMessage = record('info');
    window.showOpenDialog = async () => openAnswer;
  });

  beforeEach(() => {
    shown.length = 0;
    openAnswer = undefined;
    infoAnswer = () => undefined;
  });

  after(async () => {
    if (real) Object.assign(window, real);
    await settings().update('signatureKeys', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('signatureKeys', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(keys, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('with the key set: linux/arm64 is the one problem, marked at its entry in v1; the notification says so', async () => {
    await settings().update('signatureKeys', [join(keys, 'cosign.pub')], vscode.ConfigurationTarget.Global);
    const outcome = await run({ layout, reference: 'v1' });
    assert.ok(outcome, 'the command returned nothing (see the Manifold log)');
    const key = join(keys, 'cosign.pub');
    assert.equal(outcome.summary, `v1: linux/arm64 has no valid signature (2 of 3 verified by ${key})`);
    assert.deepEqual(shown, [{ kind: 'warning', message: outcome.summary, actions: ['Show Problems'] }]);
    assert.deepEqual(outcome.uris, [indexUri().toString()]);
    const entries = (await held(indexUri())).map(({ severity, code, message }) => ({ severity, code, message }));
    assert.deepEqual(entries, [
      { severity: 'Information', code: 'verified', message: `v1: index verified by ${key} (ecdsa-p256), signed as registry.example.com/app:v1` },
      { severity: 'Information', code: 'verified', message: `v1: linux/amd64 verified by ${key} (ecdsa-p256), signed as registry.example.com/app:v1` },
      {
        severity: 'Warning',
        code: 'no-signature',
        message: "v1: linux/arm64 has no valid signature: none found (if the layout was copied from a registry, copy with -r: it carries referrers and cosign's sha256-<hex>.sig tags)",
      },
    ]);
    // linux/arm64's problem marks its entry in the index (manifests[1]), at the digest it lists.
    const doc = await vscode.workspace.openTextDocument(indexUri());
    const arm = vscode.languages.getDiagnostics(indexUri()).find((d) => d.source === 'manifold verify' && d.severity === vscode.DiagnosticSeverity.Warning)!;
    const entry = (JSON.parse(doc.getText()) as { manifests: Descriptor[] }).manifests[1]!;
    assert.equal(entry.platform?.architecture, 'arm64');
    assert.equal(doc.getText(arm.range), JSON.stringify(entry.digest));
  });

  it('with manifold.signatureAnnotations: a signature signed with them verifies, naming them; one without, annotation-mismatch', async () => {
    const store = await newLayout();
    const image = await makeImage(store, { arch: 'amd64', seed: 'annotated' });
    await store.tag(image, 'v1');
    await signManifest(store, image, signKey('cosign.key', pair.privateKey), 'registry.example.com/app:v1', { annotations: { team: 'web', git_sha: '1a2b' } });
    const key = join(keys, 'cosign.pub');
    await settings().update('signatureKeys', [key], vscode.ConfigurationTarget.Global);
    await settings().update('signatureAnnotations', { team: 'web' }, vscode.ConfigurationTarget.Global);
    try {
      const good = await run({ layout: store.location, reference: 'v1' });
      assert.equal(good?.summary, `v1: verified by ${key}`);
      const [note] = await held(vscode.Uri.parse(good!.uris[0]!));
      assert.equal(note?.message, `v1: linux/amd64 verified by ${key} (ecdsa-p256), signed as registry.example.com/app:v1, with annotations git_sha=1a2b, team=web`);
      await settings().update('signatureAnnotations', { team: 'db' }, vscode.ConfigurationTarget.Global);
      const bad = await run({ layout: store.location, reference: 'v1' });
      assert.equal(bad?.summary, 'v1 has no valid signature');
      const [entry] = await held(vscode.Uri.parse(bad!.uris[0]!));
      assert.deepEqual([entry?.code, entry?.message.replace(/^.*: annotation-mismatch: /, '')], ['annotation-mismatch', 'annotations: team is signed as "web", not "db"']);
    } finally {
      await settings().update('signatureAnnotations', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('with a wrong key: every manifest is an error naming the key tried; the last run’s results are replaced', async () => {
    await settings().update('signatureKeys', [join(keys, 'other.pub')], vscode.ConfigurationTarget.Global);
    const outcome = await run({ layout, reference: 'v1' });
    assert.ok(outcome, 'the command returned nothing (see the Manifold log)');
    assert.equal(outcome.summary, 'v1: 3 of 3 manifests have no valid signature: index, linux/amd64, linux/arm64');
    assert.deepEqual(shown, [{ kind: 'error', message: outcome.summary, actions: ['Show Problems'] }]);
    const entries = await held(indexUri());
    assert.deepEqual(
      entries.map((e) => [e.severity, e.code]),
      [
        ['Error', 'bad-signature'],
        ['Error', 'bad-signature'],
        ['Warning', 'no-signature'],
      ],
    );
    assert.match(entries[0]!.message, new RegExp(`^v1: index has no valid signature: sha256:[a-f0-9]{12}… layers\\[0\\]: bad-signature: no key given verifies it \\(${escape(join(keys, 'other.pub'))}\\)$`));
    assert.match(entries[1]!.message, /^v1: linux\/amd64 has no valid signature: .* bad-signature: no key given verifies it/);
  });

  it('a key file that is no key: the error names the setting, the file and why; nothing is verified', async () => {
    const bad = join(keys, 'notakey.pub');
    await settings().update('signatureKeys', [join(keys, 'cosign.pub'), bad], vscode.ConfigurationTarget.Global);
    assert.equal(await run({ layout, reference: 'v1' }), undefined);
    const errors = shown.filter((s) => s.kind === 'error');
    assert.equal(errors.length, 1, JSON.stringify(shown));
    assert.ok(errors[0]!.message.startsWith(`manifold.signatureKeys: ${bad}: not a PEM public key (`), errors[0]!.message);
  });

  it('a key file that is missing: the error names its full path (a relative entry is of the workspace folder)', async () => {
    await settings().update('signatureKeys', ['keys/missing.pub'], vscode.ConfigurationTarget.Global);
    assert.equal(await run({ layout, reference: 'v1' }), undefined);
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const errors = shown.filter((s) => s.kind === 'error');
    assert.equal(errors.length, 1, JSON.stringify(shown));
    assert.match(errors[0]!.message, new RegExp(`^manifold\\.signatureKeys: ${escape(join(folder, 'keys', 'missing.pub'))}: ENOENT`));
  });

  it('none set: the keys chosen in the open dialog verify, and "Remember" writes them into the workspace setting, relative', async () => {
    await settings().update('signatureKeys', undefined, vscode.ConfigurationTarget.Global);
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const inWorkspace = join(folder, 'keys');
    mkdirSync(inWorkspace, { recursive: true });
    copyFileSync(join(keys, 'cosign.pub'), join(inWorkspace, 'cosign.pub'));
    try {
      openAnswer = [vscode.Uri.file(join(inWorkspace, 'cosign.pub'))];
      infoAnswer = (_message, actions) => actions.find((a) => a === 'Remember in Workspace Settings');
      const outcome = await run({ layout, reference: 'v1' });
      assert.ok(outcome, 'the command returned nothing (see the Manifold log)');
      assert.equal(outcome.summary, 'v1: linux/arm64 has no valid signature (2 of 3 verified by cosign.pub)');
      const offer = shown.find((s) => s.kind === 'info');
      assert.equal(offer?.message, 'Verify signatures and attestations with cosign.pub in this workspace from now on? (manifold.signatureKeys)');
      for (let i = 0; i < 50 && !settings().inspect('signatureKeys')?.workspaceValue; i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(settings().inspect('signatureKeys')?.workspaceValue, ['keys/cosign.pub']);
      const told = "manifold.signatureKeys in this workspace's settings now lists keys/cosign.pub";
      for (let i = 0; i < 50 && !shown.some((s) => s.message === told); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(shown.some((s) => s.kind === 'info' && s.message === told), JSON.stringify(shown));
      // Remembered: the next run asks nothing and names the key as the setting does.
      openAnswer = undefined;
      shown.length = 0;
      const again = await run({ layout, reference: 'v1' });
      assert.equal(again?.summary, 'v1: linux/arm64 has no valid signature (2 of 3 verified by keys/cosign.pub)');
    } finally {
      await settings().update('signatureKeys', undefined, vscode.ConfigurationTarget.Workspace);
      rmSync(inWorkspace, { recursive: true, force: true });
    }
  });

  it('on a registry: the same results, and a signature made there verifies', async () => {
    const server = await startOciServer();
    try {
      await settings().update('signatureKeys', [join(keys, 'cosign.pub')], vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('manifold.addRegistry', { registry: server.host, plainHttp: true });
      // Pushed with the core's copy (this bundle's own, with its own registry client), as `manifold cp` pushes.
      const remote = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'team/app');
      await copy(await OciLayoutStore.open(layout), 'v1', remote, ['v1']);
      const registryRef = { kind: 'registry' as const, registry: server.host, repository: 'team/app' };
      const unsigned = await run({ registry: server.host, repository: 'team/app', reference: 'v1' });
      assert.equal(unsigned?.summary, 'v1: 3 of 3 manifests have no valid signature: index, linux/amd64, linux/arm64', 'copied without its .sig tags');
      // Signed on the registry itself, as cosign signs there (the index only).
      await signManifest(remote, await remote.resolve('v1'), signKey('cosign.key', pair.privateKey), `${server.host}/team/app:v1`);
      const outcome = await run({ registry: server.host, repository: 'team/app', reference: 'v1' });
      assert.equal(outcome?.summary, `v1: 2 of 3 manifests have no valid signature: linux/amd64, linux/arm64`);
      const uri = services.documents.uri('manifest', registryRef, index, 'v1');
      assert.deepEqual(outcome.uris, [uri.toString()]);
      const entries = await held(uri);
      assert.deepEqual(entries[0], { severity: 'Information', code: 'verified', text: entries[0]!.text, message: `v1: index verified by ${join(keys, 'cosign.pub')} (ecdsa-p256), signed as ${server.host}/team/app:v1` });
      assert.deepEqual(entries.slice(1).map((e) => e.code), ['no-signature', 'no-signature']);
    } finally {
      await settings().update('signatureKeys', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('manifold.removeRegistry', { registry: server.host });
      await server.stop();
    }
  });

  it('the coverage page: with the key set, signature cells say verified or not, and the banner counts the unverified', async () => {
    const signatureCells = (m: CoverageModel) => m.rows.map((r) => [r.label, r.cells.find((c) => c.kind === 'signature')?.state, r.cells.find((c) => c.kind === 'signature')?.verified]);
    const plain = await vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout, reference: 'v1' });
    assert.deepEqual(signatureCells(plain), [
      ['index', 'present', undefined],
      ['linux/amd64', 'present', undefined],
      ['linux/arm64', 'gap', undefined],
    ]);
    assert.equal(plain.unverified, undefined);
    const key = join(keys, 'cosign.pub');
    await settings().update('signatureKeys', [key], vscode.ConfigurationTarget.Global);
    try {
      const good = await vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout, reference: 'v1' });
      assert.deepEqual(signatureCells(good), [
        ['index', 'present', { valid: true, keys: [key] }],
        ['linux/amd64', 'present', { valid: true, keys: [key] }],
        ['linux/arm64', 'gap', undefined],
      ]);
      assert.deepEqual([good.unverified, good.keys, good.gaps], [0, [key], 1]);
      await settings().update('signatureKeys', [join(keys, 'other.pub')], vscode.ConfigurationTarget.Global);
      const wrong = await vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout, reference: 'v1' });
      assert.deepEqual(signatureCells(wrong).map((c) => c[2]), [{ valid: false, keys: [] }, { valid: false, keys: [] }, undefined]);
      assert.equal(wrong.unverified, 2);
      await settings().update('signatureKeys', [join(keys, 'notakey.pub')], vscode.ConfigurationTarget.Global);
      const bad = await vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout, reference: 'v1' });
      assert.ok(bad.verifyProblem?.startsWith(`manifold.signatureKeys: ${join(keys, 'notakey.pub')}: not a PEM public key (`), bad.verifyProblem);
      assert.equal(bad.rows.length, 3, 'the matrix still shows');
    } finally {
      await settings().update('signatureKeys', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('none set and the dialog dismissed: nothing runs, nothing is shown', async () => {
    assert.equal(await run({ layout, reference: 'v1' }), undefined);
    assert.deepEqual(shown, []);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
