import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { copy } from '../../../src/oci/copy';
import { OciLayoutStore } from '../../../src/oci/layout';
import { Registry } from '../../../src/oci/registry';
import { hasDockerRegistry, launchRegistry, type LaunchedRegistry } from '../../integration/support/registryLauncher';
import { startForwardProxy, type ForwardProxy } from '../../integration/support/forwardProxy';
import { startSocksProxy } from '../../integration/support/socksProxy';
import { eventually, row, rows, tooltipOf, useFixtures, type Fixtures } from './layoutFixtures';

/**
 * VS Code's `http.proxy` for the Registries view: two registries named registry.invalid (TLS, its CA in the user's
 * certs.d folder, and plain HTTP on :5000) that only the in-test proxy maps to distribution 2.8 on 127.0.0.1. The
 * view lists their repositories only through the proxy; `http.noProxy` set later sends the next requests around it.
 */
describe('Registries through VS Code\'s http.proxy', function () {
  this.timeout(120_000);
  let f: Fixtures;
  let proxy: ForwardProxy;
  let config: string;
  const launched: LaunchedRegistry[] = [];
  const hosts = ['registry.invalid', 'registry.invalid:5000'];
  const xdgBefore = process.env.XDG_CONFIG_HOME;
  const http = () => vscode.workspace.getConfiguration('http');
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const tree = () => f.services.registriesTree as never;

  before(async function () {
    if (!hasDockerRegistry()) return this.skip();
    f = await useFixtures();
    const tls = join(f.services.context.extensionPath, 'test', 'helpers', 'tls');
    config = mkdtempSync(join(tmpdir(), 'manifold-xdg-'));
    mkdirSync(join(config, 'containers', 'certs.d', 'registry.invalid'), { recursive: true });
    copyFileSync(join(tls, 'named-ca.crt'), join(config, 'containers', 'certs.d', 'registry.invalid', 'ca.crt'));
    process.env.XDG_CONFIG_HOME = config;
    const secure = await launchRegistry({ mode: 'none' }, { certificate: join(tls, 'named-server.crt'), key: join(tls, 'named-server.key') });
    const plain = await launchRegistry();
    launched.push(secure, plain);
    // The demo's v1 pushed straight to 127.0.0.1 (the certificate names registry.invalid only), not through the proxy.
    const demo = await OciLayoutStore.open(f.demo);
    await copy(demo, 'v1', new Registry(secure.host, { insecure: true }).repository('app'), ['v1']);
    await copy(demo, 'v1', new Registry(plain.host, { plainHttp: true }).repository('app'), ['v1']);
    proxy = await startForwardProxy({ 'registry.invalid:443': secure.host, 'registry.invalid:5000': plain.host });
    await http().update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (!f) return;
    for (const host of hosts) await run('manifold.removeRegistry', { registry: host });
    await http().update('proxy', undefined, vscode.ConfigurationTarget.Global);
    await http().update('noProxy', undefined, vscode.ConfigurationTarget.Global);
    await proxy?.close();
    for (const r of launched) await r.stop();
    if (xdgBefore === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = xdgBefore;
    rmSync(config, { recursive: true, force: true });
  });

  it('the view lists each registry\'s repository and its tag through the proxy (CONNECT for TLS, absolute form for plain HTTP)', async () => {
    assert.equal(await run('manifold.addRegistry', { registry: hosts[0], plainHttp: false }), hosts[0]);
    assert.equal(await run('manifold.addRegistry', { registry: hosts[1], plainHttp: true }), hosts[1]);
    for (const host of hosts) {
      await eventually(async () => {
        const registry = await row(f, undefined, host, tree());
        const app = await row(f, registry.node, 'app', tree());
        assert.deepEqual((await rows(f, app.node, tree())).map((r) => r.label), ['v1']);
      });
    }
    assert.ok((proxy.forwarded.get('CONNECT registry.invalid:443') ?? 0) > 0, JSON.stringify([...proxy.forwarded]));
    assert.ok((proxy.forwarded.get('absolute registry.invalid:5000') ?? 0) > 0, JSON.stringify([...proxy.forwarded]));
    // Each row's tooltip says how it is reached.
    for (const host of hosts) assert.ok((await tooltipOf(f, await row(f, undefined, host, tree()), tree())).includes(`Reached through the proxy \`${proxy.url}\``));
  });

  it('http.noProxy naming the host: the next requests go around the proxy, and registry.invalid, which does not resolve, is named', async () => {
    const before = proxy.forwarded.get('CONNECT registry.invalid:443');
    await http().update('noProxy', ['registry.invalid'], vscode.ConfigurationTarget.Global);
    await eventually(async () => {
      const registry = await row(f, undefined, hosts[0]!, tree());
      const labels = (await rows(f, registry.node, tree())).map((r) => r.label);
      assert.equal(labels.length, 1, labels.join(' | '));
      assert.match(labels[0]!, /(ENOTFOUND|EAI_AGAIN) registry\.invalid/);
    }, 30_000);
    assert.equal(proxy.forwarded.get('CONNECT registry.invalid:443'), before);
    assert.doesNotMatch(await tooltipOf(f, await row(f, undefined, hosts[0]!, tree()), tree()), /proxy/);
  });

  it('a SOCKS5 http.proxy (socks5://, as ssh -D makes one): the view lists each registry\'s tag through it', async () => {
    const socks = await startSocksProxy({ 'registry.invalid:443': launched[0]!.host, 'registry.invalid:5000': launched[1]!.host });
    try {
      await http().update('noProxy', undefined, vscode.ConfigurationTarget.Global);
      await http().update('proxy', socks.url, vscode.ConfigurationTarget.Global);
      for (const host of hosts) {
        await eventually(async () => {
          const registry = await row(f, undefined, host, tree());
          const app = await row(f, registry.node, 'app', tree());
          assert.deepEqual((await rows(f, app.node, tree())).map((r) => r.label), ['v1']);
        }, 30_000);
      }
      assert.ok((socks.tunnels.get('registry.invalid:443') ?? 0) > 0 && (socks.tunnels.get('registry.invalid:5000') ?? 0) > 0, JSON.stringify([...socks.tunnels]));
    } finally {
      await socks.close();
    }
  });
});
