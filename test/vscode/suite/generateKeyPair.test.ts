import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KeyPairOutcome } from '../../../src/extension/commands/generateKeyPair';
import type { Services } from '../../../src/extension/services';
import { OciLayoutStore } from '../../../src/oci/layout';
import { decryptCosignKey, loadNotaryRoots, readPublicKeyFile, verifyImage } from '../../../src/oci/signatures';
import { makeImage, newLayout } from '../../unit/builders';

const run = (...args: unknown[]) => vscode.commands.executeCommand<KeyPairOutcome | undefined>('manifold.generateKeyPair', ...args);

type Item = vscode.QuickPickItem;
type Window = {
  showQuickPick(items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions): Thenable<unknown>;
  showInputBox(options?: vscode.InputBoxOptions): Thenable<string | undefined>;
  showSaveDialog(options?: vscode.SaveDialogOptions): Thenable<vscode.Uri | undefined>;
  showWarningMessage(message: string, ...rest: unknown[]): Thenable<string | undefined>;
  showInformationMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
  showErrorMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
};

/**
 * "Generate Signing Key Pair…" as a user runs it from the palette: the kind of key picked, where to save it, the
 * passphrase typed twice (differing first: asked again); the files it writes open with that passphrase, sign an
 * image that the public key then verifies, and the offer puts the public key in the workspace's keys.
 */
