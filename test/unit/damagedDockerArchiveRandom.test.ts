// docker save tarballs damaged at random, the same way every run (seeded): manifest.json or a config mutated as JSON,
// or a layer file's bytes (plain or gzipped) changed, then the commands that read a layout tar run on it. Each must
// end with an error that names the problem or with output that makes sense, never a crash message; a damaged layer
// must make check fail, and layout import must store nothing under a tag.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { mutateBytes } from '../helpers/byteMutations';
import { CRASH_TEXT, mutateJson, seededRandom } from '../helpers/jsonMutations';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir, writeTar } from './builders';

after(cleanupTemps);

// SWEEP_SEEDS=a-b sweeps more seeds (once, outside the suite).
const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 30];
const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A one-file tar, as a layer. */
function layerOf(name: string, text: string): Buffer {
  const file = join(tempDir(), 'layer.tar');
  writeTar(file, [{ name, body: text }]);
  return readFileSync(file);
}

interface Member {
  name: string;
  body: Buffer;
  kind: 'json' | 'layer';
}

/** Two images sharing a base layer (one gzipped file, as some writers make them), three tags and an untagged image. */
function baseArchive(): Member[] {
  const base = layerOf('etc/os-release', 'base\n');
  const app = layerOf('app/run', 'app\n');
  const members: Member[] = [
    { name: `${hex(base)}.tar`, body: base, kind: 'layer' },
    { name: `${hex(app)}.tar.gz`, body: gzipSync(app), kind: 'layer' },
  ];
  const image = (arch: string, layers: Buffer[], files: string[], repoTags: string[] | null) => {
    const config = Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', config: { Cmd: ['/app/run'] }, rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${hex(l)}`) } }));
    members.push({ name: `${hex(config)}.json`, body: config, kind: 'json' });
    return { Config: `${hex(config)}.json`, RepoTags: repoTags, Layers: files };
  };
  const manifest = [
    image('amd64', [base, app], [members[0]!.name, members[1]!.name], ['example.com/app:v1', 'example.com/app:latest']),
    image('arm64', [base], [members[0]!.name], ['db:v2']),
    image('s390x', [app], [members[1]!.name], null),
  ];
  members.push({ name: 'manifest.json', body: Buffer.from(JSON.stringify(manifest)), kind: 'json' });
  return members;
}

function commands(file: string, out: string): string[][] {
  return [
    ['repo', 'tags', '--oci-layout', file],
    ['repo', 'tags', '--oci-layout', file, '--format', 'json'],
    ['check', '--oci-layout', file],
    ['check', '--oci-layout', `${file}:v1`, '--format', 'json'],
    ['manifest', 'fetch', '--oci-layout', `${file}:v1`, '--descriptor'],
    ['manifest', 'fetch-config', '--oci-layout', `${file}:v2`],
    ['discover', '--oci-layout', `${file}:v1`],
    ['resolve', '--oci-layout', `${file}:latest`],
    ['cp', '--from-oci-layout', '--to-oci-layout', `${file}:v1`, `${join(out, 'copy')}:v1`],
    ['pull', '--oci-layout', `${file}:v2`, '-o', join(out, 'pulled')],
    ['layout', 'import', file, join(out, 'imported')],
  ];
}

describe('docker save tarballs damaged at random (seeded): every command names the problem or makes sense', function () {
  this.timeout(60_000);
  let base: Member[];
  before(() => {
    base = baseArchive();
  });

  let lastWork: string | undefined;
  for (let seed = FIRST!; seed <= LAST!; seed++) {
    it(`seed ${seed}`, async () => {
      const random = seededRandom(seed);
      if (lastWork) rmSync(lastWork, { recursive: true, force: true });
      const work = tempDir();
      lastWork = work;
      const members = base.map((m) => ({ ...m }));
      const target = members[Math.floor(random() * members.length)]!;
      target.body = target.kind === 'json' ? Buffer.from(mutateJson(target.body.toString(), random)) : mutateBytes(target.body, random);
      const file = join(work, 'app.tar');
      writeTar(file, members);
      const bad: string[] = [];
      const results = new Map<string, { code: number; out: string }>();
      for (const argv of commands(file, work)) {
        const r = await runCli(...argv);
        const shown = r.stderr + (argv.includes('fetch') || argv.includes('fetch-config') ? '' : r.stdout);
        results.set(argv.slice(0, 3).join(' '), { code: r.code, out: shown });
        if (CRASH_TEXT.test(shown)) bad.push(`${argv.slice(0, 3).join(' ')}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
        // check lists the problems it found on stdout; every other command says an error on stderr.
        const said = /^Error: .+/m.test(r.stderr) || (argv[0] === 'check' && /\S/.test(r.stdout));
        if (r.code !== 0 && !said) bad.push(`${argv.slice(0, 3).join(' ')}: exit ${r.code} without an error line: ${r.stderr}`);
      }
      const what = `${target.name} damaged: ${target.kind === 'json' ? target.body.toString() : `${target.body.length} bytes`}`;
      assert.deepEqual(bad, [], what);
      if (target.kind === 'layer') {
        // What a layer serves is its content (a gzipped file's, unpacked): a change the content does not show (a gzip
        // header's mtime or OS byte) is no damage; any other is never taken for good: check fails naming the file,
        // and the import stores no tag.
        const original = base.find((m) => m.name === target.name)!;
        const content = (b: Buffer) => {
          try {
            return target.name.endsWith('.gz') ? gunzipSync(b) : b;
          } catch {
            return undefined;
          }
        };
        const same = content(target.body)?.equals(content(original.body)!) === true;
        const check = results.get(`check --oci-layout ${file}`)!;
        const imported = join(work, 'imported', 'index.json');
        if (same) {
          assert.equal(check.code, 0, `${what}: the same content refused: ${check.out}`);
        } else {
          assert.equal(check.code, 1, `${what}: check passed`);
          assert.match(check.out, new RegExp(target.name.replaceAll('.', '\\.')), what);
          assert.ok(!existsSync(imported) || !/"v1"/.test(readFileSync(imported, 'utf8')), `${what}: imported`);
        }
      }
    });
  }
});
