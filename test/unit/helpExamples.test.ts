// The help texts stay true: every example of `manifold <command> --help` parses with that command's own parser and,
// when it works on a layout, runs as written against a layout made for it; every usage line names the reference
// forms the command really accepts (a registry when it reaches one, each layout flag it has); every flag a help
// text names exists; and the README's manifold lines parse.
import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON_OPTIONS, type Command, parseCommand } from '../../src/cli/command';
import { COMMANDS } from '../../src/cli/commands';
import { findCommand } from '../../src/cli/main';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { type ExampleLine, joinContinuations, markdownManifoldLines, splitManifoldLine } from '../helpers/exampleLines';
import { runCli } from '../helpers/runCli';
import { startOciServer, type OciServer } from '../integration/support';
import { cleanupTemps, makeArtifact, makeImage, makeIndex, tempDir } from './builders';

const LAYOUT_FLAGS = ['oci-layout', 'from-oci-layout', 'to-oci-layout'] as const;

interface Example extends ExampleLine {
  command: Command;
}

/** Each command's examples, `\`-continued lines joined, `# ...` lines (explanations) left out. */
const EXAMPLES: Example[] = COMMANDS.flatMap((command) =>
  joinContinuations(command.examples ?? [])
    .filter((text) => !text.startsWith('#'))
    .map((text) => {
      const line = splitManifoldLine(text);
      assert.ok(line, `${command.path}: example ${JSON.stringify(text)} does not run manifold`);
      return { ...line, command };
    }),
);

function flagsOf(argv: string[]): string[] {
  return argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).replace(/=.*/, ''));
}

/** A layout reference with a tag, as the examples name them (`layout:v1`, cp's `other:v1`). */
const TAGGED = /^(layout|other|out\.tar|backup):[\w.-]+$/;