describe('Generate Signing Key Pair', () => {
  let window: Window;
  let real: Window;
  let dir: string;
  const shown: Array<{ kind: string; message: string }> = [];
  const asked: string[] = [];
  let picks: string[] = [];
  let typed: string[] = [];
  let saveTo: vscode.Uri | undefined;
  let answer: string | undefined;

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    dir = mkdtempSync(join(tmpdir(), 'manifold-keypair-'));
    window = (createRequire(join(ext.extensionPath, ext.packageJSON.main))('vscode') as { window: Window }).window;
    const { showQuickPick, showInputBox, showSaveDialog, showWarningMessage, showInformationMessage, showErrorMessage } = window;
    real = { showQuickPick, showInputBox, showSaveDialog, showWarningMessage, showInformationMessage, showErrorMessage };
    window.showQuickPick = async (items, options) => {
      const list = await items;
      asked.push(`pick: ${options?.placeHolder}: ${list.map((i) => i.label + (i.description ? ` (${i.description})` : '')).join(' | ')}`);
      const want = picks.shift();
      return list.find((i) => i.label === want);
    };
    window.showInputBox = async (options) => (asked.push(`input: ${options?.prompt}${options?.password ? ' (password)' : ''}`), typed.shift());
    window.showSaveDialog = async (options) => (asked.push(`save: ${options?.title}: ${options?.saveLabel}`), saveTo);
    window.showWarningMessage = async (message: string) => (asked.push(`warning: ${message}`), answer);
    window.showInformationMessage = async (message: string, ...actions: string[]) => (shown.push({ kind: 'info', message: `${message} [${actions.join(', ')}]` }), answer);
    window.showErrorMessage = async (message: string) => (shown.push({ kind: 'error', message }), undefined);
  });

  beforeEach(() => {
    shown.length = 0;
    asked.length = 0;
    picks = [];
    typed = [];
    saveTo = undefined;
    answer = undefined;
  });

  after(async () => {
    if (real) Object.assign(window, real);
    await vscode.workspace.getConfiguration().update('manifold.signatureKeys', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration().update('manifold.notaryRoots', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(dir, { recursive: true, force: true });
  });

  it('asked: the kind, where, the passphrase twice; the key opens with it, signs, the .pub verifies; the offer adds the .pub to manifold.signatureKeys', async () => {
    picks = ['ed25519'];
    saveTo = vscode.Uri.file(join(dir, 'release.key'));
    typed = ['one', 'two', 'open sesame', 'open sesame'];
    answer = 'Verify With release.pub in This Workspace';
    const outcome = await run();
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.deepEqual(asked, [
      'pick: The kind of key: ecdsa-p256 (what cosign generate-key-pair makes) | ecdsa-p384 | ecdsa-p521 | rsa-2048 | rsa-3072 | rsa-4096 | ed25519',
      'save: Generate Signing Key Pair: Save Private Key',
      'input: A passphrase to seal release.key under (password)',
      'input: The passphrase again (password)',
      'input: The two passphrases differ; a passphrase to seal release.key under (password)',
      'input: The passphrase again (password)',
    ]);
    assert.deepEqual(outcome, {
      key: join(dir, 'release.key'),
      pub: join(dir, 'release.pub'),
      type: 'ed25519',
      message: 'Made release.key (ed25519) and release.pub: Sign Image… signs with the private key, Verify Signatures… checks with the public one.',
    });
    assert.deepEqual(shown, [{ kind: 'info', message: `${outcome.message} [Verify With release.pub in This Workspace]` }]);
    assert.equal(statSync(outcome.key).mode & 0o777, 0o600);
    const key = decryptCosignKey(outcome.key, readFileSync(outcome.key, 'utf8'), 'open sesame');
    assert.equal(key.type, 'ed25519');
    assert.equal(key.publicPem(), readFileSync(outcome.pub, 'utf8'));

    // Sign Image with it, then the core's verify with the .pub: what a user does next.
    const store = await newLayout();
    await store.tag(await makeImage(store), 'v1');
    const signed = await vscode.commands.executeCommand<{ message: string } | undefined>('manifold.signImage', { layout: store.location, reference: 'v1', key: outcome.key, passphrase: 'open sesame', identity: 'registry.example.com/app:v1' });
    assert.ok(signed, JSON.stringify(shown));
    const report = await verifyImage(await OciLayoutStore.open(store.location), 'v1', [await readPublicKeyFile(outcome.pub)]);
    assert.equal(report.manifests[0]!.valid, true);

    // The offer was taken (not awaited by the command): the setting holds the .pub, a path outside the workspace as is.
    for (let i = 0; i < 50 && !vscode.workspace.getConfiguration().inspect<string[]>('manifold.signatureKeys')?.workspaceValue; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(vscode.workspace.getConfiguration().inspect<string[]>('manifold.signatureKeys')?.workspaceValue, [outcome.pub]);
    // And the user is told so.
    const told = `manifold.signatureKeys in this workspace's settings now lists ${outcome.pub} []`;
    for (let i = 0; i < 50 && !shown.some((s) => s.message === told); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(shown.find((s) => s.message === told), { kind: 'info', message: told });
  });

  it('a .pub beside the chosen name: asked before anything is written; declined, both files stay as they were', async () => {
    writeFileSync(join(dir, 'mine.pub'), 'my own public key\n');
    saveTo = vscode.Uri.file(join(dir, 'mine.key'));
    answer = undefined; // the modal dismissed
    assert.equal(await run({ type: 'ecdsa-p256' }), undefined);
    assert.deepEqual(asked, ['save: Generate Signing Key Pair: Save Private Key', 'warning: mine.pub exists beside mine.key. Replace it?']);
    assert.equal(readFileSync(join(dir, 'mine.pub'), 'utf8'), 'my own public key\n');
    assert.throws(() => statSync(join(dir, 'mine.key')));
    assert.deepEqual(shown, []);
  });

  it('with manifold.signingFormat notary: a Notary key and self-signed certificate as generate-certificate makes; Sign Image signs with them, the certificate verifies, the offer adds it to manifold.notaryRoots', async () => {
    picks = ['ecdsa-p384'];
    typed = ['release'];
    saveTo = vscode.Uri.file(join(dir, 'release-notary.key'));
    answer = 'Verify With release-notary.crt in This Workspace';
    const outcome = await run({ format: 'notary' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.deepEqual(asked, [
      'pick: The kind of key: rsa-2048 (what notation cert generate-test makes) | rsa-3072 | rsa-4096 | ecdsa-p256 | ecdsa-p384 | ecdsa-p521',
      "input: The certificate's name: its subject is C=US, ST=WA, L=Seattle, O=Notary, CN=<name>, as notation cert generate-test makes it",
      'save: Generate Signing Key Pair: Save Private Key',
    ]);
    assert.equal(outcome.certificate, join(dir, 'release-notary.crt'));
    assert.match(outcome.message, /^Made release-notary\.key \(ecdsa-p384\) and release-notary\.crt \(C=US, ST=WA, L=Seattle, O=Notary, CN=release, valid until \d{4}-\d\d-\d\d\): /);
    assert.equal(statSync(outcome.key).mode & 0o777, 0o600);

    const store = await newLayout();
    const image = await makeImage(store);
    await store.tag(image, 'v1');
    const signed = await vscode.commands.executeCommand<{ message: string } | undefined>('manifold.signImage', { layout: store.location, reference: 'v1', format: 'notary', notaryKey: outcome.key, notaryCertificate: outcome.certificate });
    assert.ok(signed, JSON.stringify(shown));
    const roots = loadNotaryRoots('release-notary.crt', readFileSync(outcome.certificate!));
    const report = await verifyImage(await OciLayoutStore.open(store.location), 'v1', [], { notary: { roots, authorityRoots: [], identities: [] } });
    assert.equal(report.manifests[0]!.valid, true, JSON.stringify(report.manifests[0]));
    for (let i = 0; i < 50 && !vscode.workspace.getConfiguration().inspect<string[]>('manifold.notaryRoots')?.workspaceValue; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(vscode.workspace.getConfiguration().inspect<string[]>('manifold.notaryRoots')?.workspaceValue, [outcome.certificate]);
  });
});
