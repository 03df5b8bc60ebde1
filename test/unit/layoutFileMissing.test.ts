import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative as relativePath } from 'node:path';
import { Readable } from 'node:stream';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, folderSnapshot, makeArtifact, makeImage, makeIndex, newLayout, pushBlob, tempDir } from './builders';

// What oras-go writes for a new layout, byte for byte.
const LAYOUT_FILE = '{"imageLayoutVersion":"1.0.0"}';

interface Fixture {
  dir: string;
  work: string;
  v1: Descriptor;
  arm: Descriptor;
  multi: Descriptor;
  loose: Descriptor;
  /** Another layout, whole: what cp copies from. */
  other: string;
  otherImage: Descriptor;
}

/** A layout (v1, arm, multi over both, a referrer of v1, a blob nothing reaches) whose oci-layout file is gone. */
async function withoutLayoutFile(): Promise<Fixture> {
  const store = await newLayout();
  const v1 = await makeImage(store, { arch: 'amd64' });
  await store.tag(v1, 'v1');
  const arm = await makeImage(store, { arch: 'arm64' });
  await store.tag(arm, 'arm');
  const multi = await makeIndex(store, [v1, arm]);
  await store.tag(multi, 'multi');
  await makeArtifact(store, { subject: v1, artifactType: 'application/vnd.test.sbom' });
  const loose = await pushBlob(store, 'nothing reaches this\n');
  const otherStore = await newLayout();
  const otherImage = await makeImage(otherStore, { arch: 's390x' });
  await otherStore.tag(otherImage, 'v9');
  rmSync(join(store.location, 'oci-layout'));
  const work = tempDir();
  writeFileSync(join(work, 'hi.txt'), 'hi\n');
  writeFileSync(join(work, 'manifest.json'), readFileSync(blob(store.location, v1)));
  return { dir: store.location, work, v1, arm, multi, loose, other: otherStore.location, otherImage };
}

const blob = (dir: string, d: Descriptor): string => join(dir, 'blobs', 'sha256', d.digest.slice('sha256:'.length));

/** What the layout holds once the command is done, read through a fresh store. */
async function reopened(dir: string): Promise<OciLayoutStore> {
  return OciLayoutStore.open(dir);
}

async function tagsOf(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const t of (await reopened(dir)).tags()) out.push(t);
  return out;
}

interface WriteCase {
  name: string;
  argv: (f: Fixture) => string[];
  /** The write was done: what the layout holds afterwards. */
  done: (f: Fixture) => Promise<void>;
  /** Its stderr, when it has a notice to give. */
  stderr?: (f: Fixture) => RegExp;
}

