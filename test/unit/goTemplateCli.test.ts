// `--format go-template` on the commands oras gives it: real commands on a layout, their output asserted whole.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor';
import { MediaType } from '../../src/oci/mediaType';
import { runCli, runCliIn } from '../helpers/runCli';
import { cleanupTemps, makeArtifact, makeMultiArchLayout, tempDir } from './builders';

describe('--format go-template', () => {
  let dir: string;
  let index: Descriptor;
  let amd64: Descriptor;
  let sbom: Descriptor;
  let sig: Descriptor;
  before(async () => {
    const made = await makeMultiArchLayout();
    dir = made.store.location;
    index = made.index;
    amd64 = made.children[0]!;
    await made.store.tag(amd64, 'amd64');
    sbom = await makeArtifact(made.store, { subject: index, artifactType: 'application/spdx+json', annotations: { 'org.example.note': 'big <sbom>' } });
    sig = await makeArtifact(made.store, { subject: sbom, artifactType: 'application/vnd.demo.sig' });
  });
  after(cleanupTemps);

  it('manifest fetch: the descriptor fields and the manifest as content, with --template or go-template=', async () => {
    const r = await runCli('manifest', 'fetch', '--oci-layout', `${dir}:multi`, '--format', 'go-template', '--template', '{{.digest}} {{.size}} {{.mediaType}} {{len .content.manifests}}{{range .content.manifests}} {{.platform.architecture}}{{end}}');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${index.digest} ${index.size} ${MediaType.ImageIndex} 3 amd64 arm64 arm`);
    const eq = await runCli('manifest', 'fetch', '--oci-layout', `${dir}:multi`, `--format=go-template={{.reference}}{{println}}{{toJson .content.schemaVersion}}`);
    assert.equal(eq.stdout, `${dir}@${index.digest}\n2`);
  });

  it('manifest fetch --format json: oras\'s object (reference, descriptor, content with sorted keys)', async () => {
    const r = await runCli('manifest', 'fetch', '--oci-layout', `${dir}@${amd64.digest}`, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', amd64.digest.slice(7)), 'utf8')) as Record<string, unknown>;
    const expected = { reference: `${dir}@${amd64.digest}`, mediaType: MediaType.ImageManifest, digest: amd64.digest, size: amd64.size, content: manifest };
    assert.deepEqual(JSON.parse(r.stdout), expected);
    assert.match(r.stdout, /^\{\n {2}"reference": .*\n {2}"content": \{\n {4}"config": \{/s);
    assert.ok(r.stdout.endsWith('}\n'));
  });

  it('manifest fetch refuses --format with --descriptor, --pretty and --output -, as oras', async () => {
    for (const [flag, message] of [
      ['--descriptor', 'Error: --format and --descriptor cannot be used at the same time\n'],
      ['--pretty', 'Error: --format and --pretty cannot be used at the same time\n'],
    ] as const) {
      const r = await runCli('manifest', 'fetch', '--oci-layout', `${dir}:multi`, '--format', 'go-template', '--template', '{{.digest}}', flag);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.startsWith(message), r.stderr);
    }
    const o = await runCli('manifest', 'fetch', '--oci-layout', `${dir}:multi`, '--format', 'json', '--output', '-');
    assert.ok(o.stderr.startsWith('Error: --output - cannot be used with --format json at the same time\n'), o.stderr);
  });

  it('discover: the referrers tree oras gives its template, ranged and nested', async () => {
    const template = '{{.digest}}\n{{range .referrers}}{{.artifactType}} {{.digest}} {{index .annotations "org.example.note"}}\n{{range .referrers}}  {{.artifactType}}\n{{end}}{{end}}';
    const r = await runCli('discover', '--oci-layout', `${dir}:multi`, '--format', 'go-template', '--template', template);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${index.digest}\napplication/spdx+json ${sbom.digest} big <sbom>\n  application/vnd.demo.sig\n`);
    void sig;
    // toJson: Go's encoding, < and > escaped; a map printed as Go prints it.
    const j = await runCli('discover', '--oci-layout', `${dir}:multi`, '--format=go-template={{(index .referrers 0).annotations | toJson}} {{(index .referrers 0).annotations}}');
    assert.equal(j.stdout, '{"org.example.note":"big \\u003csbom\\u003e"} map[org.example.note:big <sbom>]');
  });

  it('discover: a recursive define walks the referrers tree; sprig shapes the lines', async () => {
    // The shape of `oras discover --format tree`, as a template: each referrer indented under its subject.
    const template = '{{define "tree"}}{{$pad := .pad}}{{range .refs}}{{$pad}}{{.artifactType | trimPrefix "application/" | upper}} {{substr 7 19 .digest}}\n{{template "tree" dict "refs" .referrers "pad" (cat $pad "  ")}}{{end}}{{end}}{{.digest | trunc 19}}\n{{template "tree" dict "refs" .referrers "pad" ""}}{{regexReplaceAll "^(\\\\w+):.*$" .digest "${1}"}}';
    const r = await runCli('discover', '--oci-layout', `${dir}:multi`, '--format', 'go-template', '--template', template);
    assert.equal(r.code, 0, r.stderr);
    const short = (d: string) => d.slice(7, 19);
    assert.equal(r.stdout, `${index.digest.slice(0, 19)}\nSPDX+JSON ${short(sbom.digest)}\n   VND.DEMO.SIG ${short(sig.digest)}\nsha256`);
    // An unknown template is Go's error, after what was printed.
    const bad = await runCli('discover', '--oci-layout', `${dir}:multi`, '--format=go-template=x{{template "nosuch" .}}');
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, 'x');
    assert.equal(bad.stderr, 'Error: template: format output:1:12: executing "format output" at <{{template "nosuch" .}}>: template "nosuch" not defined\n');
  });

  it('repo tags: oras\'s {tags: [names]}, so oras\'s templates print the same', async () => {
    const r = await runCli('repo', 'tags', '--oci-layout', dir, '--format', 'go-template', '--template', '{{range .tags}}{{.}}\n{{end}}{{len .tags}} {{.tags}}');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'amd64\nmulti\n2 [amd64 multi]');
    const joined = await runCli('repo', 'tags', '--oci-layout', dir, '--format=go-template={{join "," .tags}}');
    assert.equal(joined.stdout, 'amd64,multi');
  });

  it('push and pull: the JSON objects, through a template', async () => {
    const work = tempDir();
    const file = join(work, 'hi.txt');
    writeFileSync(file, 'hi\n');
    const target = join(work, 'out');
    const p = await runCliIn(work, 'push', '--oci-layout', `${target}:v1`, 'hi.txt:text/plain', '--artifact-type', 'application/vnd.demo', '--format', 'go-template', '--template', '{{.artifactType}} {{.referenceAsTags}}');
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout, `application/vnd.demo [${target}:v1]`);
    const pulled = join(work, 'pulled');
    const l = await runCli('pull', '--oci-layout', `${target}:v1`, '-o', pulled, '--format', 'go-template', '--template', '{{range .files}}{{.size}} {{.mediaType}}{{end}}');
    assert.equal(l.code, 0, l.stderr);
    assert.equal(l.stdout, '3 text/plain');
  });

  it('attach: oras\'s fields of the one artifact made at the top, beside artifacts', async () => {
    const work = tempDir();
    writeFileSync(join(work, 'note.txt'), 'note\n');
    const r = await runCliIn(work, 'attach', '--oci-layout', `${dir}:amd64`, '--artifact-type', 'application/vnd.demo.note', 'note.txt', '--format', 'go-template', '--template', '{{.artifactType}} {{eq .digest (index .artifacts 0).digest}} {{(index .artifacts 0).subject.digest}} {{len .skipped}}');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `application/vnd.demo.note true ${amd64.digest} 0`);
  });

  it('refuses a missing template, --template without go-template, an unknown format, a bad template, naming line and column', async () => {
    const run = (...args: string[]) => runCli('manifest', 'fetch', '--oci-layout', `${dir}:multi`, ...args);
    const cases: [string[], string][] = [
      [['--format', 'go-template'], 'Error: "go-template" format specified but no template given: use --format go-template=TEMPLATE or --template TEMPLATE\n'],
      [['--template', '{{.digest}}'], 'Error: --template must be used with --format go-template\n'],
      [['--format', 'json', '--template', '{{.digest}}'], 'Error: --template must be used with --format go-template\n'],
      [['--format', 'yaml'], 'Error: unsupported format "yaml": use text or json or go-template\n'],
      [['--format', 'go-template', '--template', '{{.digest | nosuch}}'], 'Error: template: format output:1:12: function "nosuch" not defined\n'],
      [['--format', 'go-template', '--template', 'a\n{{if .digest}}x'], 'Error: template: format output:2:15: unexpected EOF\n'],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.startsWith(message), `${args.join(' ')}: ${r.stderr}`);
    }
    // A template failing as it runs: what it printed before, then Go's error with where it failed.
    const r = await run('--format', 'go-template', '--template', '{{.digest}} {{.digest.x}}');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, `${index.digest} `);
    assert.equal(r.stderr, 'Error: template: format output:1:21: executing "format output" at <.digest.x>: can\'t evaluate field x in type interface {}\n');
    // A missing field is Go's <no value>.
    assert.equal((await run('--format', 'go-template', '--template', '{{.nosuch}}')).stdout, '<no value>');
  });

  it('--help of each command shows --template', async () => {
    for (const path of [['manifest', 'fetch'], ['discover'], ['push'], ['pull'], ['attach'], ['repo', 'tags'], ['repo', 'ls']]) {
      const r = await runCli(...path, '--help');
      assert.match(r.stdout, /--template TEMPLATE +Go template for --format go-template/, path.join(' '));
      assert.match(r.stdout, /--format FORMAT .*go-template/, path.join(' '));
    }
  });
});
