import { strict as assert } from 'node:assert';
import { shownRoute } from '../../src/oci/registry/client';
import { bypassesProxy, maskProxy, proxyUrl, shownProxy } from '../../src/oci/registry/proxy';

describe('explicit proxy: noProxy matching and how the proxy is shown', () => {
  it('noProxy matches as NO_PROXY does: exact host, its subdomains, .suffix, *.suffix, host:port, *; loopback always', () => {
    const cases: Array<[string, number, string[], boolean]> = [
      ['registry.example.com', 443, ['registry.example.com'], true],
      ['REGISTRY.example.com', 443, ['registry.example.COM'], true],
      ['a.registry.example.com', 443, ['registry.example.com'], true],
      ['xregistry.example.com', 443, ['registry.example.com'], false],
      ['registry.example.com', 443, ['.example.com'], true],
      ['example.com', 443, ['.example.com'], true],
      ['registry.example.com', 443, ['*.example.com'], true],
      ['registry.example.com:5000', 443, ['registry.example.com:5000'], true],
      ['registry.example.com', 443, ['registry.example.com:5000'], false],
      ['registry.example.com', 443, ['registry.example.com:443'], true],
      ['registry.example.com', 80, ['registry.example.com:80'], true],
      ['registry.example.com', 443, ['other.org, registry.example.com'], true],
      ['anything.org', 443, ['*'], true],
      ['anything.org', 443, ['', ' '], false],
      ['anything.org', 443, [], false],
      ['127.0.0.1:5000', 443, [], true],
      ['localhost:5000', 443, [], true],
      ['[::1]:5000', 443, [], true],
      ['10.0.0.7:5000', 443, ['10.0.0.7'], true],
    ];
    for (const [host, port, noProxy, expected] of cases) assert.equal(bypassesProxy(host, port, noProxy), expected, `${host} ${JSON.stringify(noProxy)}`);
  });

  it('credentials never shown; a bare host:port is http; socks5 taken; other schemes refused without the secret', () => {
    assert.equal(maskProxy('http://alice:s3cret@proxy.corp:3128'), 'http://***@proxy.corp:3128');
    assert.equal(shownProxy({ url: 'http://alice:s3cret@proxy.corp:3128/' }), 'http://proxy.corp:3128');
    assert.equal(proxyUrl({ url: 'proxy.corp:3128' }).toString(), 'http://proxy.corp:3128/');
    assert.equal(shownProxy({ url: 'socks5://bob:hunter22@proxy.corp:1080' }), 'socks5://proxy.corp:1080');
    assert.equal(proxyUrl({ url: 'socks5h://proxy.corp' }).protocol, 'socks5h:');
    assert.throws(() => proxyUrl({ url: 'socks4://bob:hunter22@proxy.corp:1080' }), (err: Error) => {
      assert.equal(err.message, 'proxy "socks4://***@proxy.corp:1080" is not an http://, https:// or socks5:// URL');
      return true;
    });
  });

  it('the route a registry takes, as a tooltip shows it: the proxy without credentials, or none (directly)', () => {
    const proxy = { url: 'socks5://bob:hunter22@proxy.corp:1080', noProxy: ['.internal'] };
    assert.equal(shownRoute('registry.example.com', false, proxy), 'socks5://proxy.corp:1080');
    assert.equal(shownRoute('harbor.internal:8443', false, proxy), undefined);
    assert.equal(shownRoute('127.0.0.1:5000', true, proxy), undefined);
    assert.equal(shownRoute('registry.example.com', false, false), undefined);
    const names = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];
    const saved = names.map((n) => [n, process.env[n]] as const);
    try {
      for (const n of names) delete process.env[n];
      assert.equal(shownRoute('registry.example.com', false, undefined), undefined);
      process.env.HTTP_PROXY = 'http://alice:s3cret@proxy.corp:3128';
      process.env.NO_PROXY = 'ghcr.io,.internal';
      assert.equal(shownRoute('registry.example.com', false, undefined), 'http://proxy.corp:3128');
      assert.equal(shownRoute('harbor.internal', false, undefined), undefined);
      assert.equal(shownRoute('ghcr.io', false, undefined), undefined);
      process.env.HTTPS_PROXY = 'socks5://proxy.corp:1080';
      assert.equal(shownRoute('registry.example.com', false, undefined), 'socks5://proxy.corp:1080');
      assert.equal(shownRoute('registry.example.com:5000', true, undefined), 'http://proxy.corp:3128');
    } finally {
      for (const [n, v] of saved) {
        if (v === undefined) delete process.env[n];
        else process.env[n] = v;
      }
    }
  });
});
