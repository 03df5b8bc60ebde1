import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeIndex, newLayout, tempDir } from './builders';

after(cleanupTemps);

/** Tags `bad`: an index of amd64 and arm64 whose second child's size is the string "<size>" (as another tool may write it). */
async function indexWithStringSize(): Promise<{ dir: string; index: string; bad: string }> {
  const store = await newLayout();
  const amd = await makeImage(store, { arch: 'amd64' });
  const arm = await makeImage(store, { arch: 'arm64' });
  const good = await makeIndex(store, [amd, arm]);
  const dir = store.location;
  const doc = JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', good.digest.slice(7)), 'utf8'));
  (doc.manifests[1] as { size: unknown }).size = String((doc.manifests[1] as Descriptor).size);
  const bytes = Buffer.from(JSON.stringify(doc));
  const hex = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
  await store.tag({ mediaType: good.mediaType, digest: `sha256:${hex}`, size: bytes.length }, 'bad');
  return { dir, index: join(dir, 'index.json'), bad: `sha256:${hex}` };
}

describe('an index whose child descriptor is malformed (size "524")', () => {
  it('fetch-config, cp and pull of that platform, and attach --recursive, name the index and the child; nothing is written', async () => {
    const l = await indexWithStringSize();
    const before = readFileSync(l.index);
    const out = tempDir();
    const said = (code: number, stderr: string): void => {
      assert.equal(code, 1);
      assert.match(stderr, new RegExp(`^Error: index ${l.bad}: manifests\\[1\\]\\.size: size must be a number, not a string\\n`));
    };
    const config = await runCli('manifest', 'fetch-config', '--oci-layout', `${l.dir}:bad`, '--platform', 'linux/arm64');
    said(config.code, config.stderr);
    const copied = await runCli('cp', '--from-oci-layout', '--to-oci-layout', `${l.dir}:bad`, `${join(out, 'copy')}:v1`, '--platform', 'linux/arm64');
    said(copied.code, copied.stderr);
    assert.equal(existsSync(join(out, 'copy', 'index.json')) && readFileSync(join(out, 'copy', 'index.json'), 'utf8').includes('ref.name'), false, 'nothing tagged');
    const attached = await runCli('attach', '--oci-layout', `${l.dir}:bad`, '--artifact-type', 'application/vnd.test', '--recursive', '--annotation', 'a=b');
    said(attached.code, attached.stderr);
    assert.ok(readFileSync(l.index).equals(before), 'index.json as it was');
    // The other platform is still read as listed.
    const amd = await runCli('manifest', 'fetch-config', '--oci-layout', `${l.dir}:bad`, '--platform', 'linux/amd64');
    assert.deepEqual([amd.code, amd.stderr], [0, '']);
  });
});
