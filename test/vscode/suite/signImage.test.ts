import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SignOutcome } from '../../../src/extension/commands/signImage';
import type { Services } from '../../../src/extension/services';
import type { CoverageModel } from '../../../src/shared/coverageProtocol';
import type { Descriptor } from '../../../src/oci/descriptor';
import { copy } from '../../../src/oci/copy/copy';
import { OciLayoutStore } from '../../../src/oci/layout';
import type { Target } from '../../../src/oci/target';
import { RegistryClient, RemoteRepository } from '../../../src/oci/registry';
import { encryptCosignKey, loadNotaryRoots, loadPublicKey, verifyImage, type VerifyKey } from '../../../src/oci/signatures';
import { startOciServer } from '../../integration/support/ociServer';
import { makeImage, makeIndex, newLayout } from '../../unit/builders';

const run = (...args: unknown[]) => vscode.commands.executeCommand<SignOutcome | undefined>('manifold.signImage', ...args);

type Item = vscode.QuickPickItem;
type Window = {
  showQuickPick(items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions): Thenable<unknown>;
  showInputBox(options?: vscode.InputBoxOptions): Thenable<string | undefined>;
  showOpenDialog(options?: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined>;
  showErrorMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
  showInformationMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
};

/** Which manifests of `v1` a key verifies, as `manifold verify --recursive` reports them: label -> name signed as. */
async function verified(target: Target, key: VerifyKey): Promise<Record<string, string | undefined>> {
  const report = await verifyImage(target, 'v1', [key], { recursive: true });
  return Object.fromEntries(report.manifests.map((m) => [m.label, m.valid ? m.signatures.find((s) => s.valid)?.identity : undefined]));
}

/**
 * "Sign Image…" as a user runs it: on a layout's multi-platform v1 (the index only, or every manifest), with the key
 * chosen in the open dialog, its passphrase typed (wrong first: asked again), the name asked and remembered; on a
 * registry, named as the registry's reference. What is asserted is what the core's verify then says of each manifest
 * with the public key, and what the notification says.
 */
describe('Sign Image', () => {
  let services: Services;
  let layout: string;
  let index: Descriptor;
  let amd64: Descriptor;
  let keys: string;
  let keyFile: string;
  let publicKey: VerifyKey;
  let window: Window;
  let real: Window;
  const shown: Array<{ kind: string; message: string }> = [];
  const asked: string[] = [];
  let picks: string[] = [];
  let typed: string[] = [];
  let opened: vscode.Uri[] | undefined;

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    ({ services } = await ext.activate());
    const store = await newLayout();
    layout = store.location;
    amd64 = await makeImage(store, { arch: 'amd64' });
    const arm64 = await makeImage(store, { arch: 'arm64' });
    index = await makeIndex(store, [amd64, arm64]);
    await store.tag(index, 'v1');
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    keys = mkdtempSync(join(tmpdir(), 'manifold-signkeys-'));
    keyFile = join(keys, 'cosign.key');
    writeFileSync(keyFile, encryptCosignKey(pair.privateKey, 'open sesame'));
    publicKey = loadPublicKey('cosign.pub', Buffer.from(pair.publicKey.export({ type: 'spki', format: 'pem' })));

    window = (createRequire(join(ext.extensionPath, ext.packageJSON.main))('vscode') as { window: Window }).window;
    const { showQuickPick, showInputBox, showOpenDialog, showErrorMessage, showInformationMessage } = window;
    real = { showQuickPick, showInputBox, showOpenDialog, showErrorMessage, showInformationMessage };
    window.showQuickPick = async (items, options) => {
      const list = await items;
      const want = picks.shift();
      asked.push(`pick: ${options?.placeHolder}: ${list.map((i) => i.label).join(' | ')}`);
      return list.find((i) => i.label === want);
    };
    window.showInputBox = async (options) => {
      asked.push(`input: ${options?.prompt}${options?.password ? ' (password)' : ''}${options?.value ? ` [${options.value}]` : ''}`);
      return typed.shift();
    };
    window.showOpenDialog = async (options) => (asked.push(`open: ${options?.title}`), opened);
    window.showErrorMessage = async (message: string) => (shown.push({ kind: 'error', message }), undefined);
    window.showInformationMessage = async (message: string) => (shown.push({ kind: 'info', message }), undefined);
  });

  beforeEach(() => {
    shown.length = 0;
    asked.length = 0;
    picks = [];
    typed = [];
    opened = undefined;
  });

  after(async () => {
    if (real) Object.assign(window, real);
    rmSync(keys, { recursive: true, force: true });
  });

  it('the index only: the key chosen, a wrong passphrase asked again, the name asked; verify finds the index signed as named', async () => {
    picks = ['v1 only'];
    opened = [vscode.Uri.file(keyFile)];
    typed = ['not it', 'open sesame', 'registry.example.com/app:v1'];
    const outcome = await run({ layout, reference: 'v1' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.deepEqual(asked, [
      'pick: What to sign: v1 and every manifest below it | v1 only',
      'open: Sign Image: Choose the Private Key',
      'input: The passphrase of cosign.key (password)',
      'input: Wrong passphrase for cosign.key (or the key is damaged); try again (password)',
      'input: The name to sign as: the registry reference the image will be pulled by (cosign checks it against --identity)',
    ]);
    assert.equal(outcome.message, 'Signed v1 with cosign.key (ecdsa-p256) as registry.example.com/app:v1');
    assert.deepEqual(shown, [{ kind: 'info', message: outcome.message }]);
    assert.deepEqual(outcome.signed.map((s) => [s.digest, s.tag, s.signatures]), [[index.digest, `sha256-${index.digest.slice(7)}.sig`, 1]]);
    const store = await OciLayoutStore.open(layout);
    assert.deepEqual(await verified(store, publicKey), { index: 'registry.example.com/app:v1', 'linux/amd64': undefined, 'linux/arm64': undefined });
  });

  it('every manifest: the name last used is offered; each platform verifies, the index holds two signatures now', async () => {
    picks = ['v1 and every manifest below it'];
    opened = [vscode.Uri.file(keyFile)];
    typed = ['open sesame', 'registry.example.com/app:v1'];
    const outcome = await run({ layout, reference: 'v1' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(asked.at(-1), 'input: The name to sign as: the registry reference the image will be pulled by (cosign checks it against --identity) [registry.example.com/app:v1]');
    assert.equal(outcome.message, 'Signed v1 and the 2 manifests below it with cosign.key (ecdsa-p256) as registry.example.com/app:v1');
    // ECDSA signs anew each time: the index's .sig manifest gains a second layer, as cosign appends one.
    assert.deepEqual(outcome.signed.map((s) => s.signatures), [2, 1, 1]);
    const store = await OciLayoutStore.open(layout);
    assert.deepEqual(await verified(store, publicKey), { index: 'registry.example.com/app:v1', 'linux/amd64': 'registry.example.com/app:v1', 'linux/arm64': 'registry.example.com/app:v1' });
  });

  it('the coverage page offers to sign the platforms lacking a signature; signing them (as its button does) fills the column', async () => {
    const fresh = await newLayout();
    const a = await makeImage(fresh, { arch: 'amd64' });
    const b = await makeImage(fresh, { arch: 'arm64' });
    await fresh.tag(await makeIndex(fresh, [a, b]), 'v1');
    const before = await vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout: fresh.location, reference: 'v1' });
    assert.equal(before.signable, true);
    const missing = before.columns.find((c) => c.id === 'signature')!.missing;
    assert.deepEqual(missing, ['linux/amd64', 'linux/arm64']);
    // The page's Sign button runs the command with the column's gaps: the key, passphrase and name as asked there.
    const outcome = await run({ layout: fresh.location, reference: 'v1', platforms: missing, key: keyFile, passphrase: 'open sesame', identity: 'registry.example.com/app:v2' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(outcome.message, 'Signed linux/amd64, linux/arm64 of v1 with cosign.key (ecdsa-p256) as registry.example.com/app:v2');
    assert.deepEqual(outcome.signed.map((s) => s.digest), [a.digest, b.digest]);
    assert.deepEqual(await verified(await OciLayoutStore.open(fresh.location), publicKey), { index: undefined, 'linux/amd64': 'registry.example.com/app:v2', 'linux/arm64': 'registry.example.com/app:v2' });
    const after = await vscode.commands.executeCommand<CoverageModel>('manifold.showCoverage', { layout: fresh.location, reference: 'v1' });
    assert.deepEqual(after.rows.map((r) => [r.label, r.cells.find((c) => c.kind === 'signature')?.count]), [['index', 0], ['linux/amd64', 1], ['linux/arm64', 1]]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('with manifold.signingFormat sigstore-bundle: each platform gets a Sigstore bundle referrer, no name asked; verify finds them in that format', async () => {
    const fresh = await newLayout();
    const a = await makeImage(fresh, { arch: 'amd64' });
    const b = await makeImage(fresh, { arch: 'arm64' });
    await fresh.tag(await makeIndex(fresh, [a, b]), 'v1');
    const config = vscode.workspace.getConfiguration();
    await config.update('manifold.signingFormat', 'sigstore-bundle', vscode.ConfigurationTarget.Global);
    try {
      picks = ['v1 and every manifest below it'];
      opened = [vscode.Uri.file(keyFile)];
      typed = ['open sesame'];
      const outcome = await run({ layout: fresh.location, reference: 'v1' });
      assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
      assert.deepEqual(asked, ['pick: What to sign: v1 and every manifest below it | v1 only', 'open: Sign Image: Choose the Private Key', 'input: The passphrase of cosign.key (password)']);
      assert.equal(outcome.format, 'sigstore-bundle');
      assert.equal(outcome.identity, undefined);
      assert.equal(outcome.message, 'Signed v1 and the 2 manifests below it with cosign.key (ecdsa-p256) as a Sigstore bundle');
      const store = await OciLayoutStore.open(fresh.location);
      // Each a referrer of its manifest, of cosign 3's artifact type; no cosign tag written.
      for (const s of outcome.signed) {
        const listed: Descriptor[] = [];
        for await (const r of store.referrers({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: s.digest, size: 0 })) listed.push(r);
        assert.deepEqual(listed.map((r) => [r.digest, r.artifactType]), [[s.referrer, 'application/vnd.dev.sigstore.bundle.v0.3+json']]);
      }
      const tags: string[] = [];
      for await (const t of store.tags()) tags.push(t);
      assert.deepEqual(tags, ['v1']);
      const report = await verifyImage(store, 'v1', [publicKey], { recursive: true });
      assert.deepEqual(report.manifests.map((m) => [m.label, m.valid, m.signatures.map((x) => x.format)]), [['index', true, ['bundle']], ['linux/amd64', true, ['bundle']], ['linux/arm64', true, ['bundle']]]);
    } finally {
      await config.update('manifold.signingFormat', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  /** A file of the extension's test/fixtures/notary-made. */
  const made = (name: string) => join(vscode.extensions.getExtension('manifold-dev.manifold')!.extensionPath, 'test', 'fixtures', 'notary-made', name);
  /** The made signer's chain (leaf, intermediate, root) as one file `name` beside the keys. */
  const notaryChain = (name: string) => {
    const chain = join(keys, name);
    writeFileSync(chain, ['leaf', 'intermediate', 'root'].map((n) => readFileSync(made(`${n}.pem`), 'utf8')).join(''));
    return chain;
  };

  /** Sign Image on `layout`'s v1 and every manifest below it, the made Notary key and `chain` chosen in the two file dialogs. */
  const signAsNotary = async (layout: string, chain: string): Promise<SignOutcome> => {
    picks = ['v1 and every manifest below it'];
    const dialogs = [[vscode.Uri.file(made('leaf.key.pem'))], [vscode.Uri.file(chain)]];
    window.showOpenDialog = async (options) => (asked.push(`open: ${options?.title}`), dialogs.shift());
    try {
      const outcome = await run({ layout, reference: 'v1' });
      assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
      return outcome;
    } finally {
      window.showOpenDialog = async (options) => (asked.push(`open: ${options?.title}`), opened);
    }
  };

  it('with manifold.signingFormat notary: the key and its chain chosen in file dialogs, a Notary referrer per manifest; verify --notary-roots finds each', async () => {
    const chain = notaryChain('signer.crt');
    const fresh = await newLayout();
    const a = await makeImage(fresh, { arch: 'amd64' });
    const b = await makeImage(fresh, { arch: 'arm64' });
    await fresh.tag(await makeIndex(fresh, [a, b]), 'v1');
    const config = vscode.workspace.getConfiguration();
    await config.update('manifold.signingFormat', 'notary', vscode.ConfigurationTarget.Global);
    try {
      const outcome = await signAsNotary(fresh.location, chain);
      assert.deepEqual(asked, ['pick: What to sign: v1 and every manifest below it | v1 only', 'open: Sign Image: Choose the Notary Signing Key', 'open: Sign Image: Choose Its Certificate Chain']);
      assert.equal(outcome.format, 'notary');
      assert.equal(outcome.message, 'Signed v1 and the 2 manifests below it with leaf.key.pem (ES256) as a Notary signature');
      const store = await OciLayoutStore.open(fresh.location);
      const report = await verifyImage(store, 'v1', [], { recursive: true, notary: { roots: loadNotaryRoots('root.pem', readFileSync(made('root.pem'))), authorityRoots: [], identities: [] } });
      assert.deepEqual(report.manifests.map((m) => [m.label, m.valid, m.signatures.map((x) => x.format)]), [['index', true, ['notary']], ['linux/amd64', true, ['notary']], ['linux/arm64', true, ['notary']]]);
      assert.deepEqual(outcome.signed.map((x) => x.referrer), report.manifests.map((m) => m.signatures[0]!.manifest));
    } finally {
      await config.update('manifold.signingFormat', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('with manifold.notarySignatureFormat cose: each Notary referrer holds a COSE_Sign1 envelope, which verify --notary-roots verifies', async () => {
    const chain = notaryChain('signer-cose.crt');
    const fresh = await newLayout();
    const a = await makeImage(fresh, { arch: 'amd64' });
    await fresh.tag(await makeIndex(fresh, [a]), 'v1');
    const config = vscode.workspace.getConfiguration();
    await config.update('manifold.signingFormat', 'notary', vscode.ConfigurationTarget.Global);
    await config.update('manifold.notarySignatureFormat', 'cose', vscode.ConfigurationTarget.Global);
    try {
      const outcome = await signAsNotary(fresh.location, chain);
      assert.equal(outcome.message, 'Signed v1 and the manifest below it with leaf.key.pem (ES256) as a Notary signature (COSE)');
      const store = await OciLayoutStore.open(fresh.location);
      const layers = await Promise.all(outcome.signed.map(async (x) => JSON.parse(Buffer.from(await store.fetchBytes(await store.resolveBlob(x.referrer!))).toString()).layers));
      assert.deepEqual(layers.map((l) => l.map((d: { mediaType: string }) => d.mediaType)), [['application/cose'], ['application/cose']]);
      const report = await verifyImage(store, 'v1', [], { recursive: true, notary: { roots: loadNotaryRoots('root.pem', readFileSync(made('root.pem'))), authorityRoots: [], identities: [] } });
      assert.deepEqual(report.manifests.map((m) => [m.label, m.valid, m.signatures.map((x) => x.format)]), [['index', true, ['notary']], ['linux/amd64', true, ['notary']]]);
    } finally {
      await config.update('manifold.signingFormat', undefined, vscode.ConfigurationTarget.Global);
      await config.update('manifold.notarySignatureFormat', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('with manifold.signingAnnotations: the payload signs them (cosign’s optional), and verify -a finds them', async () => {
    const fresh = await newLayout();
    await fresh.tag(await makeImage(fresh, { arch: 'amd64', seed: 'annotated' }), 'v1');
    const config = vscode.workspace.getConfiguration();
    await config.update('manifold.signingAnnotations', { team: 'web', git_sha: '1a2b' }, vscode.ConfigurationTarget.Global);
    try {
      opened = [vscode.Uri.file(keyFile)];
      typed = ['open sesame', 'registry.example.com/app:v1'];
      const outcome = await run({ layout: fresh.location, reference: 'v1' });
      assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
      const store = await OciLayoutStore.open(fresh.location);
      const sig = JSON.parse((await store.fetchBytes(await store.resolve(outcome.signed[0]!.tag!))).toString()) as { layers: Descriptor[] };
      const payload = JSON.parse((await store.fetchBytes(sig.layers[0]!)).toString()) as { optional: Record<string, string> };
      assert.deepEqual(Object.entries(payload.optional), [['git_sha', '1a2b'], ['team', 'web']]);
      const report = await verifyImage(store, 'v1', [publicKey], { annotations: { team: 'web' } });
      assert.deepEqual([report.manifests[0]!.valid, report.manifests[0]!.signatures[0]!.annotations], [true, { git_sha: '1a2b', team: 'web' }]);
    } finally {
      await config.update('manifold.signingAnnotations', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a wrong passphrase three times: the key’s error, and nothing stored', async () => {
    const before = readFileSync(join(layout, 'index.json'));
    picks = ['v1 only'];
    opened = [vscode.Uri.file(keyFile)];
    typed = ['one', 'two', 'three'];
    assert.equal(await run({ layout, reference: 'v1' }), undefined);
    assert.deepEqual(shown, [{ kind: 'error', message: `${keyFile}: cannot decrypt it: wrong passphrase, or the key is damaged` }]);
    assert.equal(asked.filter((a) => a.includes('(password)')).length, 3);
    assert.ok(readFileSync(join(layout, 'index.json')).equals(before), 'index.json changed');
  });

  it('a name with a digest is refused in the box, before anything is signed', async () => {
    typed = ['open sesame', `registry.example.com/app@${index.digest}`];
    let problem: unknown;
    window.showInputBox = async (options) => {
      const text = typed.shift();
      if (options?.validateInput && text?.includes('@')) problem = await options.validateInput(text);
      return options?.password ? text : undefined; // dismissed after reading the problem
    };
    try {
      assert.equal(await run({ layout, reference: amd64.digest, key: keyFile }), undefined);
    } finally {
      window.showInputBox = async (options) => (asked.push(`input: ${options?.prompt}`), typed.shift());
    }
    assert.equal(problem, 'Give a repository and tag, without a digest');
    assert.deepEqual(shown, []);
  });

  it('on a registry: named as the registry reference, and verify on the registry finds it', async () => {
    const server = await startOciServer();
    try {
      await vscode.commands.executeCommand('manifold.addRegistry', { registry: server.host, plainHttp: true });
      const remote = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'team/app');
      await copy(await OciLayoutStore.open(layout), index.digest, remote, ['v1']);
      const outcome = await run({ registry: server.host, repository: 'team/app', reference: 'v1', key: keyFile, passphrase: 'open sesame', recursive: false });
      assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
      assert.equal(outcome.identity, `${server.host}/team/app:v1`);
      assert.equal(outcome.message, `Signed v1 with cosign.key (ecdsa-p256) as ${server.host}/team/app:v1`);
      assert.deepEqual(asked, [], 'nothing asked: all given');
      assert.deepEqual(await verified(remote, publicKey), { index: `${server.host}/team/app:v1`, 'linux/amd64': undefined, 'linux/arm64': undefined });
    } finally {
      await vscode.commands.executeCommand('manifold.removeRegistry', { registry: server.host });
      await server.stop();
    }
  });
});
