// The command guard of Restricted Mode (src/extension/trust.ts): what an untrusted workspace refuses, before any work.
import * as assert from 'node:assert/strict';
import { guardTrust, TRUST_NEEDED, UntrustedWorkspaceError } from '../../src/extension/trust';

describe('extension: untrusted workspace guard', () => {
  it('refuses a write command before its handler runs, saying why', () => {
    const calls: unknown[] = [];
    const run = guardTrust('manifold.tag', (...args: unknown[]) => calls.push(args), () => false);
    assert.throws(() => run('layout', 'v1'), (err: unknown) => {
      assert.ok(err instanceof UntrustedWorkspaceError);
      assert.equal(err.need, 'writes');
      assert.match(err.message, /not trusted: Manifold browses its layouts but does not change them/);
      return true;
    });
    assert.deepEqual(calls, []);
  });

  it('refuses a registry command with the registry reason', () => {
    let ran = false;
    const run = guardTrust('manifold.copyToRegistry', () => (ran = true), () => false);
    assert.throws(() => run(), (err: unknown) => err instanceof UntrustedWorkspaceError && err.need === 'registry' && /does not contact registries/.test(err.message));
    assert.equal(ran, false);
  });

  it('lets browse commands run untrusted, and every command run trusted, with their arguments and results', async () => {
    const browse = guardTrust('manifold.openManifest', (a: string) => `opened ${a}`, () => false);
    assert.equal(browse('v1'), 'opened v1');
    const write = guardTrust('manifold.delete', async (a: string) => `deleted ${a}`, () => true);
    assert.equal(await write('v1'), 'deleted v1');
  });

  it('asks about trust at each call, not once (trust can be granted while VS Code runs)', () => {
    let trusted = false;
    const run = guardTrust('manifold.createIndex', () => 'created', () => trusted);
    assert.throws(() => run(), UntrustedWorkspaceError);
    trusted = true;
    assert.equal(run(), 'created');
  });

  it('classifies each write and registry command', () => {
    for (const id of ['manifold.createLayout', 'manifold.createIndex', 'manifold.updateIndex', 'manifold.attach', 'manifold.delete', 'manifold.untag']) {
      assert.equal(TRUST_NEEDED[id], 'writes', id);
    }
    for (const id of ['manifold.signIn', 'manifold.copyToRegistry', 'manifold.pullToLayout', 'manifold.addRegistry']) assert.equal(TRUST_NEEDED[id], 'registry', id);
  });
});
