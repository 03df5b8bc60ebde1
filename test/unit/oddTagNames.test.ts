import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, newLayout } from './builders';

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

// A right-to-left override (U+202E) shows what follows it reversed: `v1\u202e3.0.1` reads as `v11.0.3`. Such a name, or
// one holding a zero-width space or a BOM, is quoted with the character escaped, as `manifold repo tags` prints a
// control character, and as the extension shows it.
describe('repo tags on names holding invisible format characters', () => {
  const names = { rlo: 'v1\u202e3.0.1', zwsp: 'latest\u200b', bom: '\ufeffv1' };

  it('a layout: the name quoted, the character escaped, in the text list, the table and the error line; JSON keeps it', async () => {
    const store = await newLayout();
    const img = await makeImage(store, { arch: 'amd64' });
    await store.tag(img, 'v1');
    const index = join(store.location, 'index.json');
    const doc = JSON.parse(readFileSync(index, 'utf8'));
    for (const name of Object.values(names)) doc.manifests.push({ ...doc.manifests[0], annotations: { 'org.opencontainers.image.ref.name': name } });
    // One whose manifest is missing: its stderr line names it the same way.
    doc.manifests.push({ ...doc.manifests[0], digest: `sha256:${'0'.repeat(64)}`, annotations: { 'org.opencontainers.image.ref.name': 'gone\u202e' } });
    writeFileSync(index, JSON.stringify(doc));

    const text = await runCli('repo', 'tags', '--oci-layout', store.location, '--format', 'text');
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual(text.stdout.split('\n'), ['"gone\\u202e"', '"latest\\u200b"', 'v1', '"v1\\u202e3.0.1"', '"\\ufeffv1"', '']);

    const table = await runCli('repo', 'tags', '--oci-layout', store.location);
    assert.equal(table.code, 1);
    assert.ok(!/[\u200b\u202e\ufeff]/.test(table.stdout + table.stderr), JSON.stringify(table.stdout + table.stderr));
    const rows = table.stdout.trimEnd().split('\n').slice(1);
    assert.deepEqual(rows.map((r) => r.split(/\s+/)[0]), ['"gone\\u202e"', '"latest\\u200b"', 'v1', '"v1\\u202e3.0.1"', '"\\ufeffv1"']);
    assert.match(table.stderr, /^Error: tag "gone\\u202e": /m);

    const json = await runCli('repo', 'tags', '--oci-layout', store.location, '--format', 'json');
    assert.deepEqual(JSON.parse(json.stdout).tags.map((t: { name: string }) => t.name).sort(), ['gone\u202e', ...Object.values(names), 'v1'].sort());
  });
});

describe('other output that shows what another tool stored', () => {
  it('check names a tag holding a bidi override or an escape sequence quoted, escaped; its JSON keeps the name', async () => {
    const store = await newLayout();
    const img = await makeImage(store, { arch: 'amd64' });
    await store.tag(img, 'v1');
    const index = join(store.location, 'index.json');
    const doc = JSON.parse(readFileSync(index, 'utf8'));
    const name = 'gone\u202e\u001b[31m';
    doc.manifests.push({ ...doc.manifests[0], digest: `sha256:${'0'.repeat(64)}`, annotations: { 'org.opencontainers.image.ref.name': name } });
    writeFileSync(index, JSON.stringify(doc));
    const r = await runCli('check', '--oci-layout', store.location);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^"gone\\u202e\\u001b\[31m" \(000000000000\)$/m);
    assert.ok(!/[\u001b\u202e]/.test(r.stdout), JSON.stringify(r.stdout));
    const json = await runCli('check', '--oci-layout', store.location, '--format', 'json');
    assert.ok(JSON.parse(json.stdout).problems.some((p: { where: string }) => p.where === name), json.stdout);
  });

  it('discover\'s tree shows an annotation key or value holding one quoted, escaped; its JSON keeps them', async () => {
    const store = await newLayout();
    const img = await makeImage(store, { arch: 'amd64' });
    await store.tag(img, 'v1');
    const annotations = { 'vnd.example.note': 'safe\u202eevil\u001b[2J', 'vnd.example\u200b.key': 'plain' };
    await makeArtifact(store, { subject: img, artifactType: 'application/vnd.example.sig', annotations });
    const r = await runCli('discover', '--oci-layout', `${store.location}:v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /── vnd\.example\.note: "safe\\u202eevil\\u001b\[2J"$/m);
    assert.match(r.stdout, /── "vnd\.example\\u200b\.key": plain$/m);
    assert.ok(!/[\u001b\u200b\u202e]/.test(r.stdout), JSON.stringify(r.stdout));
    const json = await runCli('discover', '--oci-layout', `${store.location}:v1`, '--format', 'json');
    assert.deepEqual(JSON.parse(json.stdout).referrers[0].annotations, annotations);
  });
});