const WRITES: WriteCase[] = [
  {
    name: 'tag',
    argv: (f) => ['tag', '--oci-layout', `${f.dir}:v1`, 'v2'],
    done: async (f) => assert.equal((await (await reopened(f.dir)).resolve('v2')).digest, f.v1.digest),
  },
  {
    name: 'untag',
    argv: (f) => ['untag', '--oci-layout', `${f.dir}:arm`],
    done: async (f) => assert.deepEqual(await tagsOf(f.dir), ['multi', 'v1']),
  },
  {
    name: 'attach',
    argv: (f) => ['attach', '--oci-layout', `${f.dir}:v1`, '--artifact-type', 'application/vnd.test.note', '--annotation', 'note=hi'],
    done: async (f) => {
      const types: string[] = [];
      for await (const r of (await reopened(f.dir)).referrers(f.v1)) types.push(r.artifactType!);
      assert.deepEqual(types.sort(), ['application/vnd.test.note', 'application/vnd.test.sbom']);
    },
  },
  {
    name: 'push',
    argv: (f) => ['push', '--oci-layout', `${f.dir}:pushed`, 'hi.txt'],
    done: async (f) => assert.ok((await tagsOf(f.dir)).includes('pushed')),
  },
  {
    name: 'manifest push',
    argv: (f) => ['manifest', 'push', '--oci-layout', `${f.dir}:again`, 'manifest.json'],
    done: async (f) => assert.equal((await (await reopened(f.dir)).resolve('again')).digest, f.v1.digest),
  },
  {
    name: 'manifest index create',
    argv: (f) => ['manifest', 'index', 'create', '--oci-layout', `${f.dir}:made`, 'v1', 'arm'],
    done: async (f) => assert.equal((await (await reopened(f.dir)).resolve('made')).digest, f.multi.digest),
  },
  {
    name: 'manifest index update',
    argv: (f) => ['manifest', 'index', 'update', '--oci-layout', `${f.dir}:multi`, '--remove', f.arm.digest],
    done: async (f) => assert.notEqual((await (await reopened(f.dir)).resolve('multi')).digest, f.multi.digest),
    stderr: (f) => new RegExp(`^moved multi from ${f.multi.digest} to sha256:[0-9a-f]{64}\n$`),
  },
  {
    name: 'blob push',
    argv: (f) => ['blob', 'push', '--oci-layout', f.dir, 'hi.txt'],
    done: async (f) => assert.equal(readFileSync(join(f.dir, 'blobs/sha256/98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4'), 'utf8'), 'hi\n'),
  },
  {
    name: 'cp into the layout',
    argv: (f) => ['cp', '--from-oci-layout', `${f.other}:v9`, '--to-oci-layout', `${f.dir}:copied`],
    done: async (f) => assert.equal((await (await reopened(f.dir)).resolve('copied')).digest, f.otherImage.digest),
  },
  {
    name: 'manifest delete',
    argv: (f) => ['manifest', 'delete', '--oci-layout', `${f.dir}:arm`, '--force'],
    done: async (f) => assert.equal(existsSync(blob(f.dir, f.arm)), false),
  },
  {
    name: 'blob delete',
    argv: (f) => ['blob', 'delete', '--oci-layout', `${f.dir}@${f.loose.digest}`, '--force'],
    done: async (f) => assert.equal(existsSync(blob(f.dir, f.loose)), false),
  },
  {
    name: 'prune',
    argv: (f) => ['prune', '--oci-layout', f.dir, '--grace', '0s'],
    done: async (f) => assert.equal(existsSync(blob(f.dir, f.loose)), false),
  },
];

const READS: Array<{ name: string; argv: (f: Fixture) => string[] }> = [
  { name: 'manifest fetch', argv: (f) => ['manifest', 'fetch', '--oci-layout', `${f.dir}:v1`] },
  { name: 'repo tags', argv: (f) => ['repo', 'tags', '--oci-layout', f.dir] },
  { name: 'discover', argv: (f) => ['discover', '--oci-layout', `${f.dir}:v1`] },
  { name: 'coverage', argv: (f) => ['coverage', '--oci-layout', `${f.dir}:multi`] },
  { name: 'resolve', argv: (f) => ['resolve', '--oci-layout', `${f.dir}:v1`] },
  { name: 'blob fetch', argv: (f) => ['blob', 'fetch', '--oci-layout', `${f.dir}@${f.loose.digest}`, '--output', '-'] },
  { name: 'pull', argv: (f) => ['pull', '--oci-layout', `${f.dir}:v1`, '-o', 'out'] },
  { name: 'index create --output', argv: (f) => ['manifest', 'index', 'create', '--oci-layout', f.dir, 'v1', 'arm', '--output', '-'] },
  { name: 'index update --output', argv: (f) => ['manifest', 'index', 'update', '--oci-layout', `${f.dir}:multi`, '--remove', f.arm.digest, '--output', '-'] },
  { name: 'cp out of the layout', argv: (f) => ['cp', '--from-oci-layout', `${f.dir}:v1`, '--to-oci-layout', `${f.other}:from-damaged`] },
];

/** The command run from the fixture's work folder (where hi.txt and manifest.json are). */
async function inWork(f: Fixture, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = process.cwd();
  process.chdir(f.work);
  try {
    return await runCli(...argv);
  } finally {
    process.chdir(cwd);
  }
}

after(cleanupTemps);

