import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOciServer, type OciServer } from '../integration/support';
import { startMisbehavingRegistry, type MisbehavingRegistry } from '../helpers/misbehavingRegistry';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeMultiArchLayout, newLayout } from './builders';

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

  describe('a registry whose tag list holds such a name', function () {
    this.timeout(30_000);
    let upstream: OciServer;
    let proxy: MisbehavingRegistry;
    before(async () => {
      upstream = await startOciServer();
      const { store } = await makeMultiArchLayout();
      const r = await runCli('cp', '--from-oci-layout', `${store.location}:multi`, `${upstream.host}/app:v1`, '--plain-http');
      assert.equal(r.code, 0, r.stderr);
      proxy = await startMisbehavingRegistry(upstream.url);
    });
    after(async () => {
      await proxy?.stop();
      await upstream?.stop();
    });

    it('repo tags --format text prints it quoted and escaped; JSON of the names is the registry\'s', async () => {
      const tags = ['v1', names.rlo];
      proxy.misbehave([{ method: 'GET', path: /\/tags\/list/, act: (x) => void x.res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'app', tags })) }]);
      const r = await runCli('repo', 'tags', `${proxy.host}/app`, '--plain-http', '--format', 'text');
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'v1\n"v1\\u202e3.0.1"\n', '']);
    });

    it('repo tags (table, JSON) lists the tags it can read and names the other, escaped, on stderr: it is never sent back', async () => {
      const tags = ['v1', names.rlo];
      proxy.misbehave([{ method: 'GET', path: /\/tags\/list/, act: (x) => void x.res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'app', tags })) }]);
      const problem = `Error: tag "v1\\u202e3.0.1": ${proxy.host}/app lists it, but it is not a valid tag (a tag is 1 to 128 of [A-Za-z0-9_.-], not starting with . or -), so it was not read\n`;
      const table = await runCli('repo', 'tags', `${proxy.host}/app`, '--plain-http');
      assert.deepEqual([table.code, table.stderr], [1, problem]);
      assert.deepEqual(table.stdout.trimEnd().split('\n').slice(1).map((r) => r.split(/\s+/)[0]), ['v1']);
      const json = await runCli('repo', 'tags', `${proxy.host}/app`, '--plain-http', '--format', 'json');
      assert.deepEqual([json.code, json.stderr], [1, problem]);
      assert.deepEqual(JSON.parse(json.stdout).tags.map((t: { name: string }) => t.name), ['v1']);
      assert.ok(!proxy.requests.some((r) => /manifests\/v1(%E2%80%AE|\u202e)/i.test(r)), proxy.requests.join('\n'));
    });

    it('repo ls prints a repository name from the catalog holding one quoted, escaped; JSON keeps it', async () => {
      const repositories = ['app', 'ev\u202eil'];
      proxy.misbehave([{ method: 'GET', path: /\/_catalog/, act: (x) => void x.res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ repositories })) }]);
      const r = await runCli('repo', 'ls', proxy.host, '--plain-http');
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'app\n"ev\\u202eil"\n', '']);
      const json = await runCli('repo', 'ls', proxy.host, '--plain-http', '--format', 'json');
      assert.deepEqual(JSON.parse(json.stdout).repositories, repositories);
    });

    it('check of the repository names it as a tag it cannot resolve, quoted and escaped, in its head and its message', async () => {
      const tags = ['v1', names.rlo];
      proxy.misbehave([{ method: 'GET', path: /\/tags\/list/, act: (x) => void x.res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'app', tags })) }]);
      const r = await runCli('check', `${proxy.host}/app`, '--plain-http', '--no-referrers');
      assert.equal(r.code, 1, r.stderr);
      assert.ok(!/\u202e/.test(r.stdout + r.stderr), JSON.stringify(r.stdout + r.stderr));
      assert.match(r.stdout, /^"v1\\u202e3\.0\.1"\n  error   the tag is listed but cannot be resolved: invalid tag "v1\\u202e3\.0\.1": a tag is 1 to 128/m);
    });
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
