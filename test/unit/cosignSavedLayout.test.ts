// A layout as `cosign save` writes it (cosign's pkg/oci/layout): no entry named; the image (or index) marked
// `kind: dev.cosignproject.cosign/imageIndex`, its signature and attestation manifests `kind: .../sigs` and `.../atts`.
// Made here from a layout signed and attested as cosign does, index.json rewritten to that shape (the blobs are the
// same): verify, verify-attestation and coverage find them under the tags `cosign load` would push; cp -r
// carries them as those tags; a new signature is added beside the saved one; a layout of two images names nothing.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OciLayoutStore } from '../../src/oci/layout';
import { cosignTag } from '../../src/oci/referrers';
import { cosignKeyFiles } from '../helpers/cosignKeys';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, makeImage, makeMultiArchLayout, tempDir } from './builders';

after(cleanupTemps);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const KIND = 'dev.cosignproject.cosign/';

/** A cosign key pair and an SPDX document to attest. */
function keyPair() {
  const keys = cosignKeyFiles();
  const sbom = join(keys.dir, 'sbom.json');
  writeFileSync(sbom, JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'app' }));
  return { ...keys, sbom };
}

/** index.json as cosign save writes it: the image, its .sig and .att manifests, each marked by kind, none named (go-containerregistry's AppendImage order). */
function asCosignSaved(dir: string, image: string): void {
  const file = join(dir, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const entry = (digest: string, kind: string) => {
    const d = index.manifests.find((m: Json) => m.digest === digest) as Json;
    return { mediaType: d.mediaType, size: d.size, digest: d.digest, annotations: { kind: `${KIND}${kind}` } };
  };
  const named = (tag: string) => (index.manifests as Json[]).find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)!.digest as string;
  const hex = image.slice(7);
  writeFileSync(file, JSON.stringify({ schemaVersion: 2, mediaType: index.mediaType, manifests: [entry(image, 'imageIndex'), entry(named(`sha256-${hex}.sig`), 'sigs'), entry(named(`sha256-${hex}.att`), 'atts')] }));
}

