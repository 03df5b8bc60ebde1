import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { copy } from '../../../src/oci/copy';
import { OciLayoutStore } from '../../../src/oci/layout';
import { Registry } from '../../../src/oci/registry';
import type { TlsFiles } from '../../../src/oci/registry/tlsTrust';
import { chooseClientCertificate, trustCaCertificate } from '../../../src/extension/commands/trustCertificate';
import type { Services } from '../../../src/extension/services';
import { hasDockerRegistry, launchRegistry, type LaunchedRegistry } from '../../integration/support/registryLauncher';
import { swapExtensionWindow, typedQuickPick } from './extensionWindow';
import { eventually, row, rows, tooltipOf, useFixtures, type Fixtures } from './layoutFixtures';

/**
 * A private registry over TLS in the Registries view: its error row offers to trust its CA, or to choose a client
 * certificate, and once the file is saved in the user's certs.d folder the repositories list. XDG_CONFIG_HOME points
 * at a temp folder: the core reads it in this process (the extension host), as the extension's clients do. The open
 * dialog is answered by swapping the suite's `showOpenDialog` and running the command from this bundle's copy of its
 * module over the extension's services (fileChooser.test.ts does the same); the plain-argument form runs the real
 * command.
 */
describe('Registry TLS: trust a CA, choose a client certificate', function () {
  this.timeout(120_000);
  let f: Fixtures;
  let tls: string;
  let config: string;
  const xdgBefore = process.env.XDG_CONFIG_HOME;
  const launched: LaunchedRegistry[] = [];
  const errors: string[] = [];
  let logError: Services['log']['error'];
  const window = vscode.window as { showOpenDialog: typeof vscode.window.showOpenDialog };
  const realDialog = window.showOpenDialog;
  let answers: string[] = [];
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const tree = () => f.services.registriesTree as never;
  const file = (name: string) => join(tls, name);
  const certsDir = (host: string) => join(config, 'containers', 'certs.d', host);

  before(async function () {
    if (!hasDockerRegistry()) return this.skip();
    f = await useFixtures();
    tls = join(f.services.context.extensionPath, 'test', 'helpers', 'tls');
    config = mkdtempSync(join(tmpdir(), 'manifold-xdg-'));
    process.env.XDG_CONFIG_HOME = config;
    logError = f.services.log.error;
    f.services.log.error = (message: string | Error) => void errors.push(String(message));
    window.showOpenDialog = async () => {
      const next = answers.shift();
      return next === undefined ? undefined : [vscode.Uri.file(next)];
    };
  });

  after(async () => {
    window.showOpenDialog = realDialog;
    if (!f) return;
    f.services.log.error = logError;
    for (const r of launched) {
      await run('manifold.removeRegistry', { registry: r.host });
      await r.stop();
    }
    if (xdgBefore === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = xdgBefore;
    rmSync(config, { recursive: true, force: true });
  });

  /** A TLS registry holding the demo layout's v1 as `app:v1` (pushed by the core with `tlsFiles`), added to the view. */
  async function registryWithApp(clientCas: boolean, tlsFiles: TlsFiles): Promise<string> {
    const r = await launchRegistry({ mode: 'none' }, { certificate: file('server.crt'), key: file('server.key'), ...(clientCas ? { clientCas: [file('ca.crt')] } : {}) });
    launched.push(r);
    await copy(await OciLayoutStore.open(f.demo), 'v1', new Registry(r.host, { tlsFiles }).repository('app'), ['v1']);
    assert.equal(await run('manifold.addRegistry', { registry: r.host, plainHttp: false }), r.host);
    return r.host;
  }

  /** The registry row's one child, an error row, and the command its click runs. */
  async function errorRow(host: string): Promise<{ label: string; tooltip: string; command: vscode.Command }> {
    const registry = await row(f, undefined, host, tree());
    const children = await rows(f, registry.node, tree());
    assert.equal(children.length, 1, children.map((c) => c.label).join(' | '));
    const error = children[0]!;
    assert.equal(error.contextValue, 'manifold:error', error.label);
    const command = (f.services.registriesTree as unknown as { getTreeItem(n: unknown): vscode.TreeItem }).getTreeItem(error.node).command;
    assert.ok(command, 'the error row runs no command');
    return { label: error.label, tooltip: await tooltipOf(f, error, tree()), command };
  }

  /** The repositories the view lists under `host` once the new file is read (the view refreshes on its own). */
  async function listsApp(host: string): Promise<void> {
    await eventually(async () => {
      const registry = await row(f, undefined, host, tree());
      const app = await row(f, registry.node, 'app', tree());
      assert.deepEqual((await rows(f, app.node, tree())).map((r) => r.label), ['v1']);
    });
  }

  it('an untrusted certificate: the row says so and offers Trust CA Certificate…; the CA chosen is saved as certs.d/HOST/ca.crt and the repositories list', async () => {
    const host = await registryWithApp(false, { caFiles: [file('ca.crt')] });
    const error = await errorRow(host);
    const h = host.replace(/\./g, '\\.');
    assert.match(error.label, new RegExp(`^Trust the CA of ${h}: registry ${h}: its TLS certificate is not signed by a CA this machine trusts`));
    assert.equal(error.command.command, 'manifold.trustCaCertificate');
    assert.equal(error.command.title, 'Trust CA Certificate…');
    assert.deepEqual(error.command.arguments, [{ registry: host }]);
    assert.match(error.tooltip, /Click: Trust CA Certificate…/);
    assert.equal(existsSync(certsDir(host)), false);

    // A key chosen by mistake: refused naming it, nothing written.
    answers = [file('client.key')];
    await assert.rejects(trustCaCertificate(f.services, ...error.command.arguments!), (err: Error) => err.message.includes(`${file('client.key')}: holds no PEM certificate`));
    assert.equal(existsSync(certsDir(host)), false);

    answers = [file('ca.crt')];
    assert.equal(await trustCaCertificate(f.services, ...error.command.arguments!), join(certsDir(host), 'ca.crt'));
    assert.deepEqual(readFileSync(join(certsDir(host), 'ca.crt')), readFileSync(file('ca.crt')));
    await listsApp(host);
    const registry = await row(f, undefined, host, tree());
    assert.ok((await tooltipOf(f, registry, tree())).includes(`Trusts the CA certificates in \`${certsDir(host)}\``));
  });

  it('a command that failed on the untrusted certificate: once the CA is trusted, its Retry runs it again with the same arguments, and the copy lands', async () => {
    const host = await registryWithApp(false, { caFiles: [file('ca.crt')] });
    const copyArgs = { layout: f.demo, reference: 'v1', to: `${host}/team/retried:v1`, platforms: [] };
    errors.length = 0;
    assert.equal(await run('manifold.copyToRegistry', copyArgs), undefined);
    assert.ok(errors.some((e) => e.startsWith('manifold.copyToRegistry failed: [UNTRUSTED] ')), errors.join('\n'));
    // The notification answered "Retry", as a user would (this bundle's window: see the describe's note).
    const said: string[] = [];
    const w = vscode.window as { showInformationMessage: (message: string, ...items: string[]) => Thenable<string | undefined> };
    const realInfo = w.showInformationMessage;
    w.showInformationMessage = async (message: string, ...items: string[]) => (said.push(message), items.includes('Retry') ? 'Retry' : undefined);
    try {
      await trustCaCertificate(f.services, { registry: host, file: file('ca.crt'), retry: { command: 'manifold.copyToRegistry', arguments: [copyArgs] } });
    } finally {
      w.showInformationMessage = realInfo;
    }
    assert.deepEqual(said, [`${host}: Manifold now trusts the CA certificate saved as ${join(certsDir(host), 'ca.crt')} (podman and skopeo read it there too).`]);
    const expected = (await (await OciLayoutStore.open(f.demo)).resolve('v1')).digest;
    await eventually(async () => assert.equal((await new Registry(host, { tlsFiles: { caFiles: [file('ca.crt')] } }).repository('team/retried').resolve('v1')).digest, expected), 30_000);
  });

  it('a command run from a row that failed on the untrusted certificate: Trust CA Certificate…, then Retry copies as first answered, asking nothing again', async () => {
    const host = await registryWithApp(false, { caFiles: [file('ca.crt')] });
    const v1 = await row(f, (await row(f, undefined, 'demo')).node, 'v1');
    const to = `${host}/team/replayed:v1`;
    // The extension's prompts and messages answered as a user would, each recorded.
    type Item = vscode.QuickPickItem;
    const asked: string[] = [];
    const said: string[] = [];
    const restore = swapExtensionWindow({
      // Of v1's two platforms, amd64 only; its referrers left behind: answers a default run would not give.
      showQuickPick: async (items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions) => {
        const list = await items;
        asked.push(`pick: ${options?.placeHolder}`);
        if (options?.canPickMany) return list.filter((i) => i.label === 'linux/amd64');
        return list.find((i) => i.label === 'Without referrers');
      },
      createQuickPick: typedQuickPick(to, asked),
      showInputBox: async (options?: vscode.InputBoxOptions) => (asked.push(`input: ${options?.prompt}`), undefined),
      showErrorMessage: async (message: string, ...actions: string[]) => (said.push(message), actions.find((a) => a === 'Trust CA Certificate…')),
      showOpenDialog: async (options?: vscode.OpenDialogOptions) => (asked.push(`file: ${options?.title}`), [vscode.Uri.file(file('ca.crt'))]),
      showInformationMessage: async (message: string, ...actions: string[]) => (said.push(message), actions.find((a) => a === 'Retry')),
    });
    errors.length = 0;
    try {
      assert.equal(await run('manifold.copyToRegistry', v1.node), undefined);
      assert.ok(errors.some((e) => e.startsWith('manifold.copyToRegistry failed: [UNTRUSTED] ')), errors.join('\n'));
      // The error's Trust CA Certificate… asks for the CA; its message's Retry runs the copy again: done when it says so.
      await eventually(async () => assert.ok(said.some((m) => m.startsWith('Copied ')), said.join('\n')), 60_000);
    } finally {
      restore();
    }
    // Each question once: the platforms, the referrers, the destination, then the CA file; none again on Retry.
    assert.deepEqual(asked, [
      'pick: Platforms to copy: all of them copies the index as it is; some of them writes a new index of just those',
      // Asked of what is copied, amd64's image: its end-of-life note (v1's SBOM stays with v1).
      'pick: Attached to it: end-of-life. Copy them too?',
      `destination: Pick an added repository, or type registry/repository[:tag] (the tag is v1 unless given)`,
      `file: ${host}: the CA certificate that signed its certificate`,
    ]);
    assert.equal(said.length, 3, said.join('\n'));
    assert.match(said[0]!, /its TLS certificate is not signed by a CA this machine trusts/);
    assert.equal(said[1], `${host}: Manifold now trusts the CA certificate saved as ${join(certsDir(host), 'ca.crt')} (podman and skopeo read it there too).`);
    assert.equal(said[2], `Copied v1 to ${to} (3 pushed, 0 already there) Only the linux/amd64 manifest was copied (${f.images[0]!.digest}).`);
    // What the answers said, done: v1 names amd64's image alone there, and no referrer came (no referrers tag beside v1).
    const repo = new Registry(host, { tlsFiles: { caFiles: [file('ca.crt')] } }).repository('team/replayed');
    assert.equal((await repo.resolve('v1')).digest, f.images[0]!.digest);
    const tags: string[] = [];
    for await (const t of repo.tags()) tags.push(t);
    assert.deepEqual(tags, ['v1']);
  });

  it('a registry that wants a client certificate: Choose Client Certificate…; a key not the certificate\'s is refused naming it; the right pair is saved (key 0600) and the repositories list', async () => {
    const host = await registryWithApp(true, { caFiles: [file('ca.crt')], certFile: file('client.crt'), keyFile: file('client.key') });
    // Its CA first, by the command's plain arguments: then the registry asks for a client certificate.
    assert.equal(await run('manifold.trustCaCertificate', { registry: host, file: file('ca.crt') }), join(certsDir(host), 'ca.crt'));
    const error = await errorRow(host);
    assert.equal(error.command.command, 'manifold.chooseClientCertificate');
    const h = host.replace(/\./g, '\\.');
    assert.match(error.label, new RegExp(`^Choose a client certificate for ${h}: registry ${h} asks for a client certificate \\(TLS alert: `));
    assert.equal(error.command.title, 'Choose Client Certificate…');
    assert.deepEqual(error.command.arguments, [{ registry: host }]);

    errors.length = 0;
    assert.equal(await run('manifold.chooseClientCertificate', { registry: host, certificate: file('client.crt'), key: file('other-client.key') }), undefined);
    assert.ok(errors.some((e) => e.includes(`${file('other-client.key')}: not the private key of ${file('client.crt')}`)), errors.join('\n'));
    assert.equal(existsSync(join(certsDir(host), 'client.cert')), false);
    assert.equal(existsSync(join(certsDir(host), 'client.key')), false);

    answers = [file('client.crt'), file('client.key')];
    assert.equal(await chooseClientCertificate(f.services, ...error.command.arguments!), join(certsDir(host), 'client.cert'));
    assert.deepEqual(readFileSync(join(certsDir(host), 'client.cert')), readFileSync(file('client.crt')));
    assert.deepEqual(readFileSync(join(certsDir(host), 'client.key')), readFileSync(file('client.key')));
    assert.equal(statSync(join(certsDir(host), 'client.key')).mode & 0o777, 0o600);
    await listsApp(host);
  });
});
