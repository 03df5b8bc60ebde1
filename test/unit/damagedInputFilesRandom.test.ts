// The small files users hand Manifold on the command line, damaged at random, the same way every run (seeded): oras's
// annotation file (push, attach), the kinds file (coverage, cp -r --only), the Docker/podman credentials file
// (--registry-config: read and written by src/oci/auth's DockerConfigStore, as login and every registry command do,
// and by logout), and the manifest `manifest push` takes. Each starts as its writer writes it (oras, docker login,
// podman login) and is cut, its bytes flipped, a value given the wrong type, a key repeated, a BOM put first, emptied,
// made a folder, not there, given a huge value, or (credentials) an auth that is not base64 of user:password.
// Each command ends with the result the file asks for, or with an error naming the file and the problem (its JSON path
// where there is one): exit 1, never crash text, the layout (or the credentials file) as it was, and no secret of
// the credentials file in the message. SWEEP_SEEDS=a-b sweeps more seeds.
//
// What oras accepts we accept (checked: the annotation file by its shape, the credentials file by orasReads), but, on
// purpose:
// - trailing text after the JSON value (`{...}}`): Go's json.Decoder reads the first value and stops; a file with more
//   after it is damaged, and its author meant something we cannot know;
// - an annotation value that is null: Go reads it as "", an empty annotation nobody wrote (a template gone wrong);
// - a credential helper name that is no plain name (`../bin/sh`), or too long to be a program: oras would run it;
// - a setting of the credentials file that is a number past a double's range or precision (1e400) is written back as
//   JavaScript reads it (null) by a login; oras keeps its raw text. No docker setting is such a number.
// An empty annotation file oras refuses too (EOF); an empty or blank credentials file is none, as in oras. The kinds
// file is Manifold's own.
import { strict as assert } from 'node:assert';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DockerConfigStore, type CredentialHelperRunner } from '../../src/oci/auth/dockerConfig';
import { isOciError } from '../../src/oci/errors';
import { mutateBytes } from '../helpers/byteMutations';
import { CRASH_TEXT, mutateJson, ODD_VALUES, seededRandom } from '../helpers/jsonMutations';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, folderSnapshot, makeArtifact, makeImage, newLayout, tempDir } from './builders';
import { type Damaged, duplicateKey, hugeValue, parsed, pick, place } from './support/damagedFiles';

after(cleanupTemps);

// SWEEP_SEEDS=a-b sweeps more seeds (once, outside the suite).
const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 40];

const README = 'application/vnd.example.readme';
const PASSWORD = 's3cret-pw';
const AUTH = Buffer.from(`alice:${PASSWORD}`).toString('base64');