describe('a layout cosign save wrote (kind annotations, no names)', () => {
  it('verify, verify-attestation and coverage find the saved signature and attestation under cosign load’s tags; repo tags --all lists them', async () => {
    const { store, index } = await makeMultiArchLayout();
    const k = keyPair();
    const at = `${store.location}:multi`;
    assert.equal((await runCli('sign', '--key', k.key, '--passphrase-file', k.pass, '--identity', 'r.example/app:v1', '--oci-layout', at)).code, 0);
    const att = await runCli('attest', '--key', k.key, '--passphrase-file', k.pass, '--predicate', k.sbom, '--type', 'spdxjson', '--subject-name', 'r.example/app', '--oci-layout', at);
    assert.equal(att.code, 0, att.stderr);
    asCosignSaved(store.location, index.digest);
    const ref = `${store.location}@${index.digest}`;

    const tags = await runCli('repo', 'tags', '--all', '--oci-layout', store.location);
    assert.equal(tags.code, 0, tags.stderr);
    assert.deepEqual(tags.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), [cosignTag(index.digest, 'att'), cosignTag(index.digest, 'sig')]);
    const v = await runCli('verify', '--key', k.pub, '--oci-layout', ref);
    assert.equal(v.code, 0, v.stderr + v.stdout);
    assert.equal(v.stdout, `index ${store.location}@${index.digest}: verified by ${k.pub} (ecdsa-p256), signed as r.example/app:v1\n`);
    // The folder alone, as cosign verify --local-image takes it: the one image cosign save marked, said on stderr.
    const alone = await runCli('verify', '--key', k.pub, '--oci-layout', store.location);
    assert.equal(alone.code, 0, alone.stderr);
    assert.equal(alone.stderr, `Note: ${store.location} names no image; checking the one cosign save marked, ${store.location}@${index.digest}\n`);
    assert.equal(alone.stdout, v.stdout);
    const inspected = await runCli('inspect', '--oci-layout', store.location);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.match(inspected.stdout, new RegExp(`^index ${store.location}@${index.digest}: 1 signature`));
    const a = await runCli('verify-attestation', '--key', k.pub, '--type', 'spdxjson', '--oci-layout', ref);
    assert.equal(a.code, 0, a.stderr + a.stdout);
    const cov = JSON.parse((await runCli('coverage', '--format', 'json', '--oci-layout', ref)).stdout) as Json;
    const counts = cov.manifests.find((m: Json) => m.digest === index.digest).counts;
    assert.deepEqual([counts.signature, counts.sbom], [1, 1]);
  });

  it('cp -r carries them as the tags cosign load pushes; sign adds a signature beside the saved one, under a tag of its own', async () => {
    const { store, index } = await makeMultiArchLayout();
    const k = keyPair();
    assert.equal((await runCli('sign', '--key', k.key, '--passphrase-file', k.pass, '--identity', 'r.example/app:v1', '--oci-layout', `${store.location}:multi`)).code, 0);
    assert.equal((await runCli('attest', '--key', k.key, '--passphrase-file', k.pass, '--predicate', k.sbom, '--type', 'spdxjson', '--subject-name', 'r.example/app', '--oci-layout', `${store.location}:multi`)).code, 0);
    asCosignSaved(store.location, index.digest);
    const ref = `${store.location}@${index.digest}`;

    const out = join(tempDir(), 'copy');
    const cp = await runCli('cp', '-r', '--from-oci-layout', ref, '--to-oci-layout', `${out}:v1`);
    assert.equal(cp.code, 0, cp.stderr);
    const copy = await OciLayoutStore.open(out);
    const copied: string[] = [];
    for await (const t of copy.tags()) copied.push(t);
    assert.deepEqual(copied, [cosignTag(index.digest, 'att'), cosignTag(index.digest, 'sig'), 'v1']);
    assert.equal((await runCli('verify', '--key', k.pub, '--oci-layout', `${out}:v1`)).code, 0);

    const again = await runCli('sign', '--key', k.key, '--passphrase-file', k.pass, '--identity', 'r.example/app:v2', '--oci-layout', ref);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\(2 signatures\)\n$/);
    const v = await runCli('verify', '--key', k.pub, '--oci-layout', ref);
    assert.match(v.stdout, /signed as r\.example\/app:v1, r\.example\/app:v2\n$/);
    // Its saved attestation's name is no tag index.json holds: untag says so (nothing written).
    const untag = await runCli('untag', '--oci-layout', `${store.location}:${cosignTag(index.digest, 'att')}`);
    assert.equal(untag.code, 1);
    assert.match(untag.stderr, /: not a tag index\.json holds, but the name cosign load would push sha256:[0-9a-f]{64} under \(its kind annotation: dev\.cosignproject\.cosign\/atts\); delete that entry by digest to drop it\n/);
    const entries = (JSON.parse(readFileSync(join(store.location, 'index.json'), 'utf8')) as Json).manifests as Json[];
    assert.deepEqual(entries.map((e) => e.annotations?.kind ?? e.annotations?.['org.opencontainers.image.ref.name']), [`${KIND}imageIndex`, `${KIND}sigs`, `${KIND}atts`, cosignTag(index.digest, 'sig')]);
  });

  it('two images of kind image: which one the saved signature is of is not known, so it names nothing', async () => {
    const { store, index } = await makeMultiArchLayout();
    const other = await makeImage(store, { seed: 'other' });
    const k = keyPair();
    assert.equal((await runCli('sign', '--key', k.key, '--passphrase-file', k.pass, '--identity', 'r.example/app:v1', '--oci-layout', `${store.location}:multi`)).code, 0);
    const file = join(store.location, 'index.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
    const sig = (doc.manifests as Json[]).find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === cosignTag(index.digest, 'sig'))!;
    const entry = (d: Json, kind: string) => ({ mediaType: d.mediaType, size: d.size, digest: d.digest, annotations: { kind: `${KIND}${kind}` } });
    writeFileSync(file, JSON.stringify({ ...doc, manifests: [entry(index, 'image'), entry(other, 'image'), entry(sig, 'sigs')] }));
    const tags = await runCli('repo', 'tags', '--all', '--oci-layout', store.location);
    assert.equal(tags.stdout, 'TAG  DIGEST  TYPE  PLATFORM\n');
    const v = await runCli('verify', '--key', k.pub, '--oci-layout', `${store.location}@${index.digest}`);
    assert.equal(v.code, 3, v.stdout);
  });
});
