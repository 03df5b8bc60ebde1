import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoLayout } from '../../scripts/demoLayout';
import { tempDir } from '../helpers/peerLayouts';
import { runCli } from '../helpers/runCli';
import { hasDockerRegistry, launchRegistry, type LaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('index diff and layout tar across a layout and a registry (docker-registry)', function () {
  this.timeout(120_000);
  let registry: LaunchedRegistry;
  let tmp: { dir: string; cleanup(): void };
  let layout: string;
  let demo: Awaited<ReturnType<typeof generateDemoLayout>>;
  let dockerConfig: string | undefined;
  before(async () => {
    registry = await launchRegistry();
    tmp = tempDir();
    dockerConfig = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = join(tmp.dir, 'docker');
    layout = join(tmp.dir, 'layout');
    demo = await generateDemoLayout(layout);
    const r = await runCli('cp', '--from-oci-layout', `${layout}:v1`, `${registry.host}/app:v1`, '-r', '--plain-http');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await registry?.stop();
    if (dockerConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = dockerConfig;
    tmp?.cleanup();
  });

  it('a layout index and its copy on the registry: no differences, referrers found through the fallback tag', async () => {
    const r = await runCli('manifest', 'index', 'diff', '--from-oci-layout', `${layout}:v1`, `${registry.host}/app:v1`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `--- ${layout}:v1 ${demo.index.digest}\n+++ ${registry.host}/app:v1 ${demo.index.digest}\nNo differences: the same index\n`);
  });

  it('a registry index against a smaller layout index (--to-oci-layout): the platform, annotation and referrer it lacks', async () => {
    const c = await runCli('manifest', 'index', 'create', '--oci-layout', `${layout}:v2`, 'linux-amd64', '-a', 'org.opencontainers.image.version=2');
    assert.equal(c.code, 0, c.stderr);
    const v2 = c.stdout.match(/Digest: (sha256:[0-9a-f]{64})/)![1]!;
    const arm64 = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', demo.index.digest.slice(7)), 'utf8')).manifests.find(
      (m: { platform: { architecture: string } }) => m.platform.architecture === 'arm64',
    );
    const r = await runCli('manifest', 'index', 'diff', '--to-oci-layout', `${registry.host}/app:v1`, `${layout}:v2`, '--plain-http');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        `--- ${registry.host}/app:v1 ${demo.index.digest}`,
        `+++ ${layout}:v2 ${v2}`,
        `- platform linux/arm64/v8 ${arm64.digest} (image, 1 layer, 107 bytes)`,
        '+ annotation org.opencontainers.image.version=2',
        '- referrer application/spdx+json',
        '',
      ].join('\n'),
    );
  });

  it('cp from the registry to out.tar gives the same bytes as from the layout', async () => {
    const fromRegistry = await runCli('cp', `${registry.host}/app:v1`, '--to-oci-layout', join(tmp.dir, 'r.tar:v1'), '-r', '--plain-http');
    assert.equal(fromRegistry.code, 0, fromRegistry.stderr);
    const fromLayout = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${layout}:v1`, join(tmp.dir, 'l.tar:v1'), '-r');
    assert.equal(fromLayout.code, 0, fromLayout.stderr);
    assert.ok(readFileSync(join(tmp.dir, 'r.tar')).equals(readFileSync(join(tmp.dir, 'l.tar'))));
  });

  it('names the registry reference that cannot be read', async () => {
    const r = await runCli('manifest', 'index', 'diff', '--from-oci-layout', `${layout}:v1`, `${registry.host}/app:nope`, '--plain-http');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error: ${registry.host}/app:nope`, 'm'));
  });
});
