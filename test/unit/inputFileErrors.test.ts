// What the sweep of files given on the command line found (damagedInputFilesRandom.test.ts), one case each: the error
// names the file and the problem, and nothing is stored.
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerConfigStore } from '../../src/oci/auth/dockerConfig';
import { isOciError } from '../../src/oci/errors';
import { parseAnnotationFile } from '../../src/oci/referrers';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, folderSnapshot, makeImage, newLayout, tempDir } from './builders';

after(cleanupTemps);

describe('manifest push FILE', () => {
  it('a file that is JSON but no object, a folder, a document the layout refuses: each named by the file', async () => {
    const store = await newLayout();
    const image = await makeImage(store);
    const dir = tempDir();
    const before = folderSnapshot(store.location);
    const push = (file: string) => runCliIn(dir, 'manifest', 'push', '--oci-layout', `${store.location}:m`, file);
    const said = async (file: string) => {
      const r = await push(file);
      assert.equal(r.code, 1);
      return r.stderr;
    };
    writeFileSync(join(dir, 'null.json'), 'null');
    // Was: Error: Cannot use 'in' operator to search for 'manifests' in null
    assert.equal(await said('null.json'), 'Error: null.json: the document is null, not a JSON object: it is not an image index or manifest\n');
    writeFileSync(join(dir, 'five.json'), '5');
    assert.equal(await said('five.json'), 'Error: five.json: the document is a number, not a JSON object: it is not an image index or manifest\n');
    mkdirSync(join(dir, 'folder'));
    // Was: Error: EISDIR: illegal operation on a directory, read
    assert.equal(await said('folder'), 'Error: folder: EISDIR: illegal operation on a directory, read\n');
    const m = JSON.parse(readFileSync(join(store.location, 'blobs', 'sha256', image.digest.slice(7)), 'utf8'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...m, config: { ...m.config, digest: 5 } }));
    // Was: Error: manifest sha256:…: config.digest: digest must be a string, not a number
    assert.equal(await said('bad.json'), 'Error: bad.json: config.digest: digest must be a string, not a number\n');
    assert.deepEqual(folderSnapshot(store.location), before);
    // The good one still goes in.
    writeFileSync(join(dir, 'good.json'), JSON.stringify(m));
    assert.equal((await push('good.json')).code, 0);
  });
});

describe('the credentials file (--registry-config): read', () => {
  it('a folder in its place, and text that is no JSON: named, and the message quotes none of the file', async () => {
    const dir = tempDir();
    const folder = join(dir, 'folder.json');
    mkdirSync(folder);
    // Was: EISDIR: illegal operation on a directory, read (no file named, not an OciError)
    await assert.rejects(new DockerConfigStore({ path: folder }).get('r.example'), (e: Error) => isOciError(e) && e.message === `${folder}: cannot read the Docker config (EISDIR: illegal operation on a directory, read)`);
    const out = await runCliIn(dir, 'logout', '--registry-config', folder, 'r.example');
    assert.deepEqual([out.code, out.stderr], [1, `Error: ${folder}: cannot read the Docker config (EISDIR: illegal operation on a directory, read)\n`]);
    const cut = join(dir, 'config.json');
    const text = `{"auths": {"r.example": {"auth": "${Buffer.from('alice:s3cret').toString('base64')}"}}}x`;
    writeFileSync(cut, text);
    // Was: invalid Docker config (Unexpected non-whitespace character after JSON at position 54), and where V8 quotes
    // the text around the place ("Unexpected token 'x', "...": the auth beside it.
    await assert.rejects(new DockerConfigStore({ path: cut }).get('r.example'), (e: Error) => e.message === `${cut}: invalid Docker config (malformed JSON at line 1, column 55: unexpected character "x" after the JSON value)`);
    writeFileSync(cut, text.replace('{"auths"', '{"auths" x'));
    await assert.rejects(new DockerConfigStore({ path: cut }).get('r.example'), (e: Error) => !e.message.includes('YWxp') && /at line 1, column 10/.test(e.message));
    assert.equal(readFileSync(cut, 'utf8'), text.replace('{"auths"', '{"auths" x'));
  });
});

describe('the credentials file (--registry-config): auths[...].auth', () => {
  it('read strictly as docker and oras read it: base64 with its padding (line breaks skipped), holding a colon', async () => {
    const path = join(tempDir(), 'config.json');
    const store = new DockerConfigStore({ path });
    const auth = Buffer.from('alice:s3cret!').toString('base64');
    const read = (value: string) => {
      writeFileSync(path, JSON.stringify({ auths: { 'r.example': { auth: value } } }));
      return store.get('r.example');
    };
    assert.deepEqual(await read(auth), { username: 'alice', password: 's3cret!' });
    assert.deepEqual(await read(`${auth.slice(0, 8)}\n${auth.slice(8)}`), { username: 'alice', password: 's3cret!' });
    // Was: {username: 'alice', password: 's3cret!'} for the first (the "!" skipped), {username: 'alice', password:
    // 's3cret-'} for the second (unpadded), the password of a stray byte's making for the third.
    for (const bad of [`${auth}!`, auth.replace(/=+$/, ''), `${auth.slice(0, 10)}*${auth.slice(10)}`]) {
      await assert.rejects(read(bad), (e: Error) => e.message === `${path}: auths["r.example"].auth is not base64 (of user:password, as docker login writes it)`, bad);
    }
    await assert.rejects(read(Buffer.from('alice').toString('base64')), (e: Error) => e.message === `${path}: auths["r.example"].auth is not base64 of user:password (no colon)`);
  });
});

