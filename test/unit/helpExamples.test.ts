// The help texts stay true: every example of `manifold <command> --help` parses with that command's own parser and,
// when it works on a layout, runs as written against a layout made for it (and, at localhost:5000, against a
// registry in memory on loopback); every usage line names the reference forms the command really accepts (a
// registry when it reaches one, each layout flag it takes, a tag list where one is taken); every flag a help text
// names exists; and the README's manifold lines parse and, where they can here, run.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON_OPTIONS, parseCommand } from '../../src/cli/command';
import { COMMANDS } from '../../src/cli/commands';
import { findCommand } from '../../src/cli/main';
import { markdownManifoldLines } from '../helpers/exampleLines';
import { EXAMPLES, FILE_COMMANDS, type Fixture, freshCopy, LAYOUT_FLAGS, makeFixture, onLayouts, runAsWritten, runnable, substitute, TAGGED } from '../helpers/exampleRuns';
import { runCli } from '../helpers/runCli';
import { startOciServer, type OciServer } from '../integration/support';
import { cleanupTemps, tempDir } from './builders';

describe('help texts', () => {
  let savedCwd: string;
  let savedDockerConfig: string | undefined;
  before(() => {
    savedCwd = process.cwd();
    savedDockerConfig = process.env.DOCKER_CONFIG;
    // No credentials of the machine's user are read or written.
    process.env.DOCKER_CONFIG = tempDir('manifold-docker-');
  });
  after(function () {
    this.timeout(120_000); // many fixture copies to remove: a loaded machine took over the default 20 s
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

  it('every example runs below, but for one that reads a password from stdin or names a registry not on loopback', () => {
    const skipped = EXAMPLES.filter((e) => !['layout', 'registry', 'files'].includes(runnable(e)));
    for (const e of skipped) assert.match(runnable(e), /^(reads a password from stdin|names a registry not on loopback)$/, `${e.command.path}: ${e.text}`);
    // login's two (password on stdin), repo ls ghcr.io/org, cp from ghcr.io.
    assert.equal(skipped.length, 4, skipped.map((e) => e.text).join('\n'));
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
    for (const e of EXAMPLES.filter((x) => runnable(x) === 'layout' || runnable(x) === 'files')) {
      await runAsWritten(e, template, startOciServer);
      ran.push(e.command.path);
    }
    // Every command that takes --oci-layout (or --from-/--to-oci-layout) shows it working in an example.
    for (const c of COMMANDS.filter((c) => LAYOUT_FLAGS.some((f) => f in c.options))) assert.ok(ran.includes(c.path), `${c.path} has no example on a layout`);
  });

  it('every example on a registry at localhost:5000 runs as written against one on loopback, seeded from the layout', async function () {
    this.timeout(120_000);
    const registryExamples = EXAMPLES.filter((x) => runnable(x) === 'registry');
    for (const e of registryExamples) await runAsWritten(e, template, startOciServer);
    assert.ok(registryExamples.length >= 10, `ran ${registryExamples.length}`);
  });

  describe('usage lines name the references each command accepts', () => {
    let server: OciServer;
    const layoutOnly: string[] = [];
    before(async () => {
      server = await startOciServer();
    });
    after(function () {
      this.timeout(60_000);
      return server.stop();
    });

    it('{REGISTRY/REPO|--oci-layout DIR}: REGISTRY when the command reaches a registry, and each layout flag it takes', async function () {
      this.timeout(60_000);
      const wrong: string[] = [];
      for (const c of COMMANDS) {
        const layoutFlags = LAYOUT_FLAGS.filter((f) => f in c.options);
        for (const f of layoutFlags) if (!new RegExp(`(?<![\\w-])--${f}(?![\\w-])`).test(c.usage)) wrong.push(`${c.path} takes --${f}, but its usage "${c.usage}" does not name it`);
        let reaches: boolean;
        // login, logout: a registry is all they take; layout export|import: layouts only, with no flag to say so.
        if (FILE_COMMANDS.includes(c)) continue; // no reference at all: files only
        if (layoutFlags.length === 0) reaches = !EXAMPLES.some((x) => x.command === c && onLayouts(x));
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
        if (!reaches) layoutOnly.push(c.path);
      }
      assert.deepEqual(wrong, []);
    });

    it('the README\'s "Registries" section names the commands that work on layouts only, as the probe above found them', () => {
      assert.ok(layoutOnly.length > 0, 'the probe ran first');
      const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
      const sentence = /Every\s+command\s+but\s+(.+?)\s+works\s+there\s+too/s.exec(readme);
      assert.ok(sentence, 'README: "Every command but ... works there too"');
      assert.deepEqual([...sentence[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort(), [...layoutOnly].sort());
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
        // backup and restore take the list on the registry reference only: an example there shows it.
        const onRegistry = c.usage.includes('REGISTRY/REPO[:tag[,tag]...]') && EXAMPLES.some((x) => x.command === c && x.argv.some((a) => /^localhost:5000\/[\w/-]+:[\w.-]+,[\w.-]+$/.test(a)));
        if (says && !onRegistry) wrong.push(`${c.path}: its usage takes a tag list, but no example on a layout names a tag`);
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
      const run = lines.filter((l) => ['layout', 'registry', 'files'].includes(runnable(l)));
      for (const l of run) await runAsWritten({ ...l, command: findCommand(l.argv).command! }, template, startOciServer, `README.md:${l.line}: ${l.text}`);
      const skipped = lines.filter((l) => !run.includes(l)).map((l) => `${l.line} ${runnable(l)}`);
      assert.ok(skipped.length <= 7, `not run: ${skipped.join('; ')}`);
    });
  });
});

