// Every registry operation gives its connections back: once its promise settles, no response it got is left unread
// (an unread body keeps its connection, and once the 8 a registry gets are held, the next request waits out the 60 s
// timeouts). Each operation runs through a ledger over a real undici Agent (test/helpers/responseLedger.ts) against
// the in-process registry, a misbehaving one in front of it, and distribution 2.8.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { verifyImageAttestations } from '../../src/oci/attestations';
import { MemoryCredentialStore } from '../../src/oci/auth';
import { copy } from '../../src/oci/copy';
import type { Descriptor } from '../../src/oci/descriptor';
import { DigestReads } from '../../src/oci/digestReads';
import { OciLayoutStore } from '../../src/oci/layout';
import { MediaType } from '../../src/oci/mediaType';
import { oneRunReads } from '../../src/oci/oneRunReads';
import { discover, referrerCoverage } from '../../src/oci/referrers';
import { closeDefaultAgents, MAX_MANIFEST_BYTES, Registry, RegistryClient, RemoteRepository, type RegistryClientOptions } from '../../src/oci/registry';
import { inspectImage, loadPublicKey, verifyImage } from '../../src/oci/signatures';
import type { ReadOnlyTarget } from '../../src/oci/target';
import { startMisbehavingRegistry, type MisbehavingRegistry } from '../helpers/misbehavingRegistry';
import { responseLedger, type ResponseLedger } from '../helpers/responseLedger';
import { makeSigned, type Signed } from '../unit/signedCoverageLayout';
import { cleanupTemps, newLayout } from '../unit/builders';
import { hasDockerRegistry, launchRegistry, startOciServer, startTokenServer, type LaunchedRegistry, type OciServer, type TokenServer } from './support';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const blobOf = (s: Signed, d: Descriptor) => readFileSync(join(s.store.location, 'blobs', 'sha256', d.digest.slice(7)));