/** The good files, as their writers write them. */
const GOOD = {
  // oras's documented shape; `hi.txt` is the file pushed.
  annotations: JSON.stringify({ $config: { hello: 'world' }, $manifest: { foo: 'bar', 'org.example.build': '42' }, 'hi.txt': { fun: 'more cream' } }, null, 2),
  kinds: JSON.stringify({ kinds: [{ id: 'readme', title: 'README', artifactTypes: [README] }, { id: 'vex', annotationKeys: ['org.openvex.*'] }] }, null, 2),
  // docker login (a tab indent, Docker Hub under its legacy key, the rest of docker's settings around).
  docker: JSON.stringify({ auths: { 'localhost:5000': { auth: AUTH }, 'https://index.docker.io/v1/': { auth: Buffer.from('bob:hub-pw').toString('base64') } }, currentContext: 'desktop-linux', plugins: { debug: { hooks: 'exec' } } }, null, '\t'),
  // docker login with Docker Desktop: empty entries, the secrets in the helpers.
  dockerHelpers: JSON.stringify({ auths: { 'localhost:5000': {}, 'gcr.io': {} }, credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' } }, null, '\t'),
  // podman login (containers-auth.json): an identity token beside a password.
  podman: JSON.stringify({ auths: { 'localhost:5000': { auth: AUTH }, 'quay.io': { identitytoken: 'quay-refresh-token' } } }, null, '\t'),
};
type Kind = keyof typeof GOOD;
const CREDENTIALS: readonly Kind[] = ['docker', 'dockerHelpers', 'podman'];

/** Wrong values that matter to these files beside the generic ones: not base64, no colon, no padding, a line break. */
const AUTH_VALUES = ['"!!!!"', `"${AUTH}!"`, `"${AUTH.slice(0, -2)}"`, `"${Buffer.from('alice').toString('base64')}"`, `"${AUTH.slice(0, 8)}\\n${AUTH.slice(8)}"`, `"${Buffer.from(':nobody').toString('base64')}"`];
// Not the auth values: a secret moved to another field (credsStore) is that field's value, and shown as it.
const VALUES = [...ODD_VALUES, '"desktop"', '"../bin/sh"', '"README"', `"${README}"`, '["x"]', '{"x":"y"}'];

function damage(text: string, random: () => number, credentials: boolean): Damaged {
  const r = random();
  if (r < 0.4) return { what: 'JSON mutated', bytes: Buffer.from(mutateJson(text, random, VALUES)) };
  if (r < 0.55) return { what: 'bytes mutated', bytes: mutateBytes(Buffer.from(text), random) };
  if (r < 0.65) return { what: 'a key repeated', bytes: Buffer.from(duplicateKey(text, random, VALUES)) };
  if (r < 0.7) return { what: 'a BOM first', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]) };
  if (r < 0.73) return { what: 'empty', bytes: Buffer.alloc(0) };
  if (r < 0.76) return { what: 'a folder', folder: true };
  if (r < 0.79) return { what: 'not there' };
  if (r < 0.84) return { what: 'a huge value', bytes: Buffer.from(hugeValue(text, random)) };
  if (r < 0.9 && credentials) {
    const at = text.indexOf(`"${AUTH}"`);
    if (at >= 0) return { what: 'auth damaged', bytes: Buffer.from(text.slice(0, at) + pick(random, AUTH_VALUES) + text.slice(at + AUTH.length + 2)) };
  }
  return { what: 'cut', bytes: Buffer.from(text).subarray(0, Math.floor(random() * text.length)) };
}

