// Layouts `cosign save` wrote, their index.json damaged at random, the same way every run (seeded): the kind
// annotations that name the saved signature and attestation (indexView.ts) mutated with the rest, then every command
// that reads those names run on it. Each must end with a result or an error naming the problem, never a crash.
import { strict as assert } from 'node:assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosignKeyFiles } from '../helpers/cosignKeys';
import { CRASH_TEXT, mutateJson, seededRandom } from '../helpers/jsonMutations';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeMultiArchLayout, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const SWEEP = process.env.SWEEP_SEEDS?.split('-').map(Number);
const [FIRST, LAST] = SWEEP && SWEEP.length === 2 ? SWEEP : [1, 25];

describe('cosign-saved layouts damaged at random (seeded): every command names the problem', function () {
  this.timeout(300_000);
  let base: string;
  let image: string;
  let pub: string;
  before(async () => {
    const { store, index } = await makeMultiArchLayout();
    const k = cosignKeyFiles();
    pub = k.pub;
    const sbom = join(k.dir, 'sbom.json');
    writeFileSync(sbom, JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'app' }));
    const at = `${store.location}:multi`;
    assert.equal((await runCli('sign', '--key', k.key, '--passphrase-file', k.pass, '--identity', 'r.example/app:v1', '--oci-layout', at)).code, 0);
    assert.equal((await runCli('attest', '--key', k.key, '--passphrase-file', k.pass, '--predicate', sbom, '--type', 'spdxjson', '--subject-name', 'r.example/app', '--oci-layout', at)).code, 0);
    const file = join(store.location, 'index.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
    const named = (tag: string) => (doc.manifests as Json[]).find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)!;
    const kind = (d: Json, k: string) => ({ mediaType: d.mediaType, size: d.size, digest: d.digest, annotations: { kind: `dev.cosignproject.cosign/${k}` } });
    const hex = index.digest.slice(7);
    writeFileSync(file, JSON.stringify({ schemaVersion: 2, mediaType: doc.mediaType, manifests: [kind(index, 'imageIndex'), kind(named(`sha256-${hex}.sig`), 'sigs'), kind(named(`sha256-${hex}.att`), 'atts')] }));
    base = store.location;
    image = index.digest;
  });

  const runs = (dir: string, out: string): string[][] => [
    ['repo', 'tags', '--all', '--oci-layout', dir],
    ['verify', '--key', pub, '--oci-layout', `${dir}@${image}`],
    ['verify-attestation', '--key', pub, '--format', 'json', '--oci-layout', `${dir}@${image}`],
    ['coverage', '--key', pub, '--oci-layout', `${dir}@${image}`],
    ['check', '--oci-layout', dir],
    ['cp', '-r', '--from-oci-layout', '--to-oci-layout', `${dir}@${image}`, `${join(out, 'copy')}:v1`],
    ['untag', '--oci-layout', `${dir}:sha256-${image.slice(7)}.sig`],
  ];

  it('undamaged: the saved signature verifies (the sweep starts from a layout that works)', async () => {
    const r = await runCli('verify', '--key', pub, '--oci-layout', `${base}@${image}`);
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });

  for (let seed = FIRST; seed <= LAST; seed++) {
    it(`seed ${seed}`, async () => {
      const dir = join(tempDir(), 'saved');
      cpSync(base, dir, { recursive: true });
      const damaged = mutateJson(readFileSync(join(dir, 'index.json'), 'utf8'), seededRandom(seed));
      writeFileSync(join(dir, 'index.json'), damaged);
      const bad: string[] = [];
      for (const argv of runs(dir, tempDir())) {
        const r = await runCli(...argv);
        const shown = r.stderr + r.stdout;
        if (CRASH_TEXT.test(shown)) bad.push(`${argv.slice(0, 2).join(' ')}: ${shown.split('\n').find((l) => CRASH_TEXT.test(l))}`);
        if (argv[0]!.startsWith('verify') && ![0, 1, 3].includes(r.code)) bad.push(`${argv[0]}: exit code ${r.code}`);
      }
      assert.deepEqual(bad, [], damaged);
    });
  }
});
