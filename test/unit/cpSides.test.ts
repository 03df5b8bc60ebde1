import assert from 'node:assert/strict';
import { sideOptions, sideView } from '../../src/cli/registryOptions';
import { runCli } from '../helpers/runCli';

describe('cp: each side\'s own registry flags (--from-*, --to-*)', () => {
  it('a side\'s flag wins over the shared one; the other side keeps the shared one', () => {
    const p = { positionals: [], values: { 'plain-http': true, 'from-plain-http': false, 'to-ca-file': ['to.pem'], 'ca-file': ['both.pem'], 'from-username': 'alice' } };
    const from = sideView(p, 'from');
    const to = sideView(p, 'to');
    assert.equal(from.values['plain-http'], false);
    assert.deepEqual(from.values['ca-file'], ['both.pem']);
    assert.equal(from.values.username, 'alice');
    assert.equal(to.values['plain-http'], true);
    assert.deepEqual(to.values['ca-file'], ['to.pem']);
    assert.equal(to.values.username, undefined);
  });

  it('the flags oras cp has for each side, described as such, without short forms', async () => {
    assert.deepEqual(Object.keys(sideOptions('to')), ['to-plain-http', 'to-insecure', 'to-ca-file', 'to-cert-file', 'to-key-file', 'to-username', 'to-password', 'to-identity-token', 'to-registry-config', 'to-distribution-spec']);
    assert.equal(sideOptions('from')['from-username']!.short, undefined);
    const help = (await runCli('cp', '--help')).stdout;
    assert.match(help, /--from-plain-http +--plain-http, for the source registry only/);
    assert.match(help, /--to-ca-file FILE +--ca-file, for the destination registry only/);
  });
});