/** A string as Go's JSON (oras, and our encoder) writes it: a lone surrogate ("\ud800") becomes U+FFFD. */
const goText = (t: string): string => t.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** A setting as it was, or as it reads back once written by JSON.stringify (a number past a double's range, 1e400, is null). */
const kept = (now: unknown, was: unknown): boolean => isDeepStrictEqual(now, was) || isDeepStrictEqual(now, JSON.parse(JSON.stringify(was) ?? 'null'));

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const hostOf = (k: string) => {
  const h = k.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  return h === 'index.docker.io' || h === 'registry-1.docker.io' ? 'docker.io' : h;
};

/**
 * Whether oras (oras-go's credentials config: Go's decoder, null read as empty) reads `registry`'s credentials from
 * the file without an error; undefined where the two differ on purpose or the answer depends on more: a helper other
 * than the test's (oras asks it alone; we ask auths after its "not found"), a helper name we refuse (oras would run
 * docker-credential-../bin/sh), two keys naming the registry (Go's map order picks one).
 */
function orasReads(d: Damaged, registry: string): boolean | undefined {
  if (d.folder) return false;
  if (!d.bytes || d.bytes.toString('utf8').trim() === '') return true;
  let doc: unknown;
  try {
    doc = JSON.parse(d.bytes.toString('utf8'));
  } catch {
    return false;
  }
  if (doc === null) return true;
  const str = (v: unknown) => v == null || typeof v === 'string';
  const map = (v: unknown) => v == null || isObject(v);
  if (!isObject(doc) || !str(doc.credsStore) || !map(doc.credHelpers) || !map(doc.auths)) return false;
  const helpers = (doc.credHelpers ?? {}) as Record<string, unknown>;
  if (!Object.values(helpers).every(str)) return false;
  const key = registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
  const named = Object.entries(helpers).filter(([k]) => hostOf(k) === hostOf(key));
  const helper = (named.length === 1 ? named[0]![1] : named.length > 1 ? undefined : '') as string | undefined;
  if (helper === undefined) return undefined;
  const using = helper || (doc.credsStore as string | null) || '';
  if (using !== '' && using !== 'desktop') return undefined;
  if (using === 'desktop') return true;
  const auths = (doc.auths ?? {}) as Record<string, unknown>;
  const entries = key in auths ? [auths[key]] : Object.entries(auths).filter(([k]) => hostOf(k) === hostOf(key)).map(([, v]) => v);
  if (entries.length > 1) return undefined;
  const entry = entries[0];
  if (entry == null) return true;
  if (!isObject(entry) || !['auth', 'username', 'password', 'identitytoken', 'registrytoken'].every((f) => str(entry[f]))) return false;
  const auth = ((entry.auth as string | null) ?? '').replace(/[\r\n]/g, '');
  return auth === '' || (BASE64.test(auth) && Buffer.from(auth, 'base64').toString('utf8').includes(':'));
}

/** The manifest a layout's tag names, as stored. */
function taggedManifest(layout: string, tag: string): { digest: string; doc: any } | undefined {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const d = index.manifests.find((m: any) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!d) return undefined;
  return { digest: d.digest, doc: JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', d.digest.slice(7)), 'utf8')) };
}

/** A run's problems: crash text, an exit code the CLI never uses, an error that names no file. */
function cliProblems(name: string, r: { code: number; stdout: string; stderr: string }, file: string, codes: number[] = [0, 1]): string[] {
  const bad: string[] = [];
  const shown = r.stdout + r.stderr;
  if (CRASH_TEXT.test(shown)) bad.push(`${name}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
  if (!codes.includes(r.code)) bad.push(`${name}: exit ${r.code}`);
  if (r.code === 1 && !/^Error: .+/m.test(r.stderr)) bad.push(`${name}: exit 1 without an error line: ${r.stderr}`);
  if (r.code === 1 && !r.stderr.includes(file)) bad.push(`${name}: the error names no ${file}: ${r.stderr.trim()}`);
  return bad;
}

describe('files given on the command line, damaged at random (seeded): the result they ask for, or an error naming the file', function () {
  this.timeout(60_000);
  let original: string;
  let image: string;
  let manifestText: string;
  before(async () => {
    const store = await newLayout();
    const layout = (original = store.location);
    const img = await makeImage(store);
    await store.tag(img, 'v1');
    image = img.digest;
    await makeArtifact(store, { subject: img, artifactType: README, content: 'read me\n' });
    const m = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', img.digest.slice(7)), 'utf8'));
    manifestText = JSON.stringify({ ...m, annotations: { 'org.opencontainers.image.created': '2026-12-07T00:00:00Z' } }, null, 2);
  });

  let lastWork: string | undefined;
  for (let seed = FIRST!; seed <= LAST!; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      if (lastWork) rmSync(lastWork, { recursive: true, force: true });
      const work = tempDir();
      lastWork = work;
      writeFileSync(join(work, 'hi.txt'), 'hi\n');
      // A layout of its own: a seed replays alone (SWEEP_SEEDS=n-n) as it ran in the sweep.
      const layout = join(work, 'layout');
      cpSync(original, layout, { recursive: true });
      const bad: string[] = [];
      const says: string[] = [];

      // oras's annotation file: push and attach take it alike.
      const ann = damage(GOOD.annotations, random, false);
      place(join(work, 'ann.json'), ann);
      says.push(`annotations (${ann.what}): ${ann.bytes?.toString().slice(0, 300)}`);
      const doc = parsed(ann);
      // What oras reads (null maps are none) and we take too; null values and non-strings we refuse (see the top).
      const accepted = doc === null || (isObject(doc) && Object.values(doc).every((m) => m === null || (isObject(m) && Object.values(m).every((v) => typeof v === 'string'))));
      for (const [name, argv, tag] of [
        ['push', ['push', '--oci-layout', `${layout}:p`, '--annotation-file', 'ann.json', 'hi.txt'], 'p'],
        ['attach', ['attach', '--oci-layout', `${layout}:v1`, '--artifact-type', 'doc/example', '--annotation-file', 'ann.json', 'hi.txt', '--format', 'json'], undefined],
      ] as const) {
        const before = folderSnapshot(layout);
        const r = await runCliIn(work, ...argv);
        bad.push(...cliProblems(name, r, 'ann.json'));
        if (r.code !== 0) {
          assert.deepEqual(folderSnapshot(layout), before, `${name} failed and changed the layout: ${r.stderr}`);
          if (accepted) bad.push(`${name}: refused what oras accepts: ${r.stderr.trim()}`);
          continue;
        }
        if (!accepted) bad.push(`${name}: accepted a file that is no annotation file`);
        const pushed = tag ? taggedManifest(layout, tag)!.doc : JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', JSON.parse(r.stdout).artifacts[0].digest.slice(7)), 'utf8'));
        const want = (doc ?? {}) as Record<string, Record<string, string> | null>;
        for (const [k, v] of Object.entries(want.$manifest ?? {})) if (pushed.annotations?.[goText(k)] !== goText(v)) bad.push(`${name}: $manifest ${k} not written: ${JSON.stringify(pushed.annotations)}`);
        for (const [k, v] of Object.entries(want['hi.txt'] ?? {})) if (pushed.layers[0].annotations?.[goText(k)] !== goText(v)) bad.push(`${name}: hi.txt ${k} not written: ${JSON.stringify(pushed.layers[0].annotations)}`);
      }

      // The kinds file: coverage's columns, cp -r --only's kinds.
      const kinds = damage(GOOD.kinds, random, false);
      place(join(work, 'kinds.json'), kinds);
      says.push(`kinds (${kinds.what}): ${kinds.bytes?.toString().slice(0, 300)}`);
      const cov = await runCliIn(work, 'coverage', '--oci-layout', `${layout}:v1`, '--kinds', 'kinds.json', '--format', 'json');
      bad.push(...cliProblems('coverage', cov, 'kinds.json'));
      const kdoc = parsed(kinds);
      const list = (isObject(kdoc) ? kdoc.kinds : kdoc) as Array<{ id: string; artifactTypes?: string[] }> | undefined;
      if (cov.code === 0) {
        const shown = (JSON.parse(cov.stdout).kinds as Array<{ id: string }>).map((k) => k.id);
        for (const k of list ?? []) if (!shown.includes(k.id)) bad.push(`coverage: kind ${k.id} has no column: ${shown}`);
      } else if (kdoc !== undefined && !/\$/.test(cov.stderr)) {
        bad.push(`coverage: a JSON file refused without its JSON path: ${cov.stderr.trim()}`);
      }
      const dest = join(work, 'dest');
      const cp = await runCliIn(work, 'cp', '-r', '--only', 'readme', '--kinds', 'kinds.json', '--from-oci-layout', '--to-oci-layout', `${layout}:v1`, `${dest}:v1`);
      bad.push(...cliProblems('cp', cp, cp.stderr.includes('kinds.json') || cp.code === 0 ? 'kinds.json' : 'readme'));
      const readme = list?.find?.((k) => k?.id === 'readme');
      if (cp.code === 0) {
        assert.equal(taggedManifest(dest, 'v1')?.digest, image, 'cp: v1 copied');
        const carried = folderSnapshot(dest);
        const hasReadme = Object.keys(carried).some((p) => p.startsWith('blobs/') && readFileSync(join(dest, p), 'utf8') === 'read me\n');
        if (readme?.artifactTypes?.includes(README) && !hasReadme) bad.push('cp: the readme referrer left out');
        if (!readme) bad.push('cp: --only readme with no kind readme in the file');
      } else if (cov.code === 0 && readme?.artifactTypes?.includes(README)) {
        bad.push(`cp: refused a kinds file coverage took: ${cp.stderr.trim()}`);
      }

      // The credentials file: docker's, docker's with helpers, podman's.
      const kind = pick(random, CREDENTIALS);
      const good = GOOD[kind];
      const cred = damage(good, random, true);
      const path = join(work, 'config.json');
      place(path, cred);
      says.push(`${kind} (${cred.what}): ${cred.bytes?.toString().slice(0, 300)}`);
      const helpers: string[] = [];
      const runHelper: CredentialHelperRunner = async (program, action, input) => {
        helpers.push(`${program} ${action}`);
        if (action !== 'get') return '';
        if (program === 'docker-credential-desktop') return JSON.stringify({ ServerURL: input, Username: 'alice', Secret: PASSWORD });
        throw Object.assign(new Error('credentials not found in native keychain'), { stdout: 'credentials not found in native keychain' });
      };
      const store = new DockerConfigStore({ path, runHelper });
      const secretIn = (m: string) => m.includes(PASSWORD) || m.includes(AUTH.slice(0, 12));
      const refusal = (op: string, err: unknown) => {
        const m = (err as Error).message;
        if (!isOciError(err)) bad.push(`${op}: not an OciError: ${m}`);
        if (!m.includes(path)) bad.push(`${op}: the error names no file: ${m}`);
        if (CRASH_TEXT.test(m)) bad.push(`${op}: ${m}`);
        if (secretIn(m)) bad.push(`${op}: a secret in the message: ${m}`);
      };
      const cdoc = parsed(cred);
      for (const registry of ['localhost:5000', 'docker.io', 'gcr.io', 'quay.io']) {
        try {
          const got = await store.get(registry);
          // An auth read is the one written, or one that decodes strictly (docker and oras refuse any other).
          const entry = isObject(cdoc) && isObject(cdoc.auths) ? (cdoc.auths as Record<string, any>)[registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry] : undefined;
          if (got?.password !== undefined && isObject(entry) && typeof entry.auth === 'string' && entry.auth !== '') {
            const auth = entry.auth.replace(/[\r\n]/g, '');
            if (!BASE64.test(auth)) bad.push(`get ${registry}: an auth that is not base64 read as ${JSON.stringify(got)}`);
            else assert.equal(`${got.username}:${got.password}`, Buffer.from(auth, 'base64').toString('utf8'), `get ${registry}`);
          }
          if (orasReads(cred, registry) === false) says.push(`(get ${registry}: read what oras refuses)`);
        } catch (err) {
          refusal(`get ${registry}`, err);
          if (orasReads(cred, registry) === true) bad.push(`get ${registry}: refused what oras reads: ${(err as Error).message.slice(0, 300)}`);
        }
      }
      const textBefore = cred.bytes;
      try {
        const ran = helpers.length;
        await store.put('localhost:5000', { username: 'carol', password: 'new-pw' });
        const after = JSON.parse(readFileSync(path, 'utf8'));
        // Written to the file, it reads back (what a helper stores is the helper's).
        if (helpers.length === ran) assert.deepEqual(await store.get('localhost:5000'), { username: 'carol', password: 'new-pw' });
        // Everything else in the file is kept.
        // (As JSON.stringify writes it: oras keeps each setting's raw text, so 1e400 stays 1e400; we write null. No docker
        // setting is a number past a double's range or precision.)
        if (isObject(cdoc)) for (const k of Object.keys(cdoc)) if (k !== 'auths') assert.ok(kept(after[k], cdoc[k]), `put kept ${k}: ${JSON.stringify(after[k])}`);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        refusal('put', err);
        if (textBefore) assert.deepEqual(readFileSync(path), textBefore, 'put failed and changed the file');
      }
      // logout, as the CLI runs it (the real helper runner: no docker-credential-* is installed here).
      place(path, cred);
      const out = await runCliIn(work, 'logout', '--registry-config', path, 'localhost:5000');
      bad.push(...cliProblems('logout', out, path));
      if (secretIn(out.stderr)) bad.push(`logout: a secret in the message: ${out.stderr}`);
      if (out.code !== 0 && textBefore) assert.deepEqual(readFileSync(path), textBefore, 'logout failed and changed the file');
      if (out.code === 0 && isObject(cdoc)) {
        const after = JSON.parse(readFileSync(path, 'utf8'));
        for (const k of Object.keys(cdoc)) if (k !== 'auths') assert.ok(kept(after[k], cdoc[k]), `logout kept ${k}`);
        for (const k of Object.keys((cdoc.auths as object) ?? {})) if (k !== 'localhost:5000') assert.ok(k in after.auths, `logout kept auths[${k}]`);
      }

      // The manifest `manifest push` takes.
      const man = damage(manifestText, random, false);
      place(join(work, 'manifest.json'), man);
      says.push(`manifest (${man.what}): ${man.bytes?.toString().slice(0, 300)}`);
      const before = folderSnapshot(layout);
      const mp = await runCliIn(work, 'manifest', 'push', '--oci-layout', `${layout}:m`, 'manifest.json');
      bad.push(...cliProblems('manifest push', mp, 'manifest.json'));
      if (mp.code === 0) {
        const stored = taggedManifest(layout, 'm')!;
        assert.deepEqual(readFileSync(join(layout, 'blobs', 'sha256', stored.digest.slice(7))), man.bytes, 'manifest push stored other bytes');
      } else {
        assert.deepEqual(folderSnapshot(layout), before, `manifest push failed and changed the layout: ${mp.stderr}`);
      }

      assert.deepEqual(bad, [], says.join('\n'));
    });
  }
});