describe('the credentials file (--registry-config): credential helpers', () => {
  it('a helper name too long to be a program is refused naming the file and where, shortened (was: spawn ENAMETOOLONG)', async () => {
    const path = join(tempDir(), 'config.json');
    writeFileSync(path, JSON.stringify({ credsStore: 'A'.repeat(1 << 20) }));
    await assert.rejects(new DockerConfigStore({ path }).get('r.example'), (e: Error) => e.message === `${path}: credential helper name "${'A'.repeat(64)}…" is not valid (credsStore)`);
    // The longest a program name may be still runs.
    writeFileSync(path, JSON.stringify({ credsStore: 'A'.repeat(237) }));
    const ran: string[] = [];
    const runHelper = async (program: string) => {
      ran.push(program);
      return JSON.stringify({ Username: 'u', Secret: 'p' });
    };
    assert.deepEqual(await new DockerConfigStore({ path, runHelper }).get('r.example'), { username: 'u', password: 'p' });
    assert.deepEqual(ran, [`docker-credential-${'A'.repeat(237)}`]);
  });
});

describe('the credentials file (--registry-config): null and empty values', () => {
  it('null is no value, as docker, oras and podman read it; an empty or null credHelpers entry leaves credsStore to answer, as oras does', async () => {
    const path = join(tempDir(), 'config.json');
    const asked: string[] = [];
    const runHelper = async (program: string) => {
      asked.push(program);
      return JSON.stringify({ Username: 'from-store', Secret: 'p' });
    };
    const store = new DockerConfigStore({ path, runHelper });
    const auth = Buffer.from('alice:pw').toString('base64');
    // Was: auths["r.example"].identitytoken is not a string
    writeFileSync(path, JSON.stringify({ auths: { 'r.example': { auth, identitytoken: null, email: null } } }));
    assert.deepEqual(await store.get('r.example'), { username: 'alice', password: 'pw' });
    writeFileSync(path, JSON.stringify({ auths: { 'r.example': { auth: null, username: 'bob', password: 'x' } } }));
    assert.deepEqual(await store.get('r.example'), { username: 'bob', password: 'x' });
    // Was: invalid Docker config (credHelpers["r.example"] is not a string), and for "": credential helper name "" is not valid.
    for (const empty of [null, '']) {
      writeFileSync(path, JSON.stringify({ credsStore: 'desktop', credHelpers: { 'r.example': empty } }));
      assert.deepEqual(await store.get('r.example'), { username: 'from-store', password: 'p' });
      writeFileSync(path, JSON.stringify({ auths: { 'r.example': { auth } }, credHelpers: { 'r.example': empty } }));
      assert.deepEqual(await store.get('r.example'), { username: 'alice', password: 'pw' });
    }
    assert.deepEqual(asked, ['docker-credential-desktop', 'docker-credential-desktop']);
  });
});

describe('oras annotation file', () => {
  it('null where a map belongs is no annotations, as oras reads it; a null value is still refused', () => {
    // Was: invalid annotation json file: failed to load annotations from a.json: "$config" must map annotation keys to string values
    assert.deepEqual(parseAnnotationFile('{"$config": null, "$manifest": {"a": "b"}, "hi.txt": null}', 'a.json'), { manifest: { a: 'b' }, config: {}, files: {} });
    // Was: ... expected a JSON object of annotation maps
    assert.deepEqual(parseAnnotationFile('null', 'a.json'), { manifest: {}, config: {}, files: {} });
    assert.throws(() => parseAnnotationFile('{"$manifest": {"a": null}}', 'a.json'), (e: Error) => e.message === 'invalid annotation json file: failed to load annotations from a.json: "$manifest" must map annotation keys to string values');
  });
});

describe('the credentials file (--registry-config): an auths entry that is no object', () => {
  it('is refused naming it, as docker and oras refuse it (was: passed over, no credential, and the registry said 401)', async () => {
    const path = join(tempDir(), 'config.json');
    const store = new DockerConfigStore({ path });
    for (const entry of ['x', 5, [], true]) {
      writeFileSync(path, JSON.stringify({ auths: { 'https://r.example': entry, 'other.example': { auth: Buffer.from('a:b').toString('base64') } } }));
      await assert.rejects(store.get('r.example'), (e: Error) => e.message === `${path}: auths["https://r.example"] is not an object`);
      assert.deepEqual(await store.get('other.example'), { username: 'a', password: 'b' });
    }
    writeFileSync(path, JSON.stringify({ auths: { 'r.example': null } }));
    assert.equal(await store.get('r.example'), undefined);
  });
});

describe('the credentials file (--registry-config): null', () => {
  it('is an empty config, as docker, oras and podman decode it, and a login writes one over it (was: invalid Docker config (not a JSON object))', async () => {
    const path = join(tempDir(), 'config.json');
    writeFileSync(path, 'null\n');
    const store = new DockerConfigStore({ path });
    assert.equal(await store.get('r.example'), undefined);
    await store.put('r.example', { username: 'a', password: 'b' });
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { auths: { 'r.example': { auth: Buffer.from('a:b').toString('base64') } } });
    writeFileSync(path, '[]');
    await assert.rejects(store.get('r.example'), (e: Error) => e.message === `${path}: invalid Docker config (not a JSON object)`);
  });
});
