// The two scenarios of issue #5, end to end through the command line, asserting what is stored and read back.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor, ImageManifest } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import type { OciLayoutStore } from '../../src/oci/layout';
import { runCli, type CliResult } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout, tempDir } from './builders';

const EOL_TYPE = 'application/vnd.demo.artifact.lifecycle';
const EOL_KEY = 'vnd.demo.artifact.lifecycle.end-of-life.date';

interface JsonNode {
  reference: string;
  digest: string;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
  artifactType?: string;
  referrers: JsonNode[];
  manifests?: JsonNode[];
}

function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, r.stderr);
  return r;
}

/** A layout with linux/amd64 and linux/arm64 images and the multi-arch image `a1` over them, made by the CLI. */
async function multiArchA1(): Promise<{ store: OciLayoutStore; dir: string; amd64: Descriptor; arm64: Descriptor; a1: string }> {
  const store = await newLayout();
  const amd64 = await makeImage(store, { arch: 'amd64' });
  const arm64 = await makeImage(store, { arch: 'arm64' });
  await store.tag(amd64, 'linux-amd64');
  await store.tag(arm64, 'linux-arm64');
  const dir = store.location;
  const created = ok(await runCli('manifest', 'index', 'create', '--oci-layout', `${dir}:a1`, 'linux-amd64', 'linux-arm64'));
  const a1 = created.stdout.match(/^Digest: (\S+)$/m)![1]!;
  return { store, dir, amd64, arm64, a1 };
}

after(cleanupTemps);

describe('scenario: end of life on a multi-arch image and all its platform images, in one step', () => {
  it('marks a1 and each child, shows it on each with discover --recursive, and leaves z1 unmarked', async () => {
    const { store, dir, amd64, arm64, a1 } = await multiArchA1();
    // amd64 is patched; z1 is a1 with the old amd64 replaced.
    const patched = await makeImage(store, { arch: 'amd64', seed: 'patched' });
    await store.tag(patched, 'linux-amd64-patched');
    const updated = ok(await runCli('manifest', 'index', 'update', '--oci-layout', `${dir}@${a1}`, '--remove', amd64.digest, '--add', 'linux-amd64-patched', '--tag', 'z1'));
    const z1 = updated.stdout.match(/^Digest: (\S+)$/m)![1]!;
    assert.notEqual(z1, a1);
    assert.equal((await store.resolve('a1')).digest, a1, 'a1 still names the old index');

    const attached = ok(await runCli('attach', '--oci-layout', `${dir}:a1`, '--artifact-type', EOL_TYPE, '--recursive', '--annotation', `${EOL_KEY}=2027-01-01`));
    const lines = attached.stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.filter((l) => l.startsWith('Attached to')),
      [a1, amd64.digest, arm64.digest].map((d) => `Attached to [oci-layout] ${dir}@${d}`),
    );
    assert.equal(lines.filter((l) => /^Digest: sha256:[0-9a-f]{64}$/.test(l)).length, 3);

    // What discover reads back: the mark on a1 and on each of its platform images.
    const tree = JSON.parse(ok(await runCli('discover', '--oci-layout', `${dir}:a1`, '--recursive', '--format', 'json')).stdout) as JsonNode;
    const nodes = [tree, ...tree.manifests!];
    assert.deepEqual(nodes.map((n) => n.digest), [a1, amd64.digest, arm64.digest]);
    assert.deepEqual(nodes.map((n) => n.platform && `${n.platform.os}/${n.platform.architecture}`), [undefined, 'linux/amd64', 'linux/arm64']);
    for (const n of nodes) {
      assert.equal(n.referrers.length, 1, n.reference);
      assert.equal(n.referrers[0]!.artifactType, EOL_TYPE);
      assert.equal(n.referrers[0]!.annotations?.[EOL_KEY], '2027-01-01');
    }
    // The stored manifests refer to those subjects.
    for (const n of nodes) {
      const r = n.referrers[0]!;
      const bytes = await store.fetchBytes(await store.resolve(r.digest));
      assert.equal(digestOf(bytes), r.digest);
      assert.equal((JSON.parse(bytes.toString()) as ImageManifest).subject?.digest, n.digest);
    }

    const text = ok(await runCli('discover', '--oci-layout', `${dir}:a1`, '--recursive')).stdout;
    const sections = text.split('\n\n');
    assert.deepEqual(sections.map((s) => s.split('\n')[0]), ['Image index', 'Image manifest [1] linux/amd64', 'Image manifest [2] linux/arm64']);
    for (const s of sections) assert.match(s, new RegExp(`${EOL_TYPE.replace(/\./g, '\\.')}\\n.*sha256:[0-9a-f]{64}\\n.*\\[annotations\\][\\s\\S]*${EOL_KEY.replace(/\./g, '\\.')}: "2027-01-01"`));

    // z1 itself, and its patched amd64, carry no end-of-life mark.
    const zTree = JSON.parse(ok(await runCli('discover', '--oci-layout', `${dir}:z1`, '--recursive', '--format', 'json')).stdout) as JsonNode;
    assert.equal(zTree.digest, z1);
    assert.deepEqual(zTree.referrers, []);
    const zPatched = zTree.manifests!.find((m) => m.digest === patched.digest)!;
    assert.deepEqual(zPatched.referrers, []);
    assert.deepEqual(JSON.parse(ok(await runCli('discover', '--oci-layout', `${dir}:z1`, '--format', 'json')).stdout).referrers, []);
  });
});

describe('scenario: a signature for the index and for each platform, in one command', () => {
  it('attaches a1.sig to the index, b1.sig to linux/amd64 and c1.sig to linux/arm64', async () => {
    const { store, dir, amd64, arm64, a1 } = await multiArchA1();
    const work = tempDir();
    const content = { 'a1.sig': 'signature of the index\n', 'b1.sig': 'signature of linux/amd64\n', 'c1.sig': 'signature of linux/arm64\n' };
    for (const [name, text] of Object.entries(content)) writeFileSync(join(work, name), text);
    const cwd = process.cwd();
    process.chdir(work);
    let r: CliResult;
    try {
      r = await runCli(
        'attach', '--oci-layout', `${dir}:a1`, '--artifact-type', 'application/vnd.demo.signature',
        'a1.sig', '--platform', 'linux/amd64=b1.sig', '--platform', 'linux/arm64=c1.sig', '--format', 'json',
      );
    } finally {
      process.chdir(cwd);
    }
    ok(r);
    const made = (JSON.parse(r.stdout) as { artifacts: Array<{ digest: string; subject: { digest: string } }> }).artifacts;
    assert.deepEqual(made.map((a) => a.subject.digest), [a1, amd64.digest, arm64.digest]);

    const tree = JSON.parse(ok(await runCli('discover', '--oci-layout', `${dir}:a1`, '--recursive', '--format', 'json')).stdout) as JsonNode;
    const expected: Array<[JsonNode, keyof typeof content]> = [[tree, 'a1.sig'], [tree.manifests![0]!, 'b1.sig'], [tree.manifests![1]!, 'c1.sig']];
    for (const [node, name] of expected) {
      assert.equal(node.referrers.length, 1, name);
      const manifest = JSON.parse((await store.fetchBytes(await store.resolve(node.referrers[0]!.digest))).toString()) as ImageManifest;
      assert.equal(manifest.layers.length, 1);
      const layer = manifest.layers[0]!;
      assert.equal(layer.annotations?.['org.opencontainers.image.title'], name);
      assert.equal(layer.digest, digestOf(Buffer.from(content[name])));
      assert.equal((await store.fetchBytes(layer)).toString(), content[name]);
    }
  });
});
