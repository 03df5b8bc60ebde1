import * as assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { InspectOutcome } from '../../../src/extension/commands/inspectSignatures';
import type { Services } from '../../../src/extension/services';
import type { Descriptor } from '../../../src/oci/descriptor';
import { copy } from '../../../src/oci/copy/copy';
import type { OciLayoutStore } from '../../../src/oci/layout';
import { RegistryClient, RemoteRepository } from '../../../src/oci/registry';
import { attestManifest } from '../../../src/oci/attestations';
import { inspectImage, inspectText, signKey, signManifest, signManifestBundle } from '../../../src/oci/signatures';
import { startOciServer } from '../../integration/support/ociServer';
import { makeImage, makeIndex, newLayout } from '../../unit/builders';
import { recordMessages, swapExtensionWindow } from './extensionWindow';

const run = (...args: unknown[]) => vscode.commands.executeCommand<InspectOutcome | undefined>('manifold.inspectSignatures', ...args);

/**
 * "Inspect Signatures" on a layout whose index carries a cosign classic signature and a classic attestation and whose
 * linux/amd64 carries a Sigstore bundle (all made with the core's sign and attest functions), linux/arm64 none: the
 * read-only document it opens holds the tree `manifold inspect -r` prints, each signature's lines under its manifest,
 * then its attestations; an unsigned image says so; a registry image likewise. What is asserted is the document a
 * user reads.
 */