/** Whether a positional names a registry repository (`localhost:5000/app`, `ghcr.io/org/app`): not run here. */
function hostIn(argv: string[]): boolean {
  // host[:port]/ where the host is localhost, has a dot, or a port follows: not docs/ or demo/layout, nor FILE:TYPE (hi.txt:text/plain).
  return argv.some((a) => /^[a-z0-9.-]+(:\d+)?\//i.test(a) && /^(localhost[:/]|[^/:]*\.[^/:]*[:/]|[^/:]*:\d+\/)/i.test(a));
}

/** An example that works on layouts only: it has a layout flag and names no registry. */
function onLayouts(e: ExampleLine): boolean {
  return flagsOf(e.argv).some((f) => (LAYOUT_FLAGS as readonly string[]).includes(f)) && !hostIn(e.argv);
}

/**
 * How an example can run here: on layouts only, or against a registry at localhost:5000 (played by one on
 * loopback); else why not: it reads a password from stdin (login: no one types it here), names another registry
 * (ghcr.io, registry.example.com: no network in tests), or works on no layout.
 */
function runnable(e: ExampleLine): 'layout' | 'registry' | string {
  if (e.argv.includes('--password-stdin')) return 'reads a password from stdin';
  const hosts = e.argv.filter((a) => hostIn([a]));
  if (hosts.some((a) => !a.startsWith('localhost:5000/') && a !== 'localhost:5000')) return 'names a registry not on loopback';
  if (e.argv.some((a) => a.startsWith('localhost:5000'))) return 'registry';
  return onLayouts(e) ? 'layout' : 'works on no layout';
}

/**
 * Runs an example as written in a copy of the fixture (placeholders made real, see substitute), against a fresh
 * registry on loopback standing for localhost:5000 when it names one, and checks it exits as documented.
 */
async function runAsWritten(e: Example, template: Fixture, where = JSON.stringify(e.text)): Promise<void> {
  const fixture = freshCopy(template);
  process.chdir(fixture.dir);
  const server = runnable(e) === 'registry' ? await startOciServer() : undefined;
  try {
    let argv = substitute(e, fixture);
    if (server) {
      // The repositories the examples name: app:v1 (the multi-arch index and its referrers), app:v2, hello:v1 (an image).
      for (const [from, to] of [['layout:v1', 'app:v1'], ['layout:v2', 'app:v2'], ['layout:linux-amd64', 'hello:v1']]) {
        const seeded = await runCli('cp', '-r', '--from-oci-layout', from!, `${server.host}/${to}`, '--plain-http');
        assert.equal(seeded.code, 0, seeded.stderr);
      }
      argv = argv.map((a) => a.replace(/^localhost:5000/, server.host));
    }
    const r = await runCli(...argv);
    const expected = expectedOutcome(e);
    const shown = `${where} in ${fixture.dir} (ran: manifold ${argv.join(' ')})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
    assert.equal(r.code, expected.code, shown);
    if (expected.stderr) assert.match(r.stderr, expected.stderr, shown);
    else if (expected.code === 0) assert.doesNotMatch(r.stderr, /Error/, shown);
  } finally {
    await server?.stop();
  }
}

describe('help texts', () => {
  let savedCwd: string;
  let savedDockerConfig: string | undefined;
  before(() => {
    savedCwd = process.cwd();
    savedDockerConfig = process.env.DOCKER_CONFIG;
    // No credentials of the machine's user are read or written.
    process.env.DOCKER_CONFIG = tempDir('manifold-docker-');
  });
  after(() => {
    process.chdir(savedCwd);
    if (savedDockerConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = savedDockerConfig;
    cleanupTemps();
  });
  afterEach(() => process.chdir(savedCwd));
  // Made once; each example runs in a copy of its own.
  let template: Fixture;
  before(async () => {
    template = await makeFixture();
  });

  it('has examples to check: every command has at least one', () => {
    for (const c of COMMANDS) assert.ok(EXAMPLES.some((e) => e.command === c), `${c.path} has no example`);
  });

  it('every example names its own command and parses with its option parser (flags, number of arguments)', () => {
    for (const e of EXAMPLES) {
      const found = findCommand(e.argv);
      assert.equal(found.command?.path, e.command.path, `${e.command.path}: example ${JSON.stringify(e.text)} runs ${found.command?.path ?? 'no command'}`);
      assert.doesNotThrow(() => parseCommand(e.command, found.rest), (err: Error) => assert.fail(`${e.command.path}: example ${JSON.stringify(e.text)}: ${err.message}`));
    }
  });

  it('every alias selects its command', () => {
    for (const c of COMMANDS) for (const alias of c.aliases ?? []) assert.equal(findCommand(alias.split(' ')).command?.path, c.path, `alias "${alias}" of ${c.path}`);
  });

  it('every flag a summary, usage line or flag description names is a flag of that command', () => {
    for (const c of COMMANDS) {
      const own = new Set(Object.keys({ ...COMMON_OPTIONS, ...c.options }));
      const texts = [c.summary, c.usage, ...Object.values(c.options).map((o) => o.description)];
      for (const text of texts) {
        for (const [, flag] of text.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)) assert.ok(own.has(flag!), `${c.path}: "${text}" names --${flag}, which it does not take`);
      }
    }
  });

  it('every example that works on a layout runs as written and exits as documented', async function () {
    this.timeout(120_000);
    const ran: string[] = [];
    for (const e of EXAMPLES.filter((x) => runnable(x) === 'layout')) {
      await runAsWritten(e, template);
      ran.push(e.command.path);
    }
    // Every command that takes --oci-layout (or --from-/--to-oci-layout) shows it working in an example.
    for (const c of COMMANDS.filter((c) => LAYOUT_FLAGS.some((f) => f in c.options))) assert.ok(ran.includes(c.path), `${c.path} has no example on a layout`);
  });

  it('every example on a registry at localhost:5000 runs as written against one on loopback, seeded from the layout', async function () {
    this.timeout(120_000);
    const registryExamples = EXAMPLES.filter((x) => runnable(x) === 'registry');
    for (const e of registryExamples) await runAsWritten(e, template);
    assert.ok(registryExamples.length >= 10, `ran ${registryExamples.length}`);
  });

  describe('usage lines name the references each command accepts', () => {
    let server: OciServer;
    before(async () => {
      server = await startOciServer();
    });
    after(() => server.stop());

    it('{REGISTRY/REPO|--oci-layout DIR}: REGISTRY when the command reaches a registry, and each layout flag it takes', async function () {
      this.timeout(60_000);
      const wrong: string[] = [];
      for (const c of COMMANDS) {
        const layoutFlags = LAYOUT_FLAGS.filter((f) => f in c.options);
        for (const f of layoutFlags) if (!new RegExp(`(?<![\\w-])--${f}(?![\\w-])`).test(c.usage)) wrong.push(`${c.path} takes --${f}, but its usage "${c.usage}" does not name it`);
        let reaches: boolean;
        if (layoutFlags.length === 0) reaches = true; // login, logout: a registry is all they take
        else {
          // Its own layout example with the layout flags dropped and the layout named as a repository of a
          // registry on loopback: the command either asks that registry (so it works on registries) or refuses.
          const e = EXAMPLES.find((x) => x.command === c && onLayouts(x))!;
          const fixture = freshCopy(template);
          const argv = substitute(e, fixture)
            .filter((a) => !LAYOUT_FLAGS.some((f) => a === `--${f}`))
            .map((a) => a.replace(/^(layout|other|out\.tar)(?=$|[:@])/, `${server.host}/$1`));
          process.chdir(fixture.dir);
          const before = server.requests.length;
          await runCli(...argv, '--plain-http', '--retries', '0');
          reaches = server.requests.length > before;
        }
        if (reaches && !c.usage.includes('REGISTRY')) wrong.push(`${c.path} works on registries too, but its usage "${c.usage}" does not say so`);
        if (!reaches && c.usage.includes('REGISTRY')) wrong.push(`${c.path} works on layouts only, but its usage "${c.usage}" names a registry`);
      }
      assert.deepEqual(wrong, []);
    });
  });

  it('[:tag[,tag]...] when the command takes a list of tags, and only then', async function () {
    this.timeout(60_000);
    const wrong: string[] = [];
    for (const c of COMMANDS) {
      const e = EXAMPLES.find((x) => x.command === c && runnable(x) === 'layout' && x.argv.some((a) => TAGGED.test(a)));
      const says = c.usage.includes(',tag');
      if (says && !c.usage.includes('[:tag[,tag]...]')) wrong.push(`${c.path}: "${c.usage}" spells a tag list otherwise than [:tag[,tag]...]`);
      if (!e) {
        if (says) wrong.push(`${c.path}: its usage takes a tag list, but no example on a layout names a tag`);
        continue;
      }
      // Its layout example with a second tag on the last tagged reference (cp's destination): refused or not.
      const fixture = freshCopy(template);
      process.chdir(fixture.dir);
      const argv = substitute(e, fixture);
      const last = argv.map((a) => TAGGED.test(a)).lastIndexOf(true);
      argv[last] += ',also';
      const r = await runCli(...argv);
      const accepts = !r.stderr.includes('only one tag is allowed here');
      if (accepts !== says) wrong.push(`${c.path} ${accepts ? 'takes' : 'refuses'} a tag list (${argv.join(' ')}: exit ${r.code}), but its usage "${c.usage}" ${says ? 'offers' : 'does not offer'} one`);
    }
    assert.deepEqual(wrong, []);
  });

  describe('the README', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    // Lines with placeholders (`sha256:...`, `[--pretty]`) parse too: `...` is only ever inside a reference there.
    const lines = markdownManifoldLines(readme);

    it('has manifold lines in its sh blocks', () => {
      assert.ok(lines.length > 40, `found ${lines.length}`);
    });

    it('every manifold line in a ```sh block names a command and parses with its option parser', () => {
      for (const l of lines) {
        const found = findCommand(l.argv);
        assert.ok(found.command, `README.md:${l.line}: ${l.text}: no such command`);
        assert.doesNotThrow(() => parseCommand(found.command!, found.rest), (err: Error) => assert.fail(`README.md:${l.line}: ${l.text}: ${err.message}`));
      }
    });

    it('every manifold line on a layout or on localhost:5000 runs as written and exits as documented', async function () {
      this.timeout(120_000);
      // Not run (see runnable): login (password on stdin) and the lines naming registry.example.com or
      // registry.example:5000, the registry of the "Registries" section and the CI gate, not one on loopback.
      const run = lines.filter((l) => runnable(l) === 'layout' || runnable(l) === 'registry');
      for (const l of run) await runAsWritten({ ...l, command: findCommand(l.argv).command! }, template, `README.md:${l.line}: ${l.text}`);
      const skipped = lines.filter((l) => !run.includes(l)).map((l) => `${l.line} ${runnable(l)}`);
      assert.ok(skipped.length <= 7, `not run: ${skipped.join('; ')}`);
    });
  });
});

