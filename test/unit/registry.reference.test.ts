import assert from 'node:assert/strict';
import { parseChallenges } from '../../src/oci/auth/challenge';
import { normalizeScopes } from '../../src/oci/auth/scope';
import { nextLink } from '../../src/oci/registry/link';
import { isLoopbackHost, parseRegistryAddress, parseRegistryReference } from '../../src/oci/registry/registryReference';
import { parseRetryAfter, retryDelay, DEFAULT_RETRY } from '../../src/oci/registry/retry';

const D = `sha256:${'a'.repeat(64)}`;

describe('registry references', () => {
  const ok: Array<[string, { registry: string; repository: string; reference?: string; extraTags?: string[] }]> = [
    ['localhost:5000/hello', { registry: 'localhost:5000', repository: 'hello' }],
    ['localhost:5000/hello:v1', { registry: 'localhost:5000', repository: 'hello', reference: 'v1' }],
    [`127.0.0.1:5000/a/b/c@${D}`, { registry: '127.0.0.1:5000', repository: 'a/b/c', reference: D }],
    [`ghcr.io/org/app:v1@${D}`, { registry: 'ghcr.io', repository: 'org/app', reference: D }],
    ['[::1]:5000/x_y/z-w:latest', { registry: '[::1]:5000', repository: 'x_y/z-w', reference: 'latest' }],
    ['registry/repo:t1,t2', { registry: 'registry', repository: 'repo', reference: 't1', extraTags: ['t2'] }],
  ];
  for (const [raw, want] of ok) {
    it(`parses ${raw}`, () => {
      const got = parseRegistryReference(raw, { allowTagList: true });
      assert.equal(got.registry, want.registry);
      assert.equal(got.repository, want.repository);
      assert.equal(got.reference, want.reference);
      assert.deepEqual(got.extraTags, want.extraTags ?? []);
    });
  }
  for (const raw of ['hello', '/repo', 'localhost:5000/Hello', 'localhost:5000/repo:bad tag', 'localhost:5000/repo@sha256:xyz', 'bad host/repo', 'h/repo:a,b']) {
    it(`refuses ${JSON.stringify(raw)}`, () => {
      assert.throws(() => parseRegistryReference(raw), (e: Error & { code?: string }) => e.code === 'INVALID_ARGUMENT' || e.code === 'INVALID_DIGEST');
    });
  }
  it('says what is wrong with a refused repository name: its length, its case, or which component', () => {
    const long = 'a'.repeat(256);
    assert.throws(() => parseRegistryReference(`127.0.0.1:5000/${long}:v1`), /invalid repository "a+": it is 256 characters long, and a repository name has at most 255$/);
    assert.equal(parseRegistryReference(`127.0.0.1:5000/${'a'.repeat(255)}:v1`).repository.length, 255);
    assert.throws(() => parseRegistryReference('127.0.0.1:5000/Upper/Case:v1'), /invalid repository "Upper\/Case": repository names are lowercase \("upper\/case" would do\)$/);
    assert.throws(() => parseRegistryReference('127.0.0.1:5000/ok/c..d:v1'), /invalid repository "ok\/c\.\.d": a path component is lowercase letters and digits, separated by one of \. _ __ or dashes in "c\.\.d"$/);
    assert.throws(() => parseRegistryReference('127.0.0.1:5000/a//b'), /invalid repository "a\/\/b": an empty path component$/);
    assert.equal(parseRegistryReference('127.0.0.1:5000/a---b/c__d.e:v1').repository, 'a---b/c__d.e');
  });
  it('knows loopback hosts', () => {
    for (const h of ['localhost', 'localhost:5000', '127.0.0.1:80', '127.1.2.3', '[::1]:5000']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['example.com', '10.0.0.1:5000', 'localhost.example.com', '[::2]:1']) assert.ok(!isLoopbackHost(h), h);
  });
});

describe('registry addresses as typed', () => {
  it('accepts a host, or an http:// or https:// URL, and keeps what the scheme says', () => {
    assert.deepEqual(parseRegistryAddress(' localhost:5000 '), { host: 'localhost:5000' });
    assert.deepEqual(parseRegistryAddress('http://127.0.0.1:40767'), { host: '127.0.0.1:40767', plainHttp: true });
    assert.deepEqual(parseRegistryAddress('HTTPS://ghcr.io/'), { host: 'ghcr.io', plainHttp: false });
  });
  it('refuses a path, another scheme and a bad host, naming what was typed', () => {
    assert.throws(() => parseRegistryAddress('http://localhost:5000/v2/'), /invalid registry "http:\/\/localhost:5000\/v2\/": give a host/);
    assert.throws(() => parseRegistryAddress('ftp://host'), /invalid registry "ftp:\/\/host"/);
    assert.throws(() => parseRegistryAddress('http://bad host'), /invalid registry "bad host"/);
  });
});

describe('WWW-Authenticate', () => {
  it('parses a bearer challenge with several scopes', () => {
    const [c] = parseChallenges('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push repository:c:pull"');
    assert.equal(c!.scheme, 'bearer');
    assert.deepEqual(c!.params, { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push repository:c:pull' });
  });
  it('parses basic, escapes, unquoted values and several challenges', () => {
    const cs = parseChallenges('Basic realm="a \\"quoted\\" realm", Bearer realm=https://x/token, error=insufficient_scope');
    assert.equal(cs.length, 2);
    assert.deepEqual(cs[0], { scheme: 'basic', params: { realm: 'a "quoted" realm' } });
    assert.deepEqual(cs[1], { scheme: 'bearer', params: { realm: 'https://x/token', error: 'insufficient_scope' } });
  });
});

describe('scopes', () => {
  it('merges actions per resource, sorted, deduplicated', () => {
    assert.deepEqual(normalizeScopes(['repository:b:push', 'repository:a:pull', 'repository:b:pull', 'repository:b:push']), ['repository:a:pull', 'repository:b:pull,push']);
    assert.deepEqual(normalizeScopes(['registry:catalog:*', 'repository:a:pull repository:a:*']), ['registry:catalog:*', 'repository:a:*']);
  });
});

describe('Link and Retry-After', () => {
  it('finds rel="next" and resolves it', () => {
    assert.equal(nextLink('</v2/_catalog?last=b&n=2>; rel="next"', 'http://r:5000/v2/_catalog?n=2'), 'http://r:5000/v2/_catalog?last=b&n=2');
    assert.equal(nextLink('<https://other/x>; rel="prev", </y?p=2>; rel=next', 'http://r/'), 'http://r/y?p=2');
    assert.equal(nextLink(undefined, 'http://r/'), undefined);
    assert.equal(nextLink('</a>; rel="prev"', 'http://r/'), undefined);
  });
  it('honours Retry-After in seconds and as a date, bounded', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now), 10_000);
    assert.equal(retryDelay(0, '3600', DEFAULT_RETRY), DEFAULT_RETRY.maxRetryAfterMs);
    const d = retryDelay(10, undefined, DEFAULT_RETRY);
    assert.ok(d <= DEFAULT_RETRY.maxDelayMs && d >= DEFAULT_RETRY.maxDelayMs / 2);
  });
});
