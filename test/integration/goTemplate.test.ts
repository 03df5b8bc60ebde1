// `--format go-template` against distribution 2.8: push, attach, manifest fetch, discover, repo tags and repo ls
// through oras's templates, their output asserted whole.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MediaType } from '../../src/oci/mediaType';
import { runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from '../unit/builders';
import { hasDockerRegistry, useEmptyDockerConfig, useLaunchedRegistry } from './support';

const describeRegistry = hasDockerRegistry() ? describe : describe.skip;

describeRegistry('--format go-template against docker-registry', function () {
  this.timeout(120_000);
  useEmptyDockerConfig();
  const registry = useLaunchedRegistry();
  after(cleanupTemps);

  it("runs oras's templates over what each command did", async () => {
    const dir = tempDir('manifold-template-it-');
    writeFileSync(join(dir, 'hi.txt'), 'hi\n');
    writeFileSync(join(dir, 'sig.txt'), 'signature\n');
    const repo = `${registry.host}/tmpl/app`;
    const cli = (...args: string[]) => runCliIn(dir, ...args, '--plain-http');

    const pushed = await cli('push', `${repo}:v1,v2`, 'hi.txt:text/plain', '--artifact-type', 'application/vnd.demo', '--format', 'go-template', '--template', '{{.digest}} {{join "," .referenceAsTags}}');
    assert.equal(pushed.code, 0, pushed.stderr);
    const [digest, tags] = pushed.stdout.split(' ') as [string, string];
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(tags, `${repo}:v1,${repo}:v2`);

    const attached = await cli('attach', `${repo}:v1`, 'sig.txt', '--artifact-type', 'application/vnd.demo.sig', '--format=go-template={{.digest}}');
    assert.equal(attached.code, 0, attached.stderr);
    assert.match(attached.stdout, /^sha256:[0-9a-f]{64}$/);

    const fetched = await cli('manifest', 'fetch', `${repo}:v1`, '--format', 'go-template', '--template', '{{.reference}} {{.mediaType}} {{.content.artifactType}} {{range .content.layers}}{{index .annotations "org.opencontainers.image.title"}} {{printf "%.0f" .size}}{{end}}');
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.equal(fetched.stdout, `${repo}@${digest} ${MediaType.ImageManifest} application/vnd.demo hi.txt 3`);

    const discovered = await cli('discover', `${repo}:v1`, '--format', 'go-template', '--template', '{{range .referrers}}{{.artifactType}} {{.digest}}{{end}}');
    assert.equal(discovered.code, 0, discovered.stderr);
    assert.equal(discovered.stdout, `application/vnd.demo.sig ${attached.stdout}`);

    const listed = await cli('repo', 'tags', repo, '--format', 'go-template', '--template', '{{range .tags}}{{.}};{{end}}');
    assert.equal(listed.stdout, 'v1;v2;');
    const repos = await cli('repo', 'ls', `${registry.host}/tmpl`, '--format', 'go-template', '--template', '{{.registry}} {{.repositories}}');
    assert.equal(repos.stdout, `${registry.host} [app]`);
  });
});
