import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { OciLayoutStore } from '../../../src/oci/layout';
import { RegistryService } from '../../../src/extension/registries/registryService';
import { UntrustedWorkspaceError } from '../../../src/extension/trust';
import { hasDockerRegistry, launchRegistry, type LaunchedRegistry } from '../../integration/support/registryLauncher';
import { startOciServer, type OciServer } from '../../integration/support/ociServer';
import { swapExtensionWindow, typedQuickPick } from './extensionWindow';
import { eventually, row, rows, useFixtures, type Fixtures } from './layoutFixtures';

/**
 * The Registries view and the commands that move content between layouts and a registry. `platforms: []` answers
 * the platform question of a multi-platform copy with "all of them" (copyPlatforms.test.ts asks it).
 */
describe('Registries view', () => {
  let f: Fixtures;
  let server: OciServer;
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const registryRows = (node?: unknown) => rows(f, node, f.services.registriesTree as never);
  const registryRow = (parent: unknown, label: string | RegExp) => row(f, parent, label, f.services.registriesTree as never);

  before(async () => {
    f = await useFixtures();
    server = await startOciServer();
  });

  after(async () => {
    await run('manifold.removeRegistry', { registry: server.host });
    await server.stop();
  });

  it('copies a layout\'s multi-arch index with its referrers to a registry', async () => {
    assert.equal(await run('manifold.addRegistry', { registry: server.host, plainHttp: true }), server.host);
    const result = await run<{ to: string; digest: string }>('manifold.copyToRegistry', { layout: f.demo, reference: 'v1', to: `${server.host}/team/app:v1`, platforms: [] });
    assert.ok(result, 'copyToRegistry returned nothing (see the Manifold log)');
    assert.equal(result.to, `${server.host}/team/app:v1`);
    assert.equal(server.repo('team/app').tags.get('v1'), result.digest);
    assert.equal(result.digest, (await (await OciLayoutStore.open(f.demo)).resolve('v1')).digest);
  });

  it('a copy to a registry that cannot be reached fails and does not add that registry to the view', async () => {
    const settings = vscode.workspace.getConfiguration('manifold.registry');
    await settings.update('retries', 0, vscode.ConfigurationTarget.Global);
    try {
      // Port 1 on loopback: nothing listens there, so the connection is refused at once.
      const failed = await run('manifold.copyToRegistry', { layout: f.demo, reference: 'v1', to: '127.0.0.1:1/typo/app:v1', platforms: [] });
      assert.equal(failed, undefined, 'the failed command returns nothing');
      assert.equal(f.services.registries.entry('127.0.0.1:1'), undefined);
      assert.ok(!(await registryRows()).some((r) => r.label === '127.0.0.1:1'));
    } finally {
      await settings.update('retries', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('lists repositories and tags with platforms, read-only, expanding like layouts', async () => {
    const registry = await registryRow(undefined, server.host);
    assert.equal(registry.description, 'plain HTTP');
    assert.equal(registry.contextValue, 'manifold:registry');
    const repo = await registryRow(registry.node, 'team/app');
    assert.equal(repo.contextValue, 'manifold:repository+added');
    const v1 = await registryRow(repo.node, 'v1');
    assert.match(v1.description, /multi-arch \(linux\/amd64, linux\/arm64\/v8\)/);
    assert.equal(v1.contextValue, 'manifold:tag+index+remote');
    const children = await registryRows(v1.node);
    assert.deepEqual(children.map((c) => c.label).slice(0, 2), ['linux/amd64', 'linux/arm64/v8']);
    assert.ok(children.some((c) => c.label.startsWith('SBOM') && c.contextValue === 'manifold:manifest+artifact+referrer+remote'), children.map((c) => c.label).join(' | '));
    // Read-only commands take registry nodes too.
    assert.equal(await run<string>('manifold.copyReference', v1.node), `${server.host}/team/app:v1`);
    const uri = await run<string>('manifold.openManifest', v1.node);
    assert.match(uri ?? '', /^manifold:/);
    assert.equal(JSON.parse(vscode.window.activeTextEditor!.document.getText()).manifests.length, 2);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('sends no request in an untrusted workspace: the registry service refuses before it makes a client', async () => {
    const untrusted = new RegistryService(f.services.context.globalState, f.services.context.secrets, () => false);
    try {
      const before = server.requests.length;
      assert.throws(() => untrusted.repository(server.host, 'team/app'), (e: unknown) => e instanceof UntrustedWorkspaceError && e.need === 'registry');
      await assert.rejects(untrusted.signIn(server.host, { username: 'u', password: 'p' }), UntrustedWorkspaceError);
      assert.equal(server.requests.length, before);
      assert.equal(await untrusted.user(server.host), undefined, 'a refused sign-in keeps no credential');
    } finally {
      untrusted.dispose();
    }
  });

  it('pulls a registry tag into a layout, referrers included', async () => {
    const target = join(f.workspace, 'layouts', 'pulled');
    await OciLayoutStore.open(target, { create: true });
    const result = await run<{ digest: string }>('manifold.pullToLayout', { registry: server.host, repository: 'team/app', reference: 'v1', layout: target, tags: ['copy'], platforms: [] });
    assert.ok(result);
    const store = await OciLayoutStore.open(target);
    const desc = await store.resolve('copy');
    assert.equal(desc.digest, result.digest);
    const referrers = [];
    for await (const r of store.referrers(desc)) referrers.push(r.artifactType);
    assert.deepEqual(referrers, ['application/spdx+json']);
  });

  it('pulling over a tag that names something else moves it once confirmed; what it named stays listed untagged', async () => {
    const target = join(f.workspace, 'layouts', 'pulled');
    const store = await OciLayoutStore.open(target);
    // `taken` names one platform image of the pulled index.
    const made = (JSON.parse((await store.fetchBytes(await store.resolve('copy'))).toString('utf8')) as { manifests: { mediaType: string; digest: string; size: number }[] }).manifests[0]!;
    await store.tag({ mediaType: made.mediaType, digest: made.digest, size: made.size }, 'taken');
    const result = await run<{ digest: string; moved: { tag: string; from: string; lastTag: boolean }[] }>('manifold.pullToLayout', {
      registry: server.host,
      repository: 'team/app',
      reference: 'v1',
      layout: target,
      tags: ['taken'],
      platforms: [],
      confirmed: true,
    });
    assert.deepEqual(result?.moved.map((m) => [m.tag, m.from, m.lastTag]), [['taken', made.digest, true]]);
    assert.equal((await store.resolve('taken')).digest, result!.digest);
    const entries = await store.entries();
    assert.deepEqual(entries.filter((d) => d.digest === made.digest).map((d) => d.annotations?.['org.opencontainers.image.ref.name'] ?? null), [null]);
  });

  describe('with a registry that wants a password', function () {
    let registry: LaunchedRegistry | undefined;
    before(async function () {
      if (!hasDockerRegistry() || !hasHtpasswd()) return this.skip();
      registry = await launchRegistry({ mode: 'basic', users: { alice: 'wonderland' } });
      await run('manifold.addRegistry', { registry: registry.host, plainHttp: true });
    });
    after(async () => {
      if (!registry) return;
      await run('manifold.signOut', { registry: registry.host });
      await run('manifold.removeRegistry', { registry: registry.host });
      await registry.stop();
    });

    it('shows "sign in" as a tree item, refuses a wrong password, keeps a right one in secret storage', async () => {
      const host = registry!.host;
      const node = await registryRow(undefined, host);
      const children = await registryRows(node.node);
      assert.equal(children[0]?.contextValue, 'manifold:error');
      assert.match(children[0]!.label, new RegExp(`^Sign in to ${host.replace(/\./g, '\\.')}`));
      assert.equal(await run('manifold.signIn', { registry: host, username: 'alice', password: 'wrong' }), undefined);
      assert.equal(await f.services.registries.user(host), undefined);
      assert.equal(await run('manifold.signIn', { registry: host, username: 'alice', password: 'wonderland' }), host);
      assert.equal(await f.services.registries.user(host), 'alice');
      assert.equal((await registryRow(undefined, host)).description, 'signed in as alice · plain HTTP');
      // Signed in, the repository pushed with the stored credentials shows in the catalog.
      await run('manifold.copyToRegistry', { layout: f.demo, reference: 'linux-amd64', to: `${host}/private/app:amd64` });
      const repo = await registryRow((await registryRow(undefined, host)).node, 'private/app');
      assert.deepEqual((await registryRows(repo.node)).map((t) => t.label), ['amd64']);
      await run('manifold.signOut', { registry: host });
      assert.equal(await f.services.registries.user(host), undefined);
    });

    it('keeps a repository that asked for credentials in the view, so Sign In can name its registry', async () => {
      const host = registry!.host;
      // Signed out, the copy fails (the command shows the error and returns nothing).
      assert.equal(await run('manifold.copyToRegistry', { layout: f.demo, reference: 'linux-amd64', to: `${host}/locked/app:v1`, referrers: false }), undefined);
      const kept = f.services.registries.list().find((r) => r.host === host);
      assert.ok(kept?.repositories.includes('locked/app'), `repositories of ${host}: ${kept?.repositories.join(', ')}`);
      // Signed in, the row is there to open, and nothing reached the registry: the repository has no tags.
      assert.equal(await run('manifold.signIn', { registry: host, username: 'alice', password: 'wonderland' }), host);
      const repo = await registryRow((await registryRow(undefined, host)).node, 'locked/app');
      assert.deepEqual((await registryRows(repo.node)).map((t) => t.label), ['No tags']);
      await run('manifold.signOut', { registry: host });
    });

    it('a copy run from a row that failed for want of credentials: Sign In…, then its Retry copies as first answered, asking only the user name and password', async () => {
      const host = registry!.host;
      const to = `${host}/retried/app:v1`;
      const v1 = await row(f, (await row(f, undefined, 'demo')).node, 'v1');
      type Item = vscode.QuickPickItem;
      const asked: string[] = [];
      const said: string[] = [];
      const restore = swapExtensionWindow({
        // Every platform, with the SBOM: the copy of the index as it is.
        showQuickPick: async (items: readonly Item[] | Thenable<readonly Item[]>, options?: vscode.QuickPickOptions) => {
          const list = await items;
          asked.push(`pick: ${options?.placeHolder}`);
          return options?.canPickMany ? list : list.find((i) => i.label === 'With its referrers');
        },
        createQuickPick: typedQuickPick(to, asked),
        showInputBox: async (options?: vscode.InputBoxOptions) => (asked.push(`input: ${options?.prompt}`), options?.password ? 'wonderland' : 'alice'),
        showErrorMessage: async (message: string, ...actions: string[]) => (said.push(message), actions.find((a) => a === 'Sign In…')),
        showInformationMessage: async (message: string, ...actions: string[]) => (said.push(message), actions.find((a) => a === 'Retry')),
      });
      try {
        assert.equal(await run('manifold.copyToRegistry', v1.node), undefined);
        await eventually(async () => assert.ok(said.some((m) => m.startsWith('Copied ')), said.join('\n')), 60_000);
      } finally {
        restore();
      }
      assert.deepEqual(asked, [
        'pick: Platforms to copy: all of them copies the index as it is; some of them writes a new index of just those',
        // v1's SBOM, and the end-of-life note on its linux/amd64 image: the copy of the index carries both.
        'pick: 1 of its 2 referrers is on its platforms: end-of-life, SBOM. Copy them too?',
        'destination: Pick an added repository, or type registry/repository[:tag] (the tag is v1 unless given)',
        'input: User name',
        'input: Password or access token for alice',
      ]);
      assert.equal(said.length, 3, said.join('\n'));
      assert.equal(said[1], `Signed in to ${host} as alice.`);
      assert.match(said[2]!, new RegExp(`^Copied v1 and 2 referrers to ${to.replace(/[.]/g, '\\.')} `));
      // Read back with the credentials the sign-in stored: the index as it is.
      assert.equal((await f.services.registries.repository(host, 'retried/app').resolve('v1')).digest, f.index.digest);
      await run('manifold.signOut', { registry: host });
    });

    it('keeps a repository typed in Pull into This Layout that asked for credentials, as a copy does', async () => {
      const host = registry!.host;
      const layout = join(f.workspace, 'layouts', 'pulled');
      const before = await (await OciLayoutStore.open(layout)).entries();
      // Signed out, the pull fails (the command shows the error and returns nothing) and the layout is as it was.
      assert.equal(await run('manifold.pullIntoLayout', { layout, from: `${host}/secret/app:v1` }), undefined);
      assert.deepEqual(await (await OciLayoutStore.open(layout)).entries(), before);
      const kept = f.services.registries.list().find((r) => r.host === host);
      assert.ok(kept?.repositories.includes('secret/app'), `repositories of ${host}: ${kept?.repositories.join(', ')}`);
    });
  });
});

function hasHtpasswd(): boolean {
  try {
    execFileSync('htpasswd', ['-h'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // htpasswd -h exits non-zero after printing its usage: it exists unless spawning failed.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