describe('Inspect Signatures', () => {
  let services: Services;
  let store: OciLayoutStore;
  let index: Descriptor;
  let amd64: Descriptor;
  let arm64: Descriptor;
  let key: { privateKey: KeyObject };
  let restore: (() => void) | undefined;
  const shown: Array<{ kind: string; message: string }> = [];

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    ({ services } = await ext.activate());
    store = await newLayout();
    amd64 = await makeImage(store, { arch: 'amd64' });
    arm64 = await makeImage(store, { arch: 'arm64' });
    index = await makeIndex(store, [amd64, arm64]);
    await store.tag(index, 'v1');
    await store.tag(await makeImage(store, { arch: 'riscv64' }), 'plain');
    key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await signManifest(store, index, signKey('cosign.key', key.privateKey), 'registry.example.com/app:v1');
    await attestManifest(store, index, signKey('cosign.key', key.privateKey), 'spdxjson', Buffer.from('{"spdxVersion":"SPDX-2.3"}'), 'registry.example.com/app');
    await signManifestBundle(store, amd64, signKey('cosign.key', key.privateKey));
    restore = recordMessages(shown);
  });

  beforeEach(() => (shown.length = 0));

  after(async () => {
    restore?.();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("a tag of a layout: the document named after it holds inspect -r's tree, each signature under its manifest", async () => {
    const outcome = await run({ layout: store.location, reference: 'v1' });
    assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.toString(), outcome.uri, 'the document is the one shown');
    assert.equal(basename(doc!.uri.path), 'v1.signatures.txt');
    assert.equal(doc!.getText(), outcome.text);
    // The very text the CLI prints (its tree rendered by the same core function).
    assert.equal(outcome.text, inspectText(store.location, await inspectImage(store, 'v1', { recursive: true })));
    const lines = outcome.text.split('\n');
    const at = (d: Descriptor) => lines.findIndex((l) => l.includes(`${store.location}@${d.digest}: `));
    assert.deepEqual([at(index) >= 0, at(index) < at(amd64), at(amd64) < at(arm64)], [true, true, true], outcome.text);
    const under = (d: Descriptor, next: number) => lines.slice(at(d), next).join('\n');
    const ofIndex = under(index, at(amd64));
    assert.match(lines[at(index)]!, /: 1 signature, 1 attestation \(claims as they read: nothing verified\)$/);
    assert.match(ofIndex, /\n├── cosign signature \(simplesigning\) sha256:[0-9a-f]{64} layers\[0\]\n/);
    for (const l of ['docker-reference: registry.example.com/app:v1', `docker-manifest-digest: ${index.digest}`, 'no certificate (key-signed)', 'Rekor bundle: none']) assert.ok(ofIndex.includes(l), `${l} in\n${ofIndex}`);
    // The attestation's row: its branch after the signatures, the statement's predicate type and subject.
    assert.match(ofIndex, /\n└── attestations\n    └── cosign attestation \(DSSE\) sha256:[0-9a-f]{64} layers\[0\]\n/);
    for (const l of ['predicate type: https://spdx.dev/Document', `subject: registry.example.com/app sha256:${index.digest.slice(7)} (this manifest)`]) assert.ok(ofIndex.includes(l), `${l} in\n${ofIndex}`);
    const ofAmd64 = under(amd64, at(arm64));
    assert.match(lines[at(amd64)]!, /^linux\/amd64 .*: 1 signature \(claims as they read: nothing verified\)$/);
    assert.match(ofAmd64, /\n├── Sigstore bundle sha256:[0-9a-f]{64} layers\[0\]\n/);
    assert.match(ofAmd64, /\n└── no attestations$/);
    for (const l of ['content: DSSE envelope', `subject: sha256:${amd64.digest.slice(7)}`, 'no certificate (key-signed, key hint ', 'tlog entries: 0']) assert.ok(ofAmd64.includes(l), `${l} in\n${ofAmd64}`);
    assert.match(lines[at(arm64)]!, /^linux\/arm64 .*: no signatures found$/);
    assert.deepEqual(shown, []);
  });

  it('the layout refreshed after a signature is added: the open document shows it', async () => {
    const outcome = await run({ layout: store.location, reference: 'v1' });
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === outcome?.uri);
    assert.ok(doc, 'the document is open');
    const arm64Header = () => doc.getText().split('\n').find((l) => l.startsWith('linux/arm64 '));
    assert.match(arm64Header() ?? '', /: no signatures found$/);
    await signManifestBundle(store, arm64, signKey('cosign.key', key.privateKey));
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === doc && !/: no signatures found$/.test(arm64Header() ?? '')) (sub.dispose(), resolve());
      });
    });
    await vscode.commands.executeCommand('manifold.refresh', { layout: store.location });
    await changed;
    assert.match(arm64Header()!, /: 1 signature \(claims as they read: nothing verified\)$/);
    assert.equal(doc.getText(), inspectText(store.location, await inspectImage(store, 'v1', { recursive: true })));
  });

  it("no reference (the palette's way): a tag is picked, as Verify Signatures asks, then its signatures shown", async () => {
    const asked: string[] = [];
    const back = swapExtensionWindow({
      showQuickPick: async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
        const list = await items;
        asked.push(`${options?.title}: ${options?.placeHolder}: ${list.map((i) => i.label).join(' | ')}`);
        return list.find((i) => i.label === 'plain');
      },
    });
    let outcome: InspectOutcome | undefined;
    try {
      outcome = await run({ layout: store.location });
    } finally {
      back();
    }
    assert.equal(asked.length, 1, asked.join('\n'));
    assert.match(asked[0]!, /^Inspect Signatures: Pick a tag: .*plain/);
    assert.match(outcome?.text ?? '', /^linux\/riscv64 .*: no signatures found\n└── no attestations\n$/);
    assert.equal(basename(vscode.Uri.parse(outcome!.uri).path), 'plain.signatures.txt');
  });

  it('an image with no signature nor attestation: says so, and only that', async () => {
    const outcome = await run({ layout: store.location, reference: 'plain' });
    const image = await store.resolve('plain');
    assert.equal(outcome?.text, `linux/riscv64 ${store.location}@${image.digest}: no signatures found\n└── no attestations\n`);
  });

  it('a tag that is not there: the error shown as the other commands show theirs, no document', async () => {
    const outcome = await run({ layout: store.location, reference: 'nope' });
    assert.equal(outcome, undefined);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.equal(shown[0]!.kind, 'error');
    assert.match(shown[0]!.message, /nope/);
  });

  it('an image on a registry: its signatures read there, named by host/repo', async () => {
    const server = await startOciServer();
    try {
      await vscode.commands.executeCommand('manifold.addRegistry', { registry: server.host, plainHttp: true });
      // Pushed with the core's copy (without its signatures: no -r), then signed on the registry, as cosign signs there.
      const remote = new RemoteRepository(new RegistryClient(server.host, { plainHttp: true }), 'team/app');
      await copy(store, 'v1', remote, ['v1']);
      await signManifest(remote, await remote.resolve('v1'), signKey('cosign.key', key.privateKey), `${server.host}/team/app:v1`);
      const outcome = await run({ registry: server.host, repository: 'team/app', reference: 'v1' });
      assert.ok(outcome, `the command returned nothing: ${JSON.stringify(shown)}`);
      const lines = outcome.text.split('\n');
      assert.match(lines[0]!, new RegExp(`^index ${server.host}/team/app@${index.digest}: 1 signature \\(claims as they read: nothing verified\\)$`), outcome.text);
      assert.ok(outcome.text.includes(`docker-reference: ${server.host}/team/app:v1`), outcome.text);
      assert.ok(lines.some((l) => l === `linux/amd64 ${server.host}/team/app@${amd64.digest}: no signatures found`), outcome.text);
      assert.ok(lines.some((l) => l === `linux/arm64 ${server.host}/team/app@${arm64.digest}: no signatures found`), outcome.text);
    } finally {
      await vscode.commands.executeCommand('manifold.removeRegistry', { registry: server.host });
      await server.stop();
    }
  });
});
