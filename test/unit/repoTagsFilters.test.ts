import assert from 'node:assert/strict';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout } from './builders';

describe('repo tags --last and --exclude-digest-tags (as oras takes them)', () => {
  after(cleanupTemps);

  it('lists the tags after --last by name, and leaves out digest-like tags when asked; text, table and JSON alike', async () => {
    const store = await newLayout();
    const image = await makeImage(store, { arch: 'amd64' });
    const cosign = `sha256-${image.digest.slice(7)}.sig`;
    for (const t of ['a', 'b', 'c', cosign, 'v1']) await store.tag(image, t);
    const tags = async (...flags: string[]) => {
      const r = await runCli('repo', 'tags', '--oci-layout', store.location, '--format', 'text', ...flags);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim().split('\n');
    };
    assert.deepEqual(await tags(), ['a', 'b', 'c', cosign, 'v1']);
    assert.deepEqual(await tags('--last', 'b'), ['c', cosign, 'v1']);
    assert.deepEqual(await tags('--exclude-digest-tags'), ['a', 'b', 'c', 'v1']);
    assert.deepEqual(await tags('--last', 'b', '--exclude-digest-tags'), ['c', 'v1']);
    const json = await runCli('repo', 'tags', '--oci-layout', store.location, '--format', 'json', '--last', 'c', '--exclude-digest-tags');
    assert.deepEqual((JSON.parse(json.stdout) as { tags: { name: string }[] }).tags.map((t) => t.name), ['v1']);
    const table = await runCli('repo', 'tags', '--oci-layout', store.location, '--last', 'c');
    assert.deepEqual(table.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), [cosign, 'v1']);
  });
});
