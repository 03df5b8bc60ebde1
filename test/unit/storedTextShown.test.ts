// Text another tool stored, other than tag names, on its way to a terminal: a platform's os or architecture, an
// annotation, a layer's file name. Each holding a character that cannot be seen (a right-to-left override, an
// escape sequence) is shown quoted with it escaped, as shownName shows names; JSON output keeps the text exact.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, newLayout, tempDir } from './builders';

after(cleanupTemps);

const RLO = '\u202e';
const UNSEEN = /[\u001b\u200b\u202e]/;
const plain = (r: { stdout: string; stderr: string }) => assert.ok(!UNSEEN.test(r.stdout + r.stderr), JSON.stringify(r.stdout + r.stderr));

describe('stored text other than tags, as the CLI shows it', () => {
  let dir: string;
  let oddOs: string;
  before(async () => {
    const store = await newLayout();
    dir = store.location;
    oddOs = `li${RLO}xun`;
    const odd = await makeImage(store, { os: oddOs, arch: 'amd64' });
    const arm = await makeImage(store, { arch: 'arm64', annotations: { 'org.opencontainers.image.created': `2024${RLO}-01-01` } });
    await store.tag(await makeIndex(store, [odd, arm], { annotations: { 'vnd.example.note': 'v1' } }), 'v1');
    await store.tag(await makeIndex(store, [odd, arm], { annotations: { 'vnd.example.note': `a${RLO}b\u001b[2J` } }), 'v2');
  });

  it('repo tags: a platform with such a character is quoted, escaped; JSON keeps it', async () => {
    const r = await runCli('repo', 'tags', '--oci-layout', dir);
    assert.equal(r.code, 0, r.stderr);
    plain(r);
    assert.match(r.stdout, /^v1 .* multi-arch \("li\\u202exun\/amd64", linux\/arm64\)$/m);
    const json = await runCli('repo', 'tags', '--oci-layout', dir, '--format', 'json');
    assert.deepEqual(JSON.parse(json.stdout).tags.find((t: { name: string }) => t.name === 'v1').platforms, [`${oddOs}/amd64`, 'linux/arm64']);
  });

  it('discover -r and coverage label that platform so', async () => {
    const d = await runCli('discover', '--oci-layout', `${dir}:v1`, '--recursive');
    assert.equal(d.code, 0, d.stderr);
    plain(d);
    assert.match(d.stdout, /^Image manifest \[1\] "li\\u202exun\/amd64"$/m);
    const c = await runCli('coverage', '--oci-layout', `${dir}:v1`);
    assert.equal(c.code, 0, c.stderr);
    plain(c);
    assert.match(c.stdout, /^"li\\u202exun\/amd64" sha256:/m);
  });

  it('an error listing the platforms an index has names that one so', async () => {
    const r = await runCli('manifest', 'fetch', '--oci-layout', `${dir}:v1`, '--platform', 'linux/s390x');
    assert.equal(r.code, 1);
    plain(r);
    assert.match(r.stderr, /it has "li\\u202exun\/amd64", linux\/arm64/);
  });

  it('index diff shows an annotation value and a platform holding one quoted, escaped', async () => {
    const r = await runCli('manifest', 'index', 'diff', '--oci-layout', `${dir}:v1`, `${dir}:v2`);
    plain(r);
    assert.match(r.stdout, /^~ annotation vnd\.example\.note: v1 -> "a\\u202eb\\u001b\[2J"$/m);
  });

  it('check quotes a stored value its message names, escaped', async () => {
    const r = await runCli('check', '--oci-layout', `${dir}:v1`);
    plain(r);
    assert.match(r.stdout, /org\.opencontainers\.image\.created "2024\\u202e-01-01" is not an RFC 3339 date-time/);
  });

  it('pull names a layer\'s file name holding one so; the file is written under the name itself', async () => {
    const store = await newLayout();
    const title = `report${RLO}txt.exe`;
    await store.tag(await makeArtifact(store, { artifactType: 'application/vnd.example', title, content: 'hello\n' }), 'a');
    const out = join(tempDir(), 'out');
    const r = await runCli('pull', '--oci-layout', `${store.location}:a`, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    plain(r);
    assert.match(r.stdout, /^Downloaded {2}[0-9a-f]{12} "report\\u202etxt\.exe"$/m);
    assert.equal(readFileSync(join(out, title), 'utf8'), 'hello\n');
  });

  it('discover (tree and table) shows an artifact type another tool wrote holding one quoted, escaped; JSON keeps it', async () => {
    const store = await newLayout();
    const img = await makeImage(store, { arch: 'amd64' });
    await store.tag(img, 'v1');
    // Written straight to the files, as another tool would: Manifold's own push refuses such a media type.
    const type = `application/x${RLO}evil\u001b[2J`;
    const empty = { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 };
    await store.push(empty, Buffer.from('{}'));
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: type, config: empty, layers: [empty], subject: { mediaType: img.mediaType, digest: img.digest, size: img.size } }));
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(store.location, 'blobs', 'sha256', hex), bytes);
    const file = join(store.location, 'index.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex}`, size: bytes.length, artifactType: type });
    writeFileSync(file, JSON.stringify(doc));
    const tree = await runCli('discover', '--oci-layout', `${store.location}:v1`);
    plain(tree);
    assert.match(tree.stdout, /^└── "application\/x\\u202eevil\\u001b\[2J"$/m);
    const table = await runCli('discover', '--oci-layout', `${store.location}:v1`, '--format', 'table');
    plain(table);
    assert.match(table.stdout, new RegExp(`^"application/x\\\\u202eevil\\\\u001b\\[2J"  sha256:${hex}$`, 'm'));
    const json = await runCli('discover', '--oci-layout', `${store.location}:v1`, '--format', 'json');
    assert.equal(JSON.parse(json.stdout).referrers[0].artifactType, type);
  });
});
