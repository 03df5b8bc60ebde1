// `push --image-spec v1.1|v1.0` and `push --artifact-platform` (oras 1.3): the manifest bytes are the ones oras writes
// for the same input, spelled out here from oras-go's packing rules (PackManifestVersion1_0 / 1_1, Go's field order),
// so the digest is oras's.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushArtifact } from '../../src/oci/artifacts/push';
import { OciLayoutStore } from '../../src/oci/layout';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const CREATED = '2026-01-01T00:00:00Z';
const EMPTY = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

describe('push --image-spec and --artifact-platform', () => {
  let dir: string;
  let hiLayer: string;
  before(() => {
    dir = tempDir();
    writeFileSync(join(dir, 'hi.txt'), 'hi\n');
    hiLayer = `{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"${sha('hi\n')}","size":3,"annotations":{"org.opencontainers.image.title":"hi.txt"}}`;
  });
  after(cleanupTemps);

  /** Pushes into a fresh layout with a fixed `created`; the manifest's bytes and what push printed as JSON. */
  async function push(name: string, ...args: string[]) {
    const r = await runCliIn(dir, 'push', '--oci-layout', `${name}:v1`, '-a', `org.opencontainers.image.created=${CREATED}`, '--format', 'json', ...args);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as { digest: string; artifactType: string };
    const store = await OciLayoutStore.open(join(dir, name));
    const desc = await store.resolve('v1');
    return { printed, raw: (await store.fetchBytes(desc)).toString('utf8'), store };
  }

  it('v1.0 with --artifact-type: no artifactType field, the type is the {} config\'s media type', async () => {
    const { printed, raw, store } = await push('v10', '--image-spec', 'v1.0', '--artifact-type', 'application/vnd.demo', 'hi.txt');
    const expected = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.demo","digest":"${EMPTY}","size":2},"layers":[${hiLayer}],"annotations":{"org.opencontainers.image.created":"${CREATED}"}}`;
    assert.equal(raw, expected);
    assert.equal(printed.digest, sha(expected));
    assert.equal(printed.artifactType, 'application/vnd.demo');
    assert.equal((await store.fetchBytes({ mediaType: 'application/vnd.demo', digest: EMPTY, size: 2 })).toString(), '{}');
  });

  it('v1.0 without a type or files: the unknown config type and no layer at all', async () => {
    const { printed, raw } = await push('v10bare', '--image-spec', 'v1.0');
    const expected = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.unknown.config.v1+json","digest":"${EMPTY}","size":2},"layers":[],"annotations":{"org.opencontainers.image.created":"${CREATED}"}}`;
    assert.equal(raw, expected);
    assert.equal(printed.digest, sha(expected));
    assert.equal(printed.artifactType, 'application/vnd.unknown.config.v1+json');
  });

  it('v1.1 given is the default: the same bytes as no flag', async () => {
    const given = await push('v11', '--image-spec', 'v1.1', '--artifact-type', 'application/vnd.demo', 'hi.txt');
    const plain = await push('v11plain', '--artifact-type', 'application/vnd.demo', 'hi.txt');
    const expected = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.demo","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"${EMPTY}","size":2,"data":"e30="},"layers":[${hiLayer}],"annotations":{"org.opencontainers.image.created":"${CREATED}"}}`;
    assert.equal(given.raw, expected);
    assert.equal(plain.raw, expected);
  });

  it('--config without --artifact-type is v1.0 unless v1.1 is asked for, which is refused', async () => {
    writeFileSync(join(dir, 'config.json'), '{"a":1}');
    const { raw } = await push('cfg', '--config', 'config.json:application/vnd.me.config', 'hi.txt');
    assert.equal(raw, `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.me.config","digest":"${sha('{"a":1}')}","size":7},"layers":[${hiLayer}],"annotations":{"org.opencontainers.image.created":"${CREATED}"}}`);
    const refused = await runCliIn(dir, 'push', '--oci-layout', 'cfg11:v1', '--image-spec', 'v1.1', '--config', 'config.json', 'hi.txt');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^Error: --image-spec v1.1 with --config needs --artifact-type \(or use --image-spec v1.0\)\n/);
  });

  it('--artifact-platform: the config is the platform (Go field order), of the image config type', async () => {
    const { printed, raw, store } = await push('plat', '--artifact-platform', 'linux/arm/v5', 'hi.txt');
    const config = '{"architecture":"arm","os":"linux","variant":"v5"}';
    const expected = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.unknown.artifact.v1","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${sha(config)}","size":${config.length}},"layers":[${hiLayer}],"annotations":{"org.opencontainers.image.created":"${CREATED}"}}`;
    assert.equal(raw, expected);
    assert.equal(printed.digest, sha(expected));
    assert.equal((await store.fetchBytes({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length })).toString(), config);
  });

  it('--artifact-platform with v1.0, an os.version, and an os alone (this machine\'s architecture, as oras)', async () => {
    const v10 = await push('plat10', '--image-spec', 'v1.0', '--artifact-platform', 'windows/amd64:10.0.17763', 'hi.txt');
    const config = '{"architecture":"amd64","os":"windows","os.version":"10.0.17763"}';
    assert.equal(v10.raw, `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${sha(config)}","size":${config.length}},"layers":[${hiLayer}],"annotations":{"org.opencontainers.image.created":"${CREATED}"}}`);
    assert.equal(v10.printed.artifactType, 'application/vnd.oci.image.config.v1+json');
    const alone = await push('platos', '--artifact-platform', 'linux', 'hi.txt');
    const arch = GOARCH[process.arch] ?? process.arch;
    assert.ok(alone.raw.includes(`"digest":"${sha(`{"architecture":"${arch}","os":"linux"}`)}"`), alone.raw);
  });

  it('refuses what oras refuses, before anything is written', async () => {
    writeFileSync(join(dir, 'config.json'), '{"a":1}');
    const cases: [string[], RegExp][] = [
      [['--image-spec', 'v2'], /^Error: unknown --image-spec "v2": use v1.1 or v1.0\n/],
      [['--config', 'config.json', '--artifact-platform', 'linux/amd64'], /^Error: --config and --artifact-platform cannot both be given/],
      [['--image-spec', 'v1.0', '--config', 'config.json', '--artifact-type', 'application/vnd.demo'], /^Error: --artifact-type and --config cannot both be given for --image-spec v1.0/],
      [['--image-spec', 'v1.0', '--artifact-platform', 'linux/amd64', '--artifact-type', 'application/vnd.demo'], /^Error: --artifact-type cannot be given with --artifact-platform for --image-spec v1.0/],
      [['--artifact-platform', 'linux/amd64/v8/x'], /^Error: --artifact-platform "linux\/amd64\/v8\/x": expected os\[\/arch\]\[\/variant\]\[:os.version\]\n/],
    ];
    for (const [flags, message] of cases) {
      const r = await runCliIn(dir, 'push', '--oci-layout', 'refused:v1', ...flags, 'hi.txt');
      assert.equal(r.code, 1, flags.join(' '));
      assert.match(r.stderr, message);
    }
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(join(dir, 'refused')), false);
  });

  it('the core refuses the same combinations for any caller (the extension too), storing nothing', async () => {
    const store = await OciLayoutStore.open(join(dir, 'core'), { create: true });
    const config = { path: join(dir, 'config.json') };
    const cases: [Parameters<typeof pushArtifact>[1], RegExp][] = [
      [{ imageSpec: 'v1.1', config }, /image-spec v1.1 artifact with a config needs an artifact type/],
      [{ imageSpec: 'v1.0', config, artifactType: 'application/vnd.demo' }, /an artifact type and a config cannot both be given for an image-spec v1.0 manifest/],
      [{ imageSpec: 'v1.0', platform: { os: 'linux', architecture: 'amd64' }, artifactType: 'application/vnd.demo' }, /artifact type cannot be given for an image-spec v1.0 manifest with a platform/],
      [{ config, platform: { os: 'linux', architecture: 'amd64' } }, /a config and an artifact platform cannot both be given/],
      [{ imageSpec: 'v2' as 'v1.0' }, /unknown image-spec "v2"/],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(pushArtifact(store, { tags: ['v1'], files: [{ path: join(dir, 'hi.txt') }], disablePathValidation: true, ...options }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'INVALID_ARGUMENT');
        assert.match(err.message, message);
        return true;
      });
    }
    await assert.rejects(store.resolve('v1'), /not found/);
  });
});
