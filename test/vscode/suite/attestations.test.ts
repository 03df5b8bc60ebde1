import * as assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AttestOutcome } from '../../../src/extension/commands/attestImage';
import type { VerifyAttestationsOutcome } from '../../../src/extension/commands/verifyAttestations';
import type { Services } from '../../../src/extension/services';
import { attestManifest, verifyImageAttestations } from '../../../src/oci/attestations';
import { copy } from '../../../src/oci/copy/copy';
import type { Descriptor } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { RegistryClient, RemoteRepository } from '../../../src/oci/registry';
import { encryptCosignKey, loadPublicKey, signKey, type VerifyKey } from '../../../src/oci/signatures';
import type { Target } from '../../../src/oci/target';
import { startOciServer } from '../../integration/support/ociServer';
import { makeImage, makeIndex, newLayout } from '../../unit/builders';

const attest = (...args: unknown[]) => vscode.commands.executeCommand<AttestOutcome | undefined>('manifold.attestImage', ...args);
const verify = (...args: unknown[]) => vscode.commands.executeCommand<VerifyAttestationsOutcome | undefined>('manifold.verifyAttestations', ...args);
const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' });
const SLSA = 'https://slsa.dev/provenance/v0.2';

type Item = vscode.QuickPickItem;
type Window = {
  showQuickPick(items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions): Thenable<unknown>;
  showInputBox(options?: vscode.InputBoxOptions): Thenable<string | undefined>;
  showOpenDialog(options?: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined>;
  showErrorMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
  showWarningMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
  showInformationMessage(message: string, ...actions: string[]): Thenable<string | undefined>;
};

/** Which manifests of `v1` have a valid attestation (of `type`, when given) as verify-attestation --recursive says: label -> valid. */
async function attested(target: Target, key: VerifyKey, type?: string): Promise<Record<string, boolean>> {
  const report = await verifyImageAttestations(target, 'v1', [key], { recursive: true, predicateType: type });
  return Object.fromEntries(report.manifests.map((m) => [m.label, m.valid]));
}

/** The statement of the last attestation under cosign's `.att` tag of `digest`: the DSSE payload, decoded. */
async function lastStatement(target: Target, digest: string): Promise<{ predicateType: string; subject: Array<{ name: string; digest: Record<string, string> }>; predicate: unknown }> {
  const manifest = JSON.parse((await target.fetchBytes(await target.resolve(`sha256-${digest.slice(7)}.att`))).toString()) as { layers: Descriptor[] };
  const envelope = JSON.parse((await target.fetchBytes(manifest.layers.at(-1)!)).toString()) as { payload: string };
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString());
}

/** Verify Attestations' entries in the Problems panel for `uri`, as a user reads them. */
function held(uri: vscode.Uri): Array<{ severity: string; code: string; message: string }> {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'manifold attestations')
    .map((d) => ({ severity: vscode.DiagnosticSeverity[d.severity], code: String(d.code), message: d.message }))
    .sort((a, b) => a.message.localeCompare(b.message));
}

/**
 * "Attest…" and "Verify Attestations…" as a user runs them, on a layout's multi-platform v1 and on a registry: the
 * questions asked (what to attest, the predicate file, its type, the key, the passphrase, the subject name), then
 * what the core's verify-attestation says of each manifest and what the statement stored holds; for Verify
 * Attestations, the notification and the Problems panel's entries.
 */
