import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from './builders';

describe('attach --export-manifest (as oras takes it)', () => {
  after(cleanupTemps);

  it('writes the artifact manifest made, the same bytes the layout stores', async () => {
    const { store } = await makeMultiArchLayout();
    const dir = tempDir();
    writeFileSync(join(dir, 'sbom.json'), '{"sbom":true}');
    const out = join(dir, 'm.json');
    const r = await runCli('attach', '--oci-layout', `${store.location}:multi`, '--artifact-type', 'application/vnd.example.sbom', join(dir, 'sbom.json'), '--disable-path-validation', '--export-manifest', out, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const [made] = (JSON.parse(r.stdout) as { artifacts: { digest: string }[] }).artifacts;
    assert.deepEqual(readFileSync(out), readFileSync(join(store.location, 'blobs', 'sha256', made!.digest.slice(7))));
  });

  it('one manifest: refused with --recursive or several platforms, before anything is made', async () => {
    const { store } = await makeMultiArchLayout();
    const before = readFileSync(join(store.location, 'index.json'));
    const out = join(tempDir(), 'm.json');
    for (const extra of [['--recursive'], ['--platform', 'linux/amd64', '--platform', 'linux/arm64'], ['--platform', 'linux/*']]) {
      const r = await runCli('attach', '--oci-layout', `${store.location}:multi`, '--artifact-type', 'application/vnd.example.note', '--annotation', 'k=v', '--export-manifest', out, ...extra);
      assert.equal(r.code, 1, extra.join(' '));
      assert.match(r.stderr, /^Error: --export-manifest writes the one artifact manifest attach makes: not with --recursive or several platforms/);
    }
    assert.deepEqual(readFileSync(join(store.location, 'index.json')), before);
    const one = await runCli('attach', '--oci-layout', `${store.location}:multi`, '--artifact-type', 'application/vnd.example.note', '--annotation', 'k=v', '--export-manifest', out, '--platform', 'linux/arm64');
    assert.equal(one.code, 0, one.stderr);
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { artifactType: string }).artifactType, 'application/vnd.example.note');
  });
});