describe('a layout folder whose oci-layout file is missing', () => {
  for (const c of WRITES) {
    it(`${c.name} writes oci-layout back, as oras-go's store does, and does its write`, async () => {
      const f = await withoutLayoutFile();
      const r = await inWork(f, c.argv(f));
      if (c.stderr) assert.match(r.stderr, c.stderr(f));
      else assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      assert.equal(readFileSync(join(f.dir, 'oci-layout'), 'utf8'), LAYOUT_FILE);
      await c.done(f);
    });
  }

  for (const c of READS) {
    it(`${c.name} refuses it and writes nothing`, async () => {
      const f = await withoutLayoutFile();
      const before = folderSnapshot(f.dir);
      const r = await inWork(f, c.argv(f));
      assert.deepEqual([r.stdout, r.stderr, r.code], ['', `Error: ${join(f.dir, 'oci-layout')}: missing; ${f.dir} is not an OCI image layout\n`, 1]);
      assert.deepEqual(folderSnapshot(f.dir), before);
    });
  }

  it('a write to a folder that holds no index.json either is refused: nothing makes a layout of it', async () => {
    const f = await withoutLayoutFile();
    rmSync(join(f.dir, 'index.json'));
    const before = folderSnapshot(f.dir);
    const r = await inWork(f, ['tag', '--oci-layout', `${f.dir}@${f.v1.digest}`, 'v2']);
    assert.deepEqual([r.stderr, r.code], [`Error: ${join(f.dir, 'oci-layout')}: missing; ${f.dir} is not an OCI image layout\n`, 1]);
    assert.deepEqual(folderSnapshot(f.dir), before);
  });
});

describe('a layout folder whose oci-layout says another version', () => {
  for (const c of WRITES) {
    it(`${c.name} refuses it, naming the file and the version, and writes nothing`, async () => {
      const f = await withoutLayoutFile();
      writeFileSync(join(f.dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
      const before = folderSnapshot(f.dir);
      const r = await inWork(f, c.argv(f));
      assert.deepEqual([r.stderr, r.code], [`Error: ${join(f.dir, 'oci-layout')}: imageLayoutVersion is "2.0.0", expected "1.0.0"\n`, 1]);
      assert.deepEqual(folderSnapshot(f.dir), before);
    });
  }
});

/** Runs `fn` with standard input a terminal that types `typed` (a user answering a prompt). */
async function answering<T>(typed: string, fn: () => Promise<T>): Promise<T> {
  const own = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  const stdin = Object.assign(Readable.from([typed]), { isTTY: true });
  Object.defineProperty(process, 'stdin', { value: stdin, configurable: true });
  try {
    return await fn();
  } finally {
    Object.defineProperty(process, 'stdin', own);
  }
}

describe('a command that asks before it writes, into a layout folder whose oci-layout file is missing', () => {
  const DECLINED: Array<{ name: string; argv: (f: Fixture) => string[]; typed?: string; stdout?: RegExp; stderr: (f: Fixture) => string }> = [
    {
      name: 'manifest delete without --force',
      argv: (f) => ['manifest', 'delete', '--oci-layout', `${f.dir}:arm`],
      stderr: (f) => `Error: deleting ${f.dir}@${f.arm.digest} removes it and all tags that name it; pass --force to confirm\nRun "manifold manifest delete --help" for usage.\n`,
    },
    {
      name: 'manifest delete --include-referrers with no terminal to ask',
      argv: (f) => ['manifest', 'delete', '--oci-layout', `${f.dir}:v1`, '--include-referrers'],
      typed: '',
      stdout: /^Deleting 2 manifests:\n/,
      stderr: (f) => `Error: ${f.dir}:v1: confirm the deletion with --force (standard input is not a terminal, so there is no one to ask)\nRun "manifold manifest delete --help" for usage.\n`,
    },
    {
      name: 'manifest delete --include-referrers, answered n',
      argv: (f) => ['manifest', 'delete', '--oci-layout', `${f.dir}:v1`, '--include-referrers'],
      typed: 'n\n',
      stdout: /^Deleting 2 manifests:\n/,
      stderr: () => '',
    },
    {
      name: 'blob delete, answered n',
      argv: (f) => ['blob', 'delete', '--oci-layout', `${f.dir}@${f.loose.digest}`],
      typed: 'n\n',
      stderr: () => '',
    },
  ];
  for (const c of DECLINED) {
    it(`${c.name}: declined, it leaves the folder byte-identical (no oci-layout written)`, async () => {
      const f = await withoutLayoutFile();
      const before = folderSnapshot(f.dir);
      const run = () => inWork(f, c.argv(f));
      const r = c.typed === undefined ? await run() : c.typed === '' ? await answeringNoTerminal(run) : await answering(c.typed, run);
      assert.equal(r.stderr, c.stderr(f));
      assert.equal(r.code, c.stderr(f) ? 1 : 0);
      if (c.stdout) assert.match(r.stdout, c.stdout);
      else assert.equal(r.stdout, '');
      assert.deepEqual(folderSnapshot(f.dir), before);
      assert.equal(existsSync(join(f.dir, 'oci-layout')), false);
    });
  }

  it('blob delete, answered y: oci-layout is written back with the delete', async () => {
    const f = await withoutLayoutFile();
    const r = await answering('y\n', () => inWork(f, ['blob', 'delete', '--oci-layout', `${f.dir}@${f.loose.digest}`]));
    assert.deepEqual([r.stdout, r.stderr, r.code], [`Deleted [oci-layout] ${f.dir}@${f.loose.digest}\n`, '', 0]);
    assert.equal(readFileSync(join(f.dir, 'oci-layout'), 'utf8'), LAYOUT_FILE);
    assert.equal(existsSync(blob(f.dir, f.loose)), false);
  });
});

describe('tag that changes nothing, in a layout folder whose oci-layout file is missing', () => {
  it('a tag already pointing there: Tagged, and the folder byte-identical (no oci-layout written), as a declined delete leaves it', async () => {
    const f = await withoutLayoutFile();
    const before = folderSnapshot(f.dir);
    const r = await inWork(f, ['tag', '--oci-layout', `${f.dir}:v1`, 'v1']);
    assert.deepEqual([r.stdout, r.stderr, r.code], [`Tagging [oci-layout] ${f.dir}@${f.v1.digest}\nTagged v1\n`, '', 0]);
    assert.deepEqual(folderSnapshot(f.dir), before);
    assert.equal(existsSync(join(f.dir, 'oci-layout')), false);
  });

  it('with a tag that is new as well: that one writes, and oci-layout is written back with it', async () => {
    const f = await withoutLayoutFile();
    const r = await inWork(f, ['tag', '--oci-layout', `${f.dir}:v1`, 'v1', 'v2']);
    assert.deepEqual([r.stderr, r.code], ['', 0]);
    assert.equal(readFileSync(join(f.dir, 'oci-layout'), 'utf8'), LAYOUT_FILE);
    assert.deepEqual(await tagsOf(f.dir), ['arm', 'multi', 'v1', 'v2']);
  });
});

/** Runs `fn` with standard input not a terminal (a pipe, a CI job). */
async function answeringNoTerminal<T>(fn: () => Promise<T>): Promise<T> {
  const own = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Object.assign(Readable.from([]), { isTTY: false }), configurable: true });
  try {
    return await fn();
  } finally {
    Object.defineProperty(process, 'stdin', own);
  }
}