// ---- the layout the examples work on -----------------------------------------------------------------

interface Fixture {
  dir: string;
  /** The v1 index (linux/amd64, linux/arm64, linux/arm/v7, windows/amd64). */
  v1: Descriptor;
  /** linux/arm/v7's image, in v1 and tagged nowhere: what `--remove sha256:...` removes. */
  armV7: Descriptor;
  /** A layer of linux/amd64's image: what `blob fetch|delete DIR@sha256:...` name. */
  layer: string;
}

/**
 * `layout` in a fresh folder holding every name the examples (help and README) use: v1 (a multi-arch index with a
 * signature, and an SBOM on linux/amd64 only, so `--require signature,sbom` finds linux/arm64 lacking one), v2,
 * v2-windows and v1-windows, linux-amd64, linux-amd64-patched, linux-arm64, old, stable, a, b, c; a copy of it at
 * demo/layout (the README's CI gate); beside it the files they read (hi.txt, docs/, a1.sig, sbom.json, ...).
 */
async function makeFixture(): Promise<Fixture> {
  const dir = tempDir('manifold-examples-');
  const store = await OciLayoutStore.open(join(dir, 'layout'), { create: true });
  const amd = await makeImage(store, { os: 'linux', arch: 'amd64' });
  const arm = await makeImage(store, { os: 'linux', arch: 'arm64' });
  const armV7 = await makeImage(store, { os: 'linux', arch: 'arm', variant: 'v7' });
  const win = await makeImage(store, { os: 'windows', arch: 'amd64' });
  const v1 = await makeIndex(store, [amd, arm, armV7, win], { annotations: { 'old.key': 'gone soon' } });
  await store.tag(v1, 'v1');
  await store.tag(await makeIndex(store, [amd, arm], { annotations: { 'org.example.version': '2' } }), 'v2');
  const windows = await makeIndex(store, [win]);
  for (const t of ['v2-windows', 'v1-windows']) await store.tag(windows, t);
  await store.tag(amd, 'linux-amd64');
  await store.tag(arm, 'linux-arm64');
  await store.tag(await makeImage(store, { os: 'linux', arch: 'amd64', seed: 'patched' }), 'linux-amd64-patched');
  for (const t of ['old', 'stable', 'a', 'b', 'c']) await store.tag(amd, t);
  await makeArtifact(store, { subject: v1, artifactType: 'application/vnd.cncf.notary.signature' });
  await makeArtifact(store, { subject: amd, artifactType: 'application/spdx+json', title: 'sbom.json' });
  for (const [name, text] of Object.entries({ 'hi.txt': 'hi\n', 'a1.sig': 'sig a\n', 'b1.sig': 'sig b\n', 'c1.sig': 'sig c\n', 'sbom.json': '{"spdxVersion":"SPDX-2.3"}\n' })) {
    writeFileSync(join(dir, name), text);
  }
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs', 'readme.md'), '# docs\n');
  writeFileSync(join(dir, 'config.json'), '{"purpose":"example"}\n');
  writeFileSync(join(dir, 'annotations.json'), JSON.stringify({ $manifest: { 'org.example.k': 'v' }, 'hi.txt': { 'org.example.file': 'hi' } }));
  writeFileSync(join(dir, 'kinds.json'), JSON.stringify({ kinds: [{ id: 'license', title: 'LICENSE', artifactTypes: ['application/vnd.example.license'] }] }));
  // What `manifest push ... index.json` stores: an index of an image the layout holds.
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [amd] }));
  const manifest = JSON.parse((await store.fetchBytes(amd)).toString('utf8')) as { layers: Descriptor[] };
  cpSync(join(dir, 'layout'), join(dir, 'demo', 'layout'), { recursive: true });
  return { dir, v1, armV7, layer: manifest.layers[0]!.digest };
}

