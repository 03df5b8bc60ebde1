import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, newLayout } from './builders';

after(cleanupTemps);

describe('repo tags on an index.json whose tag names hold control characters', () => {
  it('prints such a name quoted, so it cannot pass for other rows or other tags; other names as they are', async () => {
    const store = await newLayout();
    const img = await makeImage(store, { arch: 'amd64' });
    await store.tag(img, 'v1');
    const index = join(store.location, 'index.json');
    // Another tool wrote these ref.name values; the second would print as a row of its own.
    const doc = JSON.parse(readFileSync(index, 'utf8'));
    const spoof = `x\nlatest  ${img.digest}  image  linux/amd64`;
    for (const name of ['bad tag', spoof, 'esc\u001b[31mred', 'csi\u009b31m']) {
      doc.manifests.push({ ...doc.manifests[0], annotations: { 'org.opencontainers.image.ref.name': name } });
    }
    writeFileSync(index, JSON.stringify(doc));
    const text = await runCli('repo', 'tags', '--oci-layout', store.location, '--format', 'text');
    assert.deepEqual([text.code, text.stderr], [0, '']);
    assert.deepEqual(text.stdout.split('\n'), ['bad tag', '"csi\\u009b31m"', JSON.stringify('esc\u001b[31mred'), 'v1', JSON.stringify(spoof), '']);
    const table = await runCli('repo', 'tags', '--oci-layout', store.location);
    assert.equal(table.code, 0);
    const lines = table.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 6, table.stdout);
    assert.ok(lines[5]!.startsWith(`${JSON.stringify(spoof)}  ${img.digest}`), lines[5]);
    const json = await runCli('repo', 'tags', '--oci-layout', store.location, '--format', 'json');
    assert.ok(JSON.parse(json.stdout).tags.some((t: { name: string }) => t.name === spoof), 'JSON keeps the name itself');
  });
});