describe('Attest and Verify Attestations', () => {
  let services: Services;
  let layout: string;
  let index: Descriptor;
  let files: string;
  let keyFile: string;
  let predicateFile: string;
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  let publicKey: VerifyKey;
  let window: Window;
  let real: Window;
  const shown: Array<{ kind: string; message: string; actions: string[] }> = [];
  const asked: string[] = [];
  let picks: string[] = [];
  let typed: string[] = [];
  let opened: vscode.Uri[][] = [];
  const settings = () => vscode.workspace.getConfiguration('manifold');

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
    files = mkdtempSync(join(tmpdir(), 'manifold-attest-'));
    keyFile = join(files, 'cosign.key');
    writeFileSync(keyFile, encryptCosignKey(pair.privateKey, 'open sesame'));
    writeFileSync(join(files, 'cosign.pub'), pem(pair.publicKey));
    writeFileSync(join(files, 'other.pub'), pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey));
    publicKey = loadPublicKey('cosign.pub', Buffer.from(pem(pair.publicKey)));
    predicateFile = join(files, 'provenance.json');
    writeFileSync(predicateFile, JSON.stringify({ builder: { id: 'https://example.com/builder@v1' }, buildType: 'https://example.com/make' }));

    window = (createRequire(join(ext.extensionPath, ext.packageJSON.main))('vscode') as { window: Window }).window;
    const { showQuickPick, showInputBox, showOpenDialog, showErrorMessage, showWarningMessage, showInformationMessage } = window;
    real = { showQuickPick, showInputBox, showOpenDialog, showErrorMessage, showWarningMessage, showInformationMessage };
    window.showQuickPick = async (items, options) => {
      const list = await items;
      const want = picks.shift();
      asked.push(`pick: ${options?.placeHolder}: ${list.map((i) => i.label).join(' | ')}`);
      return list.find((i) => i.label === want);
    };
    window.showInputBox = async (options) => {
      const text = typed.shift();
      const problem = text !== undefined && options?.validateInput ? await options.validateInput(text) : undefined;
      asked.push(`input: ${options?.prompt}${options?.password ? ' (password)' : ''}${options?.value ? ` [${options.value}]` : ''}${problem ? ` refused: ${problem}` : ''}`);
      return problem ? undefined : text;
    };
    window.showOpenDialog = async (options) => (asked.push(`open: ${options?.title}`), opened.shift());
    const record = (kind: string) => async (message: string, ...actions: string[]) => (shown.push({ kind, message, actions }), undefined);
    window.showErrorMessage = record('error');
    window.showWarningMessage = record('warning');
    window.showInformationMessage = record('info');
  });

  beforeEach(() => {
    shown.length = 0;
    asked.length = 0;
    picks = [];
    typed = [];
    opened = [];
  });

  after(async () => {
    if (real) Object.assign(window, real);
    await settings().update('signatureKeys', undefined, vscode.ConfigurationTarget.Global);
    rmSync(files, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Attest, the index only, a URI typed as the type: the statement names the index, the subject name and the predicate; verify finds it', async () => {
    picks = ['v1 only', 'A URI…'];
    opened = [[vscode.Uri.file(predicateFile)], [vscode.Uri.file(keyFile)]];
    typed = ['https://example.com/attestation/build/v1', 'open sesame', 'registry.example.com/app:v1', 'registry.example.com/app'];
    // The subject name with a tag is refused in the box; its Escape ends the command: run again with a bare name.
    assert.equal(await attest({ layout, reference: 'v1' }), undefined);
    assert.deepEqual(asked, [
      'pick: What to attest: v1 and every manifest below it | v1 only',
      'open: Attest: Choose the Predicate',
      'pick: The predicate type: custom | slsaprovenance | slsaprovenance02 | slsaprovenance1 | spdx | spdxjson | cyclonedx | link | vuln | openvex | A URI…',
      'input: The predicate type: a URI',
      'open: Attest: Choose the Private Key',
      'input: The passphrase of cosign.key (password)',
      'input: The subject name: the registry repository the image will be pulled from refused: Give the repository only, without a tag or digest',
    ]);
    const before = readFileSync(join(layout, 'index.json'));
    assert.equal(before.includes('.att'), false, 'nothing attested before the name');
    picks = ['v1 only', 'A URI…'];
    opened = [[vscode.Uri.file(predicateFile)], [vscode.Uri.file(keyFile)]];
    typed.unshift('https://example.com/attestation/build/v1', 'open sesame');
    const outcome = await attest({ layout, reference: 'v1' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(outcome.message, 'Attested v1 (https://example.com/attestation/build/v1: provenance.json) with cosign.key (ecdsa-p256) as registry.example.com/app');
    assert.deepEqual(shown, [{ kind: 'info', message: outcome.message, actions: ['Reveal', 'Copy Digest'] }]);
    assert.deepEqual(outcome.attested, [{ digest: index.digest, tag: `sha256-${index.digest.slice(7)}.att`, attestations: 1 }]);
    const store = await OciLayoutStore.open(layout);
    assert.deepEqual(await attested(store, publicKey, 'https://example.com/attestation/build/v1'), { index: true, 'linux/amd64': false, 'linux/arm64': false });
    const statement = await lastStatement(store, index.digest);
    assert.equal(statement.predicateType, 'https://example.com/attestation/build/v1');
    assert.deepEqual(statement.subject, [{ name: 'registry.example.com/app', digest: { sha256: index.digest.slice(7) } }]);
    assert.deepEqual(statement.predicate, JSON.parse(readFileSync(predicateFile, 'utf8')));
  });

  it('Attest every manifest as slsaprovenance: the subject name last used is offered; each platform verifies as SLSA', async () => {
    picks = ['v1 and every manifest below it', 'slsaprovenance'];
    opened = [[vscode.Uri.file(predicateFile)], [vscode.Uri.file(keyFile)]];
    typed = ['open sesame', 'registry.example.com/app'];
    const outcome = await attest({ layout, reference: 'v1' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(asked.at(-1), 'input: The subject name: the registry repository the image will be pulled from [registry.example.com/app]');
    assert.equal(outcome.message, `Attested v1 and the 2 manifests below it (${SLSA}: provenance.json) with cosign.key (ecdsa-p256) as registry.example.com/app`);
    // The index's .att manifest gains a second layer, as cosign appends one.
    assert.deepEqual(outcome.attested.map((a) => a.attestations), [2, 1, 1]);
    const store = await OciLayoutStore.open(layout);
    assert.deepEqual(await attested(store, publicKey, SLSA), { index: true, 'linux/amd64': true, 'linux/arm64': true });
    assert.equal((await lastStatement(store, index.digest)).predicateType, SLSA);
  });

  it('Attest on a registry: all given, nothing asked; the subject name is the repository; verify on the registry finds it', async () => {
    const server = await startOciServer();
    try {
      await vscode.commands.executeCommand('manifold.addRegistry', { registry: server.host, plainHttp: true });
      const remote = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'team/app');
      await copy(await OciLayoutStore.open(layout), index.digest, remote, ['v1']);
      const outcome = await attest({ registry: server.host, repository: 'team/app', reference: 'v1', predicate: predicateFile, type: 'spdxjson', key: keyFile, passphrase: 'open sesame', recursive: false });
      assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
      assert.deepEqual(asked, [], 'nothing asked: all given');
      assert.equal(outcome.message, `Attested v1 (https://spdx.dev/Document: provenance.json) with cosign.key (ecdsa-p256) as ${server.host}/team/app`);
      assert.deepEqual(await attested(remote, publicKey, 'https://spdx.dev/Document'), { index: true, 'linux/amd64': false, 'linux/arm64': false });
      assert.equal((await lastStatement(remote, index.digest)).subject[0]!.name, `${server.host}/team/app`);
    } finally {
      await vscode.commands.executeCommand('manifold.removeRegistry', { registry: server.host });
      await server.stop();
    }
  });

  it("Attest with type custom and a text predicate: the statement as manifold attest --type custom makes it ({ Data, Timestamp }), named by custom's URI", async () => {
    const store = await newLayout();
    const image = await makeImage(store, { arch: 'amd64' });
    await store.tag(image, 'v1');
    const notes = join(files, 'notes.txt');
    writeFileSync(notes, 'built on a clean machine\n');
    const outcome = await attest({ layout: store.location, reference: 'v1', predicate: notes, type: 'custom', key: keyFile, passphrase: 'open sesame', subjectName: 'registry.example.com/app', recursive: false });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(outcome.predicateType, 'https://cosign.sigstore.dev/attestation/v1');
    const statement = (await lastStatement(store, image.digest)) as { predicateType: string; predicate: { Data?: string; Timestamp?: string } };
    assert.equal(statement.predicateType, 'https://cosign.sigstore.dev/attestation/v1');
    assert.equal(statement.predicate.Data, 'built on a clean machine\n');
    assert.match(statement.predicate.Timestamp ?? '', /^\d{4}-\d\d-\d\dT/);
  });

  it('Attest with format sigstore-bundle on a fresh layout: a bundle referrer of the index, no .att tag; verify finds it in that format', async () => {
    const store = await newLayout();
    const platforms = [await makeImage(store, { arch: 'amd64' }), await makeImage(store, { arch: 'arm64' })];
    const fresh = await makeIndex(store, platforms);
    await store.tag(fresh, 'v1');
    const outcome = await attest({ layout: store.location, reference: 'v1', predicate: predicateFile, type: 'slsaprovenance', key: keyFile, passphrase: 'open sesame', subjectName: 'registry.example.com/app', recursive: false, format: 'sigstore-bundle' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    assert.equal(outcome.format, 'sigstore-bundle');
    const listed: Descriptor[] = [];
    for await (const r of store.referrers(fresh)) listed.push(r);
    assert.deepEqual(listed.map((r) => [r.digest, r.artifactType, r.annotations?.['dev.sigstore.bundle.predicateType']]), [[outcome.attested[0]!.referrer, 'application/vnd.dev.sigstore.bundle.v0.3+json', SLSA]]);
    const tags: string[] = [];
    for await (const t of store.tags()) tags.push(t);
    assert.deepEqual(tags, ['v1'], 'no .att tag');
    const report = await verifyImageAttestations(store, 'v1', [publicKey], { predicateType: SLSA });
    assert.deepEqual(report.manifests.map((m) => [m.label, m.valid, m.attestations.map((a) => a.format)]), [['index', true, ['bundle']]]);
  });

  describe('Verify Attestations (v1 and linux/amd64 attested as SLSA, linux/arm64 not)', () => {
    let fresh: string;
    let freshIndex: Descriptor;
    const key = () => join(files, 'cosign.pub');
    const indexUri = () => services.documents.uri('manifest', { kind: 'layout', path: fresh }, freshIndex, 'v1');

    before(async () => {
      const store = await newLayout();
      fresh = store.location;
      const amd64 = await makeImage(store, { arch: 'amd64' });
      freshIndex = await makeIndex(store, [amd64, await makeImage(store, { arch: 'arm64' })]);
      await store.tag(freshIndex, 'v1');
      for (const d of [freshIndex, amd64]) await attestManifest(store, d, signKey('cosign.key', pair.privateKey), 'slsaprovenance', readFileSync(predicateFile), 'registry.example.com/app');
      await settings().update('signatureKeys', [key()], vscode.ConfigurationTarget.Global);
    });

    it('any type: linux/arm64 is the one problem, a warning at its entry in v1; the others are notes naming the key and type', async () => {
      picks = ['Any predicate type'];
      const outcome = await verify({ layout: fresh, reference: 'v1' });
      assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
      assert.equal(asked[0], 'pick: The predicate type: Any predicate type | custom | slsaprovenance | slsaprovenance02 | slsaprovenance1 | spdx | spdxjson | cyclonedx | link | vuln | openvex | A URI…');
      assert.equal(outcome.summary, `v1: linux/arm64 has no valid attestation (2 of 3 verified by ${key()})`);
      assert.deepEqual(shown, [{ kind: 'warning', message: outcome.summary, actions: ['Show Problems'] }]);
      assert.deepEqual(outcome.uris, [indexUri().toString()]);
      await vscode.workspace.openTextDocument(indexUri());
      assert.deepEqual(held(indexUri()), [
        { severity: 'Information', code: 'verified', message: `v1: index verified by ${key()} (ecdsa-p256), predicate type ${SLSA}` },
        { severity: 'Information', code: 'verified', message: `v1: linux/amd64 verified by ${key()} (ecdsa-p256), predicate type ${SLSA}` },
        {
          severity: 'Warning',
          code: 'no-attestation',
          message: "v1: linux/arm64 has no valid attestation: none found (if the layout was copied from a registry, copy with -r: it carries referrers and cosign's sha256-<hex>.att tags)",
        },
      ]);
    });

    it('spdxjson asked: every manifest fails, the attested ones as wrong-predicate-type errors; the last run’s entries are replaced', async () => {
      picks = ['spdxjson'];
      const outcome = await verify({ layout: fresh, reference: 'v1' });
      assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
      assert.equal(outcome.predicateType, 'https://spdx.dev/Document');
      assert.equal(outcome.summary, 'v1: 3 of 3 manifests have no valid attestation of type https://spdx.dev/Document: index, linux/amd64, linux/arm64');
      assert.deepEqual(shown, [{ kind: 'error', message: outcome.summary, actions: ['Show Problems'] }]);
      const entries = held(indexUri());
      assert.deepEqual(entries.map((e) => [e.severity, e.code]), [['Error', 'wrong-predicate-type'], ['Error', 'wrong-predicate-type'], ['Warning', 'no-attestation']]);
      assert.match(entries[0]!.message, new RegExp(`^v1: index has no valid attestation of type https://spdx\\.dev/Document: sha256:[a-f0-9]{12}… layers\\[0\\]: wrong-predicate-type: predicateType ${SLSA.replace(/\./g, '\\.')}, not https://spdx\\.dev/Document$`));
    });

    it('a wrong key (type given as an argument, nothing asked): bad-signature errors naming the key tried', async () => {
      await settings().update('signatureKeys', [join(files, 'other.pub')], vscode.ConfigurationTarget.Global);
      try {
        const outcome = await verify({ layout: fresh, reference: 'v1', type: 'slsaprovenance' });
        assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
        assert.deepEqual(asked, []);
        assert.equal(outcome.summary, `v1: 3 of 3 manifests have no valid attestation of type ${SLSA}: index, linux/amd64, linux/arm64`);
        const entries = held(indexUri());
        assert.deepEqual(entries.map((e) => e.code), ['bad-signature', 'bad-signature', 'no-attestation']);
        assert.match(entries[1]!.message, /^v1: linux\/amd64 has no valid attestation of type .* bad-signature: no key given verifies its signature \(.*other\.pub\)$/);
      } finally {
        await settings().update('signatureKeys', [key()], vscode.ConfigurationTarget.Global);
      }
    });

    it('Verify Signatures’ entries stay apart: its run does not clear these, nor these its', async () => {
      await verify({ layout: fresh, reference: 'v1', type: null });
      await vscode.commands.executeCommand('manifold.verifySignatures', { layout: fresh, reference: 'v1' });
      const all = vscode.languages.getDiagnostics(indexUri());
      assert.equal(all.filter((d) => d.source === 'manifold attestations').length, 3);
      assert.equal(all.filter((d) => d.source === 'manifold verify').length, 3);
    });
  });
});