describe('registry operations leave no response unread and give every connection back', function () {
  this.timeout(60_000);
  let signed: Signed;
  let ledger: ResponseLedger;
  let oci: OciServer;
  let tagSchema: OciServer;
  before(async () => {
    signed = await makeSigned();
    [oci, tagSchema] = await Promise.all([startOciServer(), startOciServer({ referrersApi: false })]);
  });
  beforeEach(() => (ledger = responseLedger()));
  afterEach(() => ledger.close());
  after(async () => {
    await Promise.all([oci.stop(), tagSchema.stop()]);
    cleanupTemps();
  });

  const repo = (host: string, name: string, options: RegistryClientOptions = {}) =>
    new RemoteRepository(new RegistryClient(host, { plainHttp: true, dispatcher: ledger.dispatcher, sleep: async () => undefined, ...options }), name);

  /** Runs `op`, which must ask the registry something, then checks that everything it got was read or dropped. */
  async function givesBack<T>(what: string, op: () => Promise<T>): Promise<T> {
    const before = ledger.handedOut;
    const result = await op();
    assert.ok(ledger.handedOut > before, `${what}: asked the registry nothing`);
    await ledger.assertAllGivenBack(what);
    return result;
  }

  /** As givesBack, for an operation that must fail as `error` says. */
  async function failsAndGivesBack(what: string, op: () => Promise<unknown>, error: RegExp | object): Promise<void> {
    const before = ledger.handedOut;
    await assert.rejects(op, error as RegExp);
    assert.ok(ledger.handedOut > before, `${what}: asked the registry nothing`);
    await ledger.assertAllGivenBack(what);
  }

  /** Verify, verify-attestation, coverage (as the CLI reads for it) and inspect of `target`'s v1, each given back. */
  async function checksGiveBack(target: ReadOnlyTarget): Promise<void> {
    const key = loadPublicKey('cosign.pub', readFileSync(join(signed.dir, 'cosign.pub')));
    const verified = await givesBack('verify', () => verifyImage(target, 'v1', [key], { recursive: true }));
    assert.deepEqual(verified.manifests.map((m) => [m.subject.digest, m.valid]), [[signed.index.digest, false], [signed.amd64.digest, true], [signed.arm64.digest, false]]);
    const attested = await givesBack('verify-attestation', () => verifyImageAttestations(target, 'v1', [key], { recursive: true }));
    assert.deepEqual(attested.manifests.map((m) => [m.subject.digest, m.valid]), [[signed.index.digest, false], [signed.amd64.digest, true], [signed.arm64.digest, false]]);
    const covered = await givesBack('coverage', async () => {
      const read = new DigestReads().over(oneRunReads(target));
      const report = await referrerCoverage(read, 'v1');
      await Promise.all([verifyImage(read, 'v1', [key], { recursive: true }), verifyImageAttestations(read, 'v1', [key], { recursive: true })]);
      return report;
    });
    // arm64's plain SPDX referrer was deleted (everyOperation): its attestation-less SBOM column is empty.
    assert.deepEqual(covered.rows.map((r) => [r.desc.digest, r.counts.signature, r.counts.sbom]), [[signed.index.digest, 0, 0], [signed.amd64.digest, 1, 1], [signed.arm64.digest, 1, 0]]);
    const inspected = await givesBack('inspect', () => inspectImage(target, 'v1', { recursive: true }));
    assert.deepEqual(inspected.manifests.map((m) => m.signatures.length), [0, 1, 1]);
  }

  /** Push (cp -r from the layout), cp -r back, discover, tags, manifest reads, missing things, tag, delete. */
  async function everyOperation(host: string, name: string): Promise<void> {
    const remote = repo(host, name);
    const pushed = await givesBack('cp -r to the registry', () => copy(signed.store, 'v1', remote, ['v1'], { referrers: true }));
    assert.equal(pushed.root.digest, signed.index.digest);
    const back = await newLayout();
    const pulled = await givesBack('cp -r from the registry', () => copy(remote, 'v1', back, ['v1'], { referrers: true }));
    assert.equal(pulled.root.digest, signed.index.digest);
    assert.deepEqual(readFileSync(join(back.location, 'blobs', 'sha256', signed.amd64.digest.slice(7))), blobOf(signed, signed.amd64));
    const tree = await givesBack('discover', () => discover(remote, 'v1', { recursive: true }));
    assert.equal(tree.desc.digest, signed.index.digest);
    assert.equal(tree.manifests?.length, 2);
    const tags = await givesBack('repo tags', () => collect(remote.tags()));
    assert.ok(tags.includes('v1'), tags.join(' '));
    const byTag = await givesBack('manifest fetch by tag', () => remote.fetchManifest('v1'));
    assert.deepEqual(byTag.bytes, blobOf(signed, signed.index));
    const byDigest = await givesBack('manifest fetch by digest', () => remote.fetchManifest(signed.amd64.digest));
    assert.deepEqual(byDigest.bytes, blobOf(signed, signed.amd64));
    await failsAndGivesBack('manifest fetch of a missing tag', () => remote.fetchManifest('missing'), { code: 'NOT_FOUND' });
    await failsAndGivesBack('resolve of a missing tag', () => remote.resolve('missing'), { code: 'NOT_FOUND' });
    const absent = { mediaType: MediaType.ImageLayer, digest: `sha256:${'1'.repeat(64)}`, size: 1 };
    assert.equal(await givesBack('HEAD of a missing blob', () => remote.exists(absent)), false);
    assert.equal(await givesBack('HEAD of a missing manifest', () => remote.exists({ ...absent, mediaType: MediaType.ImageManifest })), false);
    await failsAndGivesBack('blob resolve of a missing blob', () => remote.resolveBlob(absent.digest), { code: 'NOT_FOUND' });
    await failsAndGivesBack('GET of a missing blob', () => remote.fetchBytes(absent), { code: 'NOT_FOUND' });
    await givesBack('tag', () => remote.tag(signed.index, 'v2'));
    assert.equal((await givesBack('resolve the tag', () => remote.resolve('v2'))).digest, signed.index.digest);
    await assert.rejects(remote.untag('v2'), { code: 'UNSUPPORTED' });
    // A referrer deleted: on a registry without the referrers API its subject's fallback index is rewritten.
    const sbom = tree.manifests![1]!.referrers.find((r: { desc: Descriptor }) => r.desc.artifactType === 'application/spdx+json')!.desc;
    await givesBack('delete a referrer', () => remote.delete(sbom));
    const after = await givesBack('discover after the delete', () => discover(remote, 'v1', { recursive: true }));
    assert.ok(!after.manifests![1]!.referrers.some((r: { desc: Descriptor }) => r.desc.digest === sbom.digest));
    await checksGiveBack(remote);
    // Registry to registry: the blobs mounted from the first repository; and in 100-byte PATCH chunks to a third.
    const other = repo(host, `${name}-mounted`);
    const mounted = await givesBack('cp -r between repositories (mounts)', () => copy(remote, 'v1', other, ['v1'], { referrers: true }));
    assert.equal(mounted.root.digest, signed.index.digest);
    const chunked = new RemoteRepository(other.client, `${name}-chunked`, { chunkSize: 100 });
    await givesBack('cp in chunks', () => copy(signed.store, 'v1', chunked, ['v1']));
    assert.deepEqual((await givesBack('a chunked blob read back', () => chunked.fetchBytes(signed.amd64))), blobOf(signed, signed.amd64));
    // `blob push` of a file: staged under no digest, then committed; and one aborted.
    const staged = await givesBack('a staged upload', () => remote.stage(Readable.from([Buffer.from('staged bytes')])));
    await givesBack('its commit', () => staged.commit());
    assert.equal((await givesBack('the staged blob read back', () => remote.fetchBytes({ mediaType: MediaType.ImageLayer, digest: staged.digest, size: staged.size }))).toString(), 'staged bytes');
    const dropped = await givesBack('a staged upload to drop', () => remote.stage(Readable.from([Buffer.from('dropped')])));
    await givesBack('its abort', () => dropped.abort());
    const names = await givesBack('repo ls (the catalog)', async () => {
      const registry = new Registry(host, { plainHttp: true, dispatcher: ledger.dispatcher });
      await registry.ping();
      return collect(registry.repositories());
    });
    assert.ok(names.includes(name) && names.includes(`${name}-mounted`), names.join(' '));
  }

  it('the in-process registry, with the referrers API: every operation', async () => {
    await everyOperation(oci.host, 'leaks/api');
    assert.ok(oci.requests.some((r) => r.method === 'POST' && r.path.includes('mount=')), 'blobs were mounted');
    assert.ok(oci.requests.some((r) => r.method === 'PATCH' && r.headers['content-range'] === '0-99'), 'a blob went up in chunks');
  });

  it('the in-process registry without the referrers API (the tag schema fallback): every operation', async () => {
    await everyOperation(tagSchema.host, 'leaks/tags');
    assert.ok(tagSchema.requests.some((r) => r.method === 'PUT' && /\/manifests\/sha256-[0-9a-f]{64}$/.test(r.path)), 'the fallback index was written');
  });

  describe('answers a registry should not give', () => {
    let bad: MisbehavingRegistry;
    before(async () => {
      bad = await startMisbehavingRegistry(oci.url);
      // Through the client's own agent: the ledger is made for each test.
      await copy(signed.store, 'v1', RemoteRepository.open(`${oci.host}/leaks/bad`, { plainHttp: true }), ['v1'], { referrers: true });
      await closeDefaultAgents(); // its 8 connections (16 descriptors with the in-process end) not kept for the rest
    });
    after(() => bad.stop());
    const big = Buffer.alloc(256 << 10, 'x'); // over undici's 64 KiB body buffer: unread, it holds its connection

    it('503 and 429 with Retry-After and a large body, then the answer', async () => {
      bad.misbehave([
        { method: 'GET', path: /\/manifests\/v1$/, times: 1, act: ({ res }) => void res.writeHead(503, { 'retry-after': '0' }).end(big) },
        { method: 'HEAD', path: /\/blobs\//, times: 1, act: ({ res }) => void res.writeHead(429, { 'retry-after': '0', 'content-length': '0' }).end() },
      ]);
      const remote = repo(bad.host, 'leaks/bad');
      const { bytes } = await givesBack('a manifest read after a 503', () => remote.fetchManifest('v1'));
      assert.deepEqual(bytes, blobOf(signed, signed.index));
      const config = (JSON.parse(blobOf(signed, signed.amd64).toString()) as { config: Descriptor }).config;
      assert.equal(await givesBack('a HEAD after a 429', () => remote.exists(config)), true);
      assert.equal(bad.requests.filter((r) => r.endsWith('/manifests/v1')).length, 2);
    });

    it('an error answer too large to read whole, retries spent', async () => {
      bad.misbehave([{ method: 'GET', path: /\/manifests\/v1$/, act: ({ res }) => void res.writeHead(500, { 'content-type': 'application/json' }).end(big) }]);
      await failsAndGivesBack('a 500 with a large body', () => repo(bad.host, 'leaks/bad', { retry: { attempts: 2 } }).fetchManifest('v1'), /500/);
    });

    it('answers too large: a manifest, a referrers page, a token', async () => {
      const huge = Buffer.alloc(MAX_MANIFEST_BYTES + 1, ' ');
      bad.misbehave([
        { method: 'GET', path: /\/leaks\/bad\/manifests\/v1$/, act: ({ res }) => void res.writeHead(200, { 'content-type': MediaType.ImageIndex }).end(huge) },
        { method: 'GET', path: /\/referrers\//, act: ({ res }) => void res.writeHead(200, { 'content-type': MediaType.ImageIndex }).end(huge) },
        { path: /\/v2\/leaks\/token\//, act: ({ res }) => void res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${bad.host}/token",service="x"` }).end(big) },
        { path: /^\/token/, act: ({ res }) => void res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.alloc((2 << 20) + 10, ' ')) },
      ]);
      const remote = repo(bad.host, 'leaks/bad');
      await failsAndGivesBack('a manifest over 4 MiB', () => remote.fetchManifest('v1'), { code: 'INVALID_MANIFEST' });
      await failsAndGivesBack('a referrers page over 4 MiB', () => collect(remote.referrers(signed.amd64)), /larger than/);
      await failsAndGivesBack('a token answer over 2 MiB', () => repo(bad.host, 'leaks/token').fetchManifest('v1'), /token answer .* is larger than/);
    });

    it('a redirect (with a body) to where the blob is', async () => {
      bad.misbehave([{ method: 'GET', path: /\/blobs\//, act: ({ req, res }) => void res.writeHead(307, { location: `${oci.url}${req.url}` }).end(big) }]);
      const config = JSON.parse(blobOf(signed, signed.amd64).toString()) as { config: Descriptor };
      const bytes = await givesBack('a blob read through a redirect', () => repo(bad.host, 'leaks/bad').fetchBytes(config.config));
      assert.deepEqual(bytes, blobOf(signed, config.config));
    });

    it('a copy aborted while a blob is half downloaded', async () => {
      let started!: () => void;
      const midway = new Promise<void>((r) => (started = r));
      bad.misbehave([
        {
          method: 'GET',
          path: /\/blobs\//,
          times: 1,
          act: async ({ res, upstream }) => {
            const answer = await upstream();
            res.writeHead(200, { 'content-length': String(answer.body.length), 'content-type': 'application/octet-stream' });
            res.write(answer.body.subarray(0, answer.body.length >> 1));
            started(); // and the rest never comes
          },
        },
      ]);
      const controller = new AbortController();
      const copying = copy(repo(bad.host, 'leaks/bad'), 'v1', await newLayout(), ['v1'], { signal: controller.signal });
      await midway;
      controller.abort();
      await assert.rejects(copying, { name: 'AbortError' });
      await ledger.assertAllGivenBack('a copy aborted midway through a download');
    });

    it('a token server that refuses the credentials', async () => {
      bad.misbehave([
        { path: /\/v2\/leaks\/token\//, act: ({ res }) => void res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${bad.host}/token",service="x"` }).end(big) },
        { path: /^\/token/, act: ({ res }) => void res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"wrong password"}') },
      ]);
      const remote = repo(bad.host, 'leaks/token', { credentials: new MemoryCredentialStore({ [bad.host]: { username: 'u', password: 'wrong' } }) });
      await failsAndGivesBack('a refused token', () => remote.fetchManifest('v1'), /answered 401/);
    });
  });

  it('a copy aborted midway, while the registry holds its uploads', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let heldOne!: () => void;
    const held = new Promise<void>((r) => (heldOne = r));
    const holding = await startOciServer({
      hold: ({ method }) => {
        if (method !== 'PUT' && method !== 'PATCH') return undefined;
        heldOne();
        return released;
      },
    });
    try {
      const controller = new AbortController();
      const copying = copy(signed.store, 'v1', repo(holding.host, 'leaks/abort'), ['v1'], { referrers: true, signal: controller.signal });
      await held;
      controller.abort();
      await assert.rejects(copying, { name: 'AbortError' });
      await ledger.assertAllGivenBack('an aborted copy');
      assert.ok(ledger.handedOut > 0);
      release();
    } finally {
      release();
      await holding.stop();
    }
  });

  it('200 mixed operations through the client\'s own agent: the registry sees at most its 8 connections, reused', async () => {
    const server = await startOciServer();
    await closeDefaultAgents(); // a pool of this test's own
    try {
      const remote = RemoteRepository.open(`${server.host}/leaks/many`, { plainHttp: true });
      await copy(signed.store, 'v1', remote, ['v1'], { referrers: true });
      const config = (JSON.parse(blobOf(signed, signed.amd64).toString()) as { config: Descriptor }).config;
      const missing = { mediaType: MediaType.ImageLayer, digest: `sha256:${'2'.repeat(64)}`, size: 1 };
      const ops: Array<(i: number) => Promise<unknown>> = [
        async () => assert.equal(await remote.exists(config), true),
        async () => assert.equal(await remote.exists(missing), false),
        async () => assert.equal((await remote.fetchManifest('v1')).desc.digest, signed.index.digest),
        () => assert.rejects(remote.fetchManifest('missing'), { code: 'NOT_FOUND' }),
        async () => assert.ok((await collect(remote.tags())).includes('v1')),
        async () => assert.equal((await collect(remote.referrers(signed.arm64))).length, 1),
        async () => assert.equal((await remote.resolve('v1')).digest, signed.index.digest),
        async () => assert.deepEqual(await remote.fetchBytes(config), blobOf(signed, config)),
        async (i) => {
          const bytes = Buffer.from(`blob ${i}`);
          const desc = { mediaType: MediaType.ImageLayer, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length };
          await remote.push(desc, bytes);
        },
        () => remote.tag(signed.amd64, 'amd64'),
      ];
      // 20 at once, more than the pool's 8: the rest queue for a connection and reuse it.
      for (let i = 0; i < 200; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => ops[(i + j) % ops.length]!(i + j)));
      assert.ok(server.connections.peak <= 8, `at most 8 open at once, saw ${server.connections.peak}`);
      assert.ok(server.connections.opened <= 8, `connections reused: ${server.connections.opened} opened for ${server.requests.length} requests`);
      assert.ok(server.requests.length > 300, String(server.requests.length));
    } finally {
      await closeDefaultAgents();
      await server.stop();
    }
  });

  const describeRegistry = hasDockerRegistry() ? describe : describe.skip;
  describeRegistry('distribution 2.8', () => {
    let plain: LaunchedRegistry;
    let authed: LaunchedRegistry;
    let tokens: TokenServer;
    before(async () => {
      tokens = await startTokenServer({ users: { alice: 'secret' } });
      [plain, authed] = await Promise.all([launchRegistry(), launchRegistry({ mode: 'token', tokenServer: tokens })]);
    });
    after(async () => {
      await Promise.all([plain?.stop(), authed?.stop()]);
      await tokens?.stop();
    });

    it('every operation (no referrers API: the tag schema)', async () => {
      await everyOperation(plain.host, 'leaks/dist');
    });

    it('token auth: 401, a token, then the operations; refused without credentials', async () => {
      const credentials = new MemoryCredentialStore({ [authed.host]: { username: 'alice', password: 'secret' } });
      const remote = repo(authed.host, 'leaks/auth', { credentials });
      const pushed = await givesBack('cp -r with a token', () => copy(signed.store, 'v1', remote, ['v1'], { referrers: true }));
      assert.equal(pushed.root.digest, signed.index.digest);
      assert.ok(tokens.requests.some((r) => r.user === 'alice'));
      assert.deepEqual((await givesBack('a read with a token', () => remote.fetchManifest('v1'))).bytes, blobOf(signed, signed.index));
      await failsAndGivesBack('a read without credentials', () => repo(authed.host, 'leaks/auth').fetchManifest('v1'), /401|unauthorized|UNAUTHORIZED/i);
      await failsAndGivesBack('a read with a wrong password', () => repo(authed.host, 'leaks/auth', { credentials: new MemoryCredentialStore({ [authed.host]: { username: 'alice', password: 'wrong' } }) }).fetchManifest('v1'), /answered 401/);
    });
  });
});