describe('cp --dry-run into a layout folder whose oci-layout file is missing', () => {
  const cpArgs = (f: Fixture) => ['cp', '--from-oci-layout', `${f.other}:v9`, '--to-oci-layout', `${f.dir}:copied`];
  const entries = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).sort();

  it('plans the copy the real cp then makes, says oci-layout would be written back, and writes nothing', async () => {
    const f = await withoutLayoutFile();
    const before = folderSnapshot(f.dir);
    const listed = entries(f.dir);
    const json = await inWork(f, [...cpArgs(f), '--dry-run', '--format', 'json']);
    assert.deepEqual([json.stderr, json.code], ['', 0]);
    const plan = JSON.parse(json.stdout);
    assert.equal(plan.restoresLayoutFile, join(f.dir, 'oci-layout'));
    assert.deepEqual(plan.tags, [{ tag: 'copied', digest: f.otherImage.digest, current: null }]);
    const text = await inWork(f, [...cpArgs(f), '--dry-run']);
    assert.deepEqual([text.stderr, text.code], ['', 0]);
    assert.ok(text.stdout.startsWith(`Dry run: nothing copied from ${f.other}:v9 to ${f.dir}:copied\nRoot: ${f.otherImage.digest} ${f.otherImage.mediaType}\n`), text.stdout);
    assert.ok(text.stdout.endsWith(`Tag copied -> ${f.otherImage.digest} (new)\nWould write back ${join(f.dir, 'oci-layout')}: missing from the layout\nBytes to transfer: ${plan.bytesToCopy}\n`), text.stdout);
    // Named in full however the folder was given, as prune and the errors name it.
    const relative = await inWork(f, ['cp', '--from-oci-layout', `${f.other}:v9`, '--to-oci-layout', `${relativePath(f.work, f.dir)}:copied`, '--dry-run']);
    assert.ok(relative.stdout.includes(`\nWould write back ${join(f.dir, 'oci-layout')}: missing from the layout\n`), relative.stdout);
    assert.deepEqual(folderSnapshot(f.dir), before);
    assert.deepEqual(entries(f.dir), listed);

    // The real copy does what was planned: exactly the planned blobs are new, and oci-layout is back.
    const r = await inWork(f, cpArgs(f));
    assert.equal(r.code, 0, r.stderr);
    const added = Object.keys(folderSnapshot(f.dir)).filter((k) => !(k in before)).sort();
    const planned = plan.copy.map((i: { digest: string }) => `blobs/sha256/${i.digest.slice('sha256:'.length)}`);
    assert.deepEqual(added, ['oci-layout', ...planned].sort());
    assert.equal(readFileSync(join(f.dir, 'oci-layout'), 'utf8'), LAYOUT_FILE);
  });

  it('into an empty folder, which the copy makes a new layout, plans the whole copy and leaves it empty', async () => {
    const f = await withoutLayoutFile();
    const empty = join(tempDir(), 'empty');
    mkdirSync(empty);
    const args = ['cp', '--from-oci-layout', `${f.other}:v9`, '--to-oci-layout', `${empty}:copied`];
    const json = await inWork(f, [...args, '--dry-run', '--format', 'json']);
    assert.deepEqual([json.stderr, json.code], ['', 0]);
    const plan = JSON.parse(json.stdout);
    assert.deepEqual([plan.existing, plan.restoresLayoutFile, plan.tags], [[], null, [{ tag: 'copied', digest: f.otherImage.digest, current: null }]]);
    assert.deepEqual(readdirSync(empty), []);
    assert.equal((await inWork(f, args)).code, 0);
    const stored = Object.keys(folderSnapshot(empty)).filter((k) => k.startsWith('blobs/')).sort();
    assert.deepEqual(stored, plan.copy.map((i: { digest: string }) => `blobs/sha256/${i.digest.slice('sha256:'.length)}`).sort());
  });

  it('into a layout that has its oci-layout, says nothing of it', async () => {
    const f = await withoutLayoutFile();
    writeFileSync(join(f.dir, 'oci-layout'), LAYOUT_FILE);
    const json = await inWork(f, [...cpArgs(f), '--dry-run', '--format', 'json']);
    assert.equal(JSON.parse(json.stdout).restoresLayoutFile, null);
    const text = await inWork(f, [...cpArgs(f), '--dry-run']);
    assert.doesNotMatch(text.stdout, /Would write back/);
  });
});

