// Text that is not JSON, wherever a command meets it (a stored manifest, index.json, oci-layout, a file the user
// gives), is named with the document, the line and column where it stops being JSON, and why: never a bare
// SyntaxError, and never an invisible character shown as itself.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OciLayoutStore } from '../../src/oci/layout';
import { MalformedJsonError } from '../../src/oci/validate';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, folderSnapshot, makeImage, newLayout, tempDir } from './builders';

const NOT_JSON = 'hello,\nnot json';
const HEX = createHash('sha256').update(NOT_JSON).digest('hex');
const AT = 'malformed JSON at line 1, column 1: value expected, unexpected character "h"';

/** A layout whose tags `v1` (as an image) and `i1` (as an index) name a stored blob that is not JSON. */
function layoutNamingNotJson(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'blobs', 'sha256', HEX), NOT_JSON);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const entry = (mediaType: string, tag: string) => ({ mediaType, digest: `sha256:${HEX}`, size: NOT_JSON.length, annotations: { 'org.opencontainers.image.ref.name': tag } });
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry('application/vnd.oci.image.manifest.v1+json', 'v1'), entry('application/vnd.oci.image.index.v1+json', 'i1')] }));
  return dir;
}

describe('malformed JSON is named with its document and place', () => {
  after(cleanupTemps);

  for (const [name, args, expected] of [
    ['attach --platform to an image that is not JSON', (d: string) => ['attach', '--oci-layout', `${d}:v1`, '--artifact-type', 'application/vnd.test', '--annotation', 'a=b', '--platform', 'linux/amd64'], `Error: manifest sha256:${HEX}: ${AT}\n`],
    ['cp of an image that is not JSON', (d: string) => ['cp', '--from-oci-layout', '--to-oci-layout', `${d}:v1`, `${tempDir()}:v1`], `Error: manifest sha256:${HEX}: ${AT}\n`],
    ['discover --recursive of an index that is not JSON', (d: string) => ['discover', '--oci-layout', `${d}:i1`, '--recursive'], `Error: index sha256:${HEX}: ${AT}\n`],
    ['manifest fetch --platform of an index that is not JSON', (d: string) => ['manifest', 'fetch', '--oci-layout', `${d}:i1`, '--platform', 'linux/amd64'], `Error: index sha256:${HEX}: ${AT}\n`],
    ['pull of an image that is not JSON', (d: string) => ['pull', '--oci-layout', `${d}:v1`, '-o', tempDir()], `Error: sha256:${HEX}: is not a manifest (${AT})\n`],
  ] as const) {
    it(`${name}: exit 1, the digest and the place, nothing written`, async () => {
      const dir = layoutNamingNotJson();
      const before = folderSnapshot(dir);
      const r = await runCli(...args(dir));
      assert.equal(r.code, 1);
      assert.equal(r.stderr, expected);
      assert.deepEqual(folderSnapshot(dir), before);
    });
  }

  it('repo tags names each unreadable tag with its document (it said only "Unexpected token")', async () => {
    const dir = layoutNamingNotJson();
    const r = await runCli('repo', 'tags', '--oci-layout', dir);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`tag "v1": manifest sha256:${HEX}: ${AT}\n`), r.stderr);
    assert.ok(r.stderr.includes(`tag "i1": index sha256:${HEX}: ${AT}\n`), r.stderr);
  });

  it('manifest push of a file saved with a byte order mark says so, at line 1, column 1', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const file = join(tempDir(), 'manifest.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(join(store.location, 'blobs', 'sha256', image.digest.slice(7)))]));
    const r = await runCli('manifest', 'push', '--oci-layout', `${store.location}:bom`, file);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: ${file}: malformed JSON at line 1, column 1: a byte order mark (U+FEFF) is not allowed before JSON\n`);
  });

  it('index.json with a trailing comma: the line and column of the comma, for any command', async () => {
    const store = await newLayout();
    await store.tag(await makeImage(store), 'v1');
    const path = join(store.location, 'index.json');
    const text = JSON.stringify(JSON.parse(readFileSync(path, 'utf8')), null, 2).replace(/\n  \]\n\}$/, ',\n  ]\n}');
    writeFileSync(path, text);
    const line = text.split('\n').findIndex((l) => l === '  ]') + 1;
    for (const args of [['repo', 'tags', '--oci-layout', store.location], ['tag', '--oci-layout', `${store.location}:v1`, 'v2']]) {
      const r = await runCli(...args);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `Error: ${path}: malformed JSON at line ${line}, column 3: value expected (a trailing comma is not JSON)\n`, args.join(' '));
    }
    assert.equal(readFileSync(path, 'utf8'), text);
  });

  it('index.json that is not JSON: the error gives the file and the place as fields, as the message says them', async () => {
    const store = await newLayout();
    const path = join(store.location, 'index.json');
    const text = '{\n  "schemaVersion": 2,\n  "manifests": [,]\n}\n';
    writeFileSync(path, text);
    const err = await OciLayoutStore.open(store.location).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof MalformedJsonError, String(err));
    assert.equal(err.code, 'INVALID_LAYOUT');
    assert.equal(err.where, path);
    assert.deepEqual(err.place, { offset: text.indexOf('[,') + 1, line: 3, column: 17, reason: err.place.reason });
    assert.equal(err.message, `${path}: malformed JSON at line 3, column 17: ${err.place.reason}`);
    // An empty index.json says so, and its place is the start of the file.
    writeFileSync(path, '');
    const empty = await OciLayoutStore.open(store.location).then(() => undefined, (e: unknown) => e);
    assert.ok(empty instanceof MalformedJsonError);
    assert.equal(empty.message, `${path}: the file is empty`);
    assert.deepEqual([empty.place.line, empty.place.column], [1, 1]);
  });

  it('an annotation file that is cut short: the line and column where it ends', async () => {
    const store = await newLayout();
    await store.tag(await makeImage(store), 'v1');
    const file = join(tempDir(), 'annotations.json');
    writeFileSync(file, '{\n  "$manifest": {\n    "a": "b"\n');
    const r = await runCli('attach', '--oci-layout', `${store.location}:v1`, '--artifact-type', 'application/vnd.test', '--annotation-file', file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /failed to load annotations from .*annotations\.json: malformed JSON at line 4, column 1: .*end of input/);
  });
});
