import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Authorizer, type TokenFetcher } from '../../src/oci/auth/authorizer';
import { MemoryCredentialStore } from '../../src/oci/auth/credentials';
import { DockerConfigStore, runCredentialHelper, type CredentialHelperRunner } from '../../src/oci/auth/dockerConfig';
import { isOciError } from '../../src/oci/errors';

const BEARER = 'Bearer realm="https://auth.example.com/token",service="reg",scope="repository:a:pull"';

function fakeTokens(): { fetch: TokenFetcher; calls: Array<Parameters<TokenFetcher>[0]> } {
  const calls: Array<Parameters<TokenFetcher>[0]> = [];
  let n = 0;
  return {
    calls,
    fetch: async (req) => {
      calls.push(req);
      n++;
      return { status: 200, text: JSON.stringify({ token: `t${n}`, expires_in: 120, ...(req.method === 'POST' ? { refresh_token: `r${n}` } : {}) }) };
    },
  };
}

describe('Authorizer', () => {
  it('gets a bearer token for the challenge, caches it per scope set, and sends it up front afterwards', async () => {
    const tokens = fakeTokens();
    let now = 1_000_000;
    const auth = new Authorizer({ fetchToken: tokens.fetch, mayCarryCredentials: () => true, credentials: new MemoryCredentialStore({ reg: { username: 'u', password: 'p' } }), now: () => now });
    assert.equal(await auth.headerFor('reg', ['repository:a:pull']), undefined, 'nothing known before the first challenge');
    assert.equal(await auth.respond('reg', BEARER, ['repository:a:pull']), 'Bearer t1');
    const url = new URL(tokens.calls[0]!.url);
    assert.deepEqual(url.searchParams.getAll('scope'), ['repository:a:pull']);
    assert.equal(url.searchParams.get('service'), 'reg');
    assert.equal(tokens.calls[0]!.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(await auth.headerFor('reg', ['repository:a:pull']), 'Bearer t1');
    // A cross-repository mount needs two repositories in one token: a new scope set, a new token.
    assert.equal(await auth.headerFor('reg', ['repository:b:push', 'repository:b:pull', 'repository:a:pull']), 'Bearer t2');
    assert.deepEqual(new URL(tokens.calls[1]!.url).searchParams.getAll('scope'), ['repository:a:pull', 'repository:b:pull,push']);
    assert.equal(await auth.headerFor('reg', ['repository:a:pull', 'repository:b:pull,push']), 'Bearer t2');
    now += 200_000; // expired
    assert.equal(await auth.headerFor('reg', ['repository:a:pull']), 'Bearer t3');
    assert.equal(tokens.calls.length, 3);
  });

  it('uses the OAuth2 refresh_token grant for an identity token, and the password grant when forced', async () => {
    const tokens = fakeTokens();
    const auth = new Authorizer({ fetchToken: tokens.fetch, mayCarryCredentials: () => true, credentials: new MemoryCredentialStore({ reg: { refreshToken: 'rt' } }) });
    await auth.respond('reg', BEARER, ['repository:a:push']);
    const form = new URLSearchParams(tokens.calls[0]!.body);
    assert.equal(tokens.calls[0]!.method, 'POST');
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('refresh_token'), 'rt');
    assert.equal(form.get('scope'), 'repository:a:pull,push');
    const forced = fakeTokens();
    const auth2 = new Authorizer({ fetchToken: forced.fetch, forceOAuth2: true, mayCarryCredentials: () => true, credentials: new MemoryCredentialStore({ reg: { username: 'u', password: 'p' } }) });
    await auth2.respond('reg', BEARER, []);
    assert.equal(new URLSearchParams(forced.calls[0]!.body).get('grant_type'), 'password');
    // The refresh token the server handed out is used for the next token.
    await auth2.headerFor('reg', ['repository:z:pull']);
    assert.equal(new URLSearchParams(forced.calls[1]!.body).get('grant_type'), 'refresh_token');
    assert.equal(new URLSearchParams(forced.calls[1]!.body).get('refresh_token'), 'r1');
  });

  it('drops only the token the server refused: requests sent before a concurrent fetch reuse its token', async () => {
    const tokens = fakeTokens();
    const auth = new Authorizer({ fetchToken: tokens.fetch, mayCarryCredentials: () => true, credentials: new MemoryCredentialStore({ reg: { username: 'u', password: 'p' } }) });
    // Two requests went out before any token existed; both got the challenge.
    const [first, second] = await Promise.all([auth.respond('reg', BEARER, ['repository:a:pull']), auth.respond('reg', BEARER, ['repository:a:pull'])]);
    assert.equal(first, 'Bearer t1');
    assert.equal(second, 'Bearer t1');
    // A third, also sent without a token, is answered after the fetch finished: still the same token.
    assert.equal(await auth.respond('reg', BEARER, ['repository:a:pull']), 'Bearer t1');
    assert.equal(tokens.calls.length, 1);
    // The server refused t1 itself: that one is dropped and a new token fetched.
    assert.equal(await auth.respond('reg', BEARER, ['repository:a:pull'], undefined, 'Bearer t1'), 'Bearer t2');
    assert.equal(tokens.calls.length, 2);
  });

  it('answers basic challenges with the stored credentials, and nothing without them', async () => {
    const auth = new Authorizer({ fetchToken: fakeTokens().fetch, mayCarryCredentials: () => true, credentials: new MemoryCredentialStore({ reg: { username: 'u', password: 'p' } }) });
    assert.equal(await auth.respond('reg', 'Basic realm="x"', []), `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(await auth.headerFor('other', []), undefined);
    const anonymous = new Authorizer({ fetchToken: fakeTokens().fetch, mayCarryCredentials: () => true });
    assert.equal(await anonymous.respond('reg', 'Basic realm="x"', []), undefined);
  });

  it('refuses to send credentials in clear to a token server that is not allowed', async () => {
    const tokens = fakeTokens();
    const auth = new Authorizer({ fetchToken: tokens.fetch, mayCarryCredentials: (u) => u.protocol === 'https:', credentials: new MemoryCredentialStore({ reg: { username: 'u', password: 'p' } }) });
    await assert.rejects(auth.respond('reg', 'Bearer realm="http://auth.example.com/token"', []), /in clear/);
    assert.equal(tokens.calls.length, 0);
  });

  it('says plainly when the token server refuses', async () => {
    const auth = new Authorizer({ fetchToken: async () => ({ status: 401, text: '{"details":"bad"}' }), mayCarryCredentials: () => true });
    await assert.rejects(auth.respond('reg', BEARER, ['repository:team/app:pull']), (e: unknown) => isOciError(e, 'UNAUTHORIZED') && /answered 401 for .*repository:team\/app:pull.*check the credentials/.test(e.message) && !/manifold/.test(e.message) && e.registry === 'reg');
    const forbidding = new Authorizer({ fetchToken: async () => ({ status: 403, text: '' }), mayCarryCredentials: () => true });
    await assert.rejects(forbidding.respond('reg', BEARER, []), (e: unknown) => isOciError(e, 'DENIED') && /answered 403/.test(e.message));
  });
});

describe('DockerConfigStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'manifold-docker-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads auths (auth, identitytoken), matching keys written with a scheme', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({
      auths: {
        'https://reg.example.com': { auth: Buffer.from('alice:s3:cret').toString('base64') },
        'https://index.docker.io/v1/': { identitytoken: 'hub-refresh' },
      },
      HttpHeaders: { 'X-Keep': 'me' },
    }));
    const store = new DockerConfigStore({ path: join(dir, 'config.json') });
    assert.deepEqual(await store.get('reg.example.com'), { username: 'alice', password: 's3:cret' });
    assert.deepEqual(await store.get('docker.io'), { refreshToken: 'hub-refresh' });
    assert.equal(await store.get('other.example.com'), undefined);
  });

  it('writes auths atomically, readable by the user only, keeping the rest of the file', async () => {
    const path = join(dir, 'sub', 'config.json');
    const store = new DockerConfigStore({ path });
    await store.put('localhost:5000', { username: 'bob', password: 'pw' });
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), detachKeys: 'ctrl-x' }));
    await store.put('ghcr.io', { username: 'carol', password: 'x' });
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(doc.detachKeys, 'ctrl-x');
    assert.equal(doc.auths['localhost:5000'].auth, Buffer.from('bob:pw').toString('base64'));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    await store.delete('localhost:5000');
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(path, 'utf8')).auths), ['ghcr.io']);
  });

  it("edits only the auths entries in the file's text: other tools' settings kept byte for byte, numbers Node cannot hold too", async () => {
    const path = join(dir, 'config.json');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    // Go keeps what JSON.parse cannot: 1e400 (Infinity, written back as null) and an integer past 2^53 (rounded).
    const before = `{\n  "psFormat": "table {{.ID}}",\n  "auths": {\n    "https://old.example/v1/": { "auth": "${b64('o:p')}" },\n    "keep.example": {"auth":"${b64('k:p')}"}\n  },\n  "x-tool": {"limit": 1e400, "id": 12345678901234567890}\n}\n`;
    writeFileSync(path, before);
    const store = new DockerConfigStore({ path });
    await store.put('old.example', { username: 'new', password: 'pw' });
    const written = readFileSync(path, 'utf8');
    assert.equal(written.split('\n').slice(0, 2).join('\n'), '{\n  "psFormat": "table {{.ID}}",');
    assert.match(written, /\n {2}"x-tool": \{"limit": 1e400, "id": 12345678901234567890\}\n\}\n$/);
    assert.match(written, /\n {4}"old\.example": \{\n {6}"auth": /, 'indented as the file is');
    assert.deepEqual(Object.keys(JSON.parse(written).auths), ['keep.example', 'old.example']);
    assert.deepEqual(await store.get('old.example'), { username: 'new', password: 'pw' });
    await store.delete('old.example');
    const after = readFileSync(path, 'utf8');
    assert.match(after, /"x-tool": \{"limit": 1e400, "id": 12345678901234567890\}/);
    assert.deepEqual(Object.keys(JSON.parse(after).auths), ['keep.example']);
    assert.deepEqual(await store.get('keep.example'), { username: 'k', password: 'p' });
    // No auths yet (null): the map is written in, the rest kept.
    writeFileSync(path, '{"auths":null,"n":1e400}');
    await store.put('r.example', { username: 'a', password: 'b' });
    assert.match(readFileSync(path, 'utf8'), /"n":1e400\}$/);
    assert.deepEqual(await store.get('r.example'), { username: 'a', password: 'b' });
  });

  it('writes the file whole when its text would not read back as meant by an edit (a key twice: the last counts)', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"auths":{"a.example":{"auth":"YTpi"}},"auths":{"b.example":{"auth":"YzpkZA=="}}}');
    const store = new DockerConfigStore({ path });
    await store.put('e.example', { username: 'e', password: 'f' });
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    assert.deepEqual(Object.keys(doc.auths), ['b.example', 'e.example']);
    assert.deepEqual(await store.get('b.example'), { username: 'c', password: 'dd' });
    assert.deepEqual(await store.get('e.example'), { username: 'e', password: 'f' });
  });

  it('uses credHelpers per registry before credsStore, through docker-credential-<name>', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' } }));
    const calls: string[] = [];
    const runHelper: CredentialHelperRunner = async (program, action, input) => {
      calls.push(`${program} ${action} ${input}`);
      if (action === 'get' && program.endsWith('gcloud')) return JSON.stringify({ ServerURL: input, Username: '<token>', Secret: 'refresh' });
      if (action === 'get') throw Object.assign(new Error('credentials not found in native keychain'), { stdout: 'credentials not found in native keychain' });
      return '';
    };
    const store = new DockerConfigStore({ path: join(dir, 'config.json'), runHelper });
    assert.deepEqual(await store.get('gcr.io'), { refreshToken: 'refresh' });
    assert.equal(await store.get('example.com'), undefined);
    await store.put('example.com', { username: 'u', password: 'p' });
    await store.delete('example.com');
    assert.deepEqual(calls, [
      'docker-credential-gcloud get gcr.io',
      'docker-credential-desktop get example.com',
      'docker-credential-desktop store {"ServerURL":"example.com","Username":"u","Secret":"p"}',
      'docker-credential-desktop erase example.com',
    ]);
  });

  it('runs a real helper with execFile, input on stdin', async () => {
    const helper = join(dir, 'docker-credential-test');
    writeFileSync(helper, '#!/bin/sh\nread server\nprintf \'{"ServerURL":"%s","Username":"u-%s","Secret":"pw"}\' "$server" "$1"\n');
    chmodSync(helper, 0o755);
    const out = await runCredentialHelper(helper, 'get', 'reg.example.com');
    assert.deepEqual(JSON.parse(out), { ServerURL: 'reg.example.com', Username: 'u-get', Secret: 'pw' });
    await assert.rejects(runCredentialHelper(join(dir, 'docker-credential-missing'), 'get', 'x'), /docker-credential-missing get/);
  });

  it('refuses a helper name that could leave the helper namespace', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: '../../bin/sh' }));
    await assert.rejects(new DockerConfigStore({ path: join(dir, 'config.json'), runHelper: async () => '' }).get('x'), /not valid/);
  });

  it('refuses credential parts of the wrong shape naming them, and never rewrites them (auths: "x" became {"0": "x"})', async () => {
    const path = join(dir, 'config.json');
    const store = new DockerConfigStore({ path });
    const refused = async (doc: unknown, pattern: RegExp, op: (s: DockerConfigStore) => Promise<unknown>) => {
      writeFileSync(path, JSON.stringify(doc));
      await assert.rejects(op(store), (e: Error) => pattern.test(e.message) && e.message.includes(path));
      assert.equal(readFileSync(path, 'utf8'), JSON.stringify(doc), 'the file is as it was');
    };
    await refused({ auths: 'x' }, /auths is not an object/, (s) => s.put('r.example', { username: 'a', password: 'b' }));
    await refused({ auths: 'x' }, /auths is not an object/, (s) => s.get('r.example'));
    await refused({ credHelpers: { 'r.example': 5 } }, /credHelpers\["r\.example"\] is not a string/, (s) => s.get('r.example'));
    await refused({ credsStore: ['desktop'] }, /credsStore is not a string/, (s) => s.get('r.example'));
    await refused({ auths: { 'https://r.example': { auth: 5 } } }, /auths\["https:\/\/r\.example"\]\.auth is not a string/, (s) => s.get('r.example'));
    // null is docker's empty map: an entry or a map that is null is no credential, and a write fills it in.
    writeFileSync(path, JSON.stringify({ auths: { 'r.example': null }, credHelpers: null }));
    assert.equal(await store.get('r.example'), undefined);
    await store.put('s.example', { username: 'a', password: 'b' });
    assert.deepEqual(await store.get('s.example'), { username: 'a', password: 'b' });
  });

  it('names a credential helper that is not installed, and where the config asks for it', async () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify({ credsStore: 'manifold-test-absent', credHelpers: { 'gcr.io': 'manifold-test-absent-too' } }));
    const store = new DockerConfigStore({ path }); // the real runner: execFile finds no such program on PATH
    await assert.rejects(store.get('r.example'), (e: Error) => e.message === `docker-credential-manifold-test-absent is not installed (not found on PATH): ${path} names it in credsStore`);
    await assert.rejects(store.put('gcr.io', { username: 'a', password: 'b' }), /docker-credential-manifold-test-absent-too is not installed .* names it in credHelpers\["gcr\.io"\]/);
  });
});