describe('prune --dry-run in a layout folder whose oci-layout file is missing', () => {
  it('reports what prune removes and that it would write oci-layout back, and writes nothing; prune then does so', async () => {
    const f = await withoutLayoutFile();
    const before = folderSnapshot(f.dir);
    const listed = (readdirSync(f.dir, { recursive: true }) as string[]).sort();
    const file = join(f.dir, 'oci-layout');
    const dry = await inWork(f, ['prune', '--oci-layout', f.dir, '--grace', '0s', '--dry-run']);
    assert.deepEqual([dry.stdout, dry.stderr, dry.code], [
      `Would remove blob ${f.loose.digest} (${f.loose.size} bytes)\nWould write back ${file}: missing from the layout\nWould free ${f.loose.size} bytes: 1 blob, 0 temp files, 0 lock leftovers\n`,
      '',
      0,
    ]);
    const json = await inWork(f, ['prune', '--oci-layout', f.dir, '--grace', '0s', '--dry-run', '--format', 'json']);
    assert.equal(JSON.parse(json.stdout).restoresLayoutFile, file);
    assert.deepEqual(folderSnapshot(f.dir), before);
    assert.deepEqual((readdirSync(f.dir, { recursive: true }) as string[]).sort(), listed);

    const r = await inWork(f, ['prune', '--oci-layout', f.dir, '--grace', '0s']);
    assert.deepEqual([r.stdout, r.stderr, r.code], [
      `Removed blob ${f.loose.digest} (${f.loose.size} bytes)\nWrote back ${file}: missing from the layout\nFreed ${f.loose.size} bytes: 1 blob, 0 temp files, 0 lock leftovers\n`,
      '',
      0,
    ]);
    assert.equal(readFileSync(file, 'utf8'), LAYOUT_FILE);
    assert.equal(existsSync(blob(f.dir, f.loose)), false);
  });
});