/** A copy of the fixture's folder: the same digests, somewhere an example may change at will. */
function freshCopy(f: Fixture): Fixture {
  const dir = tempDir('manifold-examples-');
  cpSync(f.dir, dir, { recursive: true });
  return { ...f, dir };
}

/**
 * The example's argv with its digest placeholders made real: `DIR@sha256:...` names a layer for the blob commands
 * and the v1 index for the others; a bare `sha256:...` (a manifest to add or remove) names linux/arm/v7's image.
 */
function substitute(e: Example, f: Fixture): string[] {
  const placeholder = /sha256:[0-9a-f]*\.\.\.$/;
  return e.argv.map((a) => {
    if (!placeholder.test(a)) return a;
    if (a.includes('@')) return a.replace(placeholder, e.command.path.startsWith('blob ') ? f.layer : f.v1.digest);
    return a.replace(placeholder, f.armV7.digest);
  });
}

/**
 * 0, unless the example's comment documents another outcome: `exit code N`, or `asks` (a question on a terminal:
 * here, where stdin is none, the command refuses and says to confirm with --force).
 */
function expectedOutcome(e: Example): { code: number; stderr?: RegExp } {
  const code = /exit code (\d+)/.exec(e.comment ?? '');
  if (code) return { code: Number(code[1]) };
  if (/\basks\b/.test(e.comment ?? '')) return { code: 1, stderr: /confirm the deletion with --force/ };
  return { code: 0 };
}
