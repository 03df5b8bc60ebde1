// Runs the command lines the help texts and the README show, as written, in a layout made for them: shared by
// test/unit/helpExamples.test.ts (registry examples against one in memory) and test/integration/helpExamples.test.ts
// (against Debian's docker-registry).
import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from '../../src/cli/command';
import type { Descriptor } from '../../src/oci/descriptor';
import { OciLayoutStore } from '../../src/oci/layout';
import { writeLayoutTar } from '../../src/oci/layout/tarExport';
import { cosignTag } from '../../src/oci/referrers';
import { attestManifest } from '../../src/oci/attestations';
import { attestBlob, blobDigest, encryptCosignKey, loadNotarySigner, makeMessageBundle, signKey, signManifest, signNotaryBlob } from '../../src/oci/signatures';
import { makeArtifact, makeImage, makeIndex, tempDir, writeTar } from '../unit/builders';
import { digestOf } from '../../src/oci/digest';
import { cosignVector, DOCKER_MANIFEST, KEYLESS_FIXTURES, storeCosignVector } from './cosignVectors';
import { attachNotary, made, signJws } from './notaryEnvelopes';
import { COMMANDS } from '../../src/cli/commands';
import { type ExampleLine, joinContinuations, splitManifoldLine } from './exampleLines';
import { runCli } from './runCli';

export const LAYOUT_FLAGS = ['oci-layout', 'from-oci-layout', 'to-oci-layout'] as const;

export interface Example extends ExampleLine {
  command: Command;
}

/** Each command's examples, `\`-continued lines joined, `# ...` lines (explanations) left out. */
export const EXAMPLES: Example[] = COMMANDS.flatMap((command) =>
  joinContinuations(command.examples ?? [])
    .filter((text) => !text.startsWith('#'))
    .map((text) => {
      const line = splitManifoldLine(text);
      assert.ok(line, `${command.path}: example ${JSON.stringify(text)} does not run manifold`);
      return { ...line, command };
    }),
);

/** A registry standing for localhost:5000: its `host:port` and how to stop it. */
export interface StandIn {
  host: string;
  stop(): Promise<void>;
}

export function flagsOf(argv: string[]): string[] {
  return argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).replace(/=.*/, ''));
}

/** A layout reference with a tag, as the examples name them (`layout:v1`, cp's `other:v1`). */
export const TAGGED = /^(layout|other|out\.tar|backup):[\w.-]+$/;

/** Whether a positional names a registry repository (`localhost:5000/app`, `ghcr.io/org/app`): not run here. */
export function hostIn(argv: string[]): boolean {
  // host[:port]/ where the host is localhost, has a dot, or a port follows: not docs/ or demo/layout, nor FILE:TYPE (hi.txt:text/plain).
  return argv.some((a) => /^[a-z0-9.-]+(:\d+)?\//i.test(a) && /^(localhost[:/]|[^/:]*\.[^/:]*[:/]|[^/:]*:\d+\/)/i.test(a));
}

/** Commands on local files alone (generate-key-pair, import-key-pair, generate-certificate): run in the fixture's folder. */
export const FILE_COMMANDS = COMMANDS.filter((c) => c.localFiles);

/** An example that works on layouts only: it has a layout flag (or is a `layout` command) and names no registry. */
export function onLayouts(e: ExampleLine): boolean {
  // `layout export|import` take layout folders and tars only, with no flag to say so.
  return (e.argv[0] === 'layout' || flagsOf(e.argv).some((f) => (LAYOUT_FLAGS as readonly string[]).includes(f))) && !hostIn(e.argv);
}

/**
 * How an example can run here: on layouts only, or against a registry at localhost:5000 (played by one on
 * loopback); else why not: it reads a password from stdin (login: no one types it here), names another registry
 * (ghcr.io, registry.example.com: no network in tests), or works on no layout.
 */
export function runnable(e: ExampleLine): 'layout' | 'registry' | 'files' | string {
  if (e.argv.includes('--password-stdin')) return 'reads a password from stdin';
  if (FILE_COMMANDS.some((c) => c.path === e.argv.slice(0, c.path.split(' ').length).join(' '))) return 'files';
  const hosts = e.argv.filter((a) => hostIn([a]));
  if (hosts.some((a) => !a.startsWith('localhost:5000/') && a !== 'localhost:5000')) return 'names a registry not on loopback';
  if (e.argv.some((a) => a.startsWith('localhost:5000'))) return 'registry';
  return onLayouts(e) ? 'layout' : 'works on no layout';
}

/**
 * Runs an example as written in a copy of the fixture (placeholders made real, see substitute), against a fresh
 * registry on loopback standing for localhost:5000 when it names one, and checks it exits as documented.
 */
export async function runAsWritten(e: Example, template: Fixture, startRegistry: () => Promise<StandIn>, where = JSON.stringify(e.text)): Promise<void> {
  const fixture = freshCopy(template);
  process.chdir(fixture.dir);
  const server = runnable(e) === 'registry' ? await startRegistry() : undefined;
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

// ---- the layout the examples work on -----------------------------------------------------------------

export interface Fixture {
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
export async function makeFixture(): Promise<Fixture> {
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
  const patched = await makeImage(store, { os: 'linux', arch: 'amd64', seed: 'patched' });
  await store.tag(patched, 'linux-amd64-patched');
  for (const t of ['old', 'stable', 'a', 'b', 'c']) await store.tag(amd, t);
  // A Notary signature as notation stores it, by a leaf under ca.crt (roots/ca.crt too): what `verify --notary-roots` checks.
  await attachNotary(store, v1, signJws({ target: v1 }));
  await makeArtifact(store, { subject: amd, artifactType: 'application/spdx+json', title: 'sbom.json' });
  for (const [name, text] of Object.entries({ 'hi.txt': 'hi\n', 'a1.sig': 'sig a\n', 'b1.sig': 'sig b\n', 'c1.sig': 'sig c\n', 'sbom.json': '{"spdxVersion":"SPDX-2.3"}\n' })) {
    writeFileSync(join(dir, name), text);
  }
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs', 'readme.md'), '# docs\n');
  writeFileSync(join(dir, 'config.json'), '{"purpose":"example"}\n');
  writeFileSync(join(dir, 'annotations.json'), JSON.stringify({ $manifest: { 'org.example.k': 'v' }, 'hi.txt': { 'org.example.file': 'hi' } }));
  writeFileSync(join(dir, 'kinds.json'), JSON.stringify({ kinds: [{ id: 'license', title: 'LICENSE', artifactTypes: ['application/vnd.example.license'] }] }));
  // What `sign` and `verify` read: a cosign key pair (the private key sealed under pass.txt's passphrase) and another
  // public key (other.pub); v1's index signed, its platforms not, so `verify --recursive` finds them unsigned;
  // linux-amd64-patched (in no index, so no copy of v1 or v2 carries its .sig tag) signed: what `coverage --key
  // cosign.pub --require signature` finds verified, and `--key other.pub` not.
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(join(dir, 'cosign.key'), encryptCosignKey(keys.privateKey, 'example passphrase'));
  writeFileSync(join(dir, 'pass.txt'), 'example passphrase\n');
  writeFileSync(join(dir, 'cosign.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
  // What sign-blob signs and verify-blob checks: a release file, its bundle and its classic signature by cosign.key;
  // and sigstore-conformance's a.txt with the keyless bundle the public-good instance made of it (trusted_root.json below).
  const release = Buffer.from('release 1.0\n');
  writeFileSync(join(dir, 'release.tar.gz'), release);
  writeFileSync(join(dir, 'release.sigstore.json'), makeMessageBundle(release, signKey('cosign.key', keys.privateKey)));
  writeFileSync(join(dir, 'release.sig'), signKey('cosign.key', keys.privateKey).sign(release).toString('base64'));
  const conformance = join(__dirname, '..', 'fixtures', 'sigstore-conformance', 'bundle-verify');
  cpSync(join(conformance, 'a.txt'), join(dir, 'a.txt'));
  cpSync(join(conformance, 'happy-path-v0.3', 'bundle.sigstore.json'), join(dir, 'a.txt.sigstore.json'));
  // What import-key-pair reads: a PEM private key another tool made (openssl genpkey writes PKCS#8 so).
  writeFileSync(join(dir, 'openssl.pem'), generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'other.pub'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
  await signManifest(store, v1, signKey('cosign.key', keys.privateKey), 'registry.example.com/app:v1');
  await signManifest(store, patched, signKey('cosign.key', keys.privateKey), 'registry.example.com/app:v1');
  // What `attest` reads (an SBOM, a provenance, a scan) and what `verify-attestation` finds: v1's index attested
  // with a SLSA provenance, its platforms not.
  writeFileSync(join(dir, 'sbom.spdx.json'), '{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"app"}\n');
  const provenance = '{"builder":{"id":"https://example.com/builder"},"buildType":"https://example.com/build/v1","invocation":{}}\n';
  writeFileSync(join(dir, 'provenance.json'), provenance);
  writeFileSync(join(dir, 'scan.json'), '{"invocation":{},"scanner":{"uri":"pkg:github/aquasecurity/trivy","version":"0.50.0","result":{}},"metadata":{}}\n');
  await attestManifest(store, v1, signKey('cosign.key', keys.privateKey), 'slsaprovenance', Buffer.from(provenance), 'registry.example.com/app');
  // What verify-blob reads of attest-blob's: release.tar.gz attested with the provenance (the bare envelope) and the SBOM (a bundle).
  writeFileSync(join(dir, 'release.intoto.jsonl'), attestBlob('release.tar.gz', blobDigest(release), signKey('cosign.key', keys.privateKey), { type: 'slsaprovenance', predicate: Buffer.from(provenance) }).envelope);
  writeFileSync(join(dir, 'release.att.sigstore.json'), attestBlob('release.tar.gz', blobDigest(release), signKey('cosign.key', keys.privateKey), { type: 'spdxjson', predicate: readFileSync(join(dir, 'sbom.spdx.json')) }).bundle);
  // What keyless `verify` reads: the layout `keyless` holding a signature cosign made keyless (its image tagged v1),
  // and the Fulcio root and Rekor key it verifies with (or Sigstore's public-good trusted_root.json, which holds both).
  await storeCosignVector(await OciLayoutStore.open(join(dir, 'keyless'), { create: true }), 'manifest.json', DOCKER_MANIFEST, cosignVector('fulcio-rekor'));
  for (const f of ['fulcio_v1.crt.pem', 'rekor.pub']) cpSync(join(KEYLESS_FIXTURES, f), join(dir, f));
  cpSync(join(KEYLESS_FIXTURES, '..', 'trusted-root', 'public-good.json'), join(dir, 'trusted_root.json'));
  mkdirSync(join(dir, 'roots'));
  for (const f of ['ca.crt', join('roots', 'ca.crt')]) cpSync(made('root.pem'), join(dir, f));
  // notation's trust policy and its truststore folder beside it, as ~/.config/notation holds them: ca.crt's root for any scope.
  mkdirSync(join(dir, 'truststore', 'x509', 'ca', 'made'), { recursive: true });
  cpSync(made('root.pem'), join(dir, 'truststore', 'x509', 'ca', 'made', 'root.pem'));
  const statement = { name: 'made', registryScopes: ['*'], signatureVerification: { level: 'strict' }, trustStores: ['ca:made'], trustedIdentities: ['x509.subject: C=US, ST=WA, O=example.com'] };
  writeFileSync(join(dir, 'trustpolicy.json'), JSON.stringify({ version: '1.0', trustPolicies: [statement] }));
  // A folder as `cosign save` writes it (what verify reads as cosign load would push it): v1 and its .sig manifest,
  // marked by kind, named nothing.
  cpSync(join(dir, 'layout'), join(dir, 'saved'), { recursive: true });
  const sig = await store.resolve(cosignTag(v1.digest, 'sig'));
  const saved = (d: Descriptor, kind: string) => ({ mediaType: d.mediaType, size: d.size, digest: d.digest, annotations: { kind: `dev.cosignproject.cosign/${kind}` } });
  writeFileSync(join(dir, 'saved', 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [saved(v1, 'imageIndex'), saved(sig, 'sigs')] }));
  // What `sign --notary-key` signs with: the leaf's key and its chain, leaf first, under ca.crt.
  cpSync(made('leaf.key.pem'), join(dir, 'signer.key'));
  writeFileSync(join(dir, 'signer.crt'), ['leaf', 'intermediate', 'root'].map((n) => readFileSync(made(`${n}.pem`), 'utf8')).join(''));
  // What verify-blob checks of notation's kind: release.tar.gz signed as `notation blob sign` signs it (by signer.key),
  // and notation's blob trust policy beside the truststore folder, its global statement trusting ca.crt's root.
  const notarySigner = loadNotarySigner('signer.key', readFileSync(join(dir, 'signer.key')), 'signer.crt', readFileSync(join(dir, 'signer.crt')));
  writeFileSync(join(dir, 'release.tar.gz.jws.sig'), signNotaryBlob(release, notarySigner).envelope);
  const { registryScopes: _scopes, ...blobStatement } = statement;
  writeFileSync(join(dir, 'trustpolicy.blob.json'), JSON.stringify({ version: '1.0', trustPolicies: [{ ...blobStatement, globalPolicy: true }] }));
  // What `manifest push ... index.json` stores: an index of an image the layout holds.
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [amd] }));
  const manifest = JSON.parse((await store.fetchBytes(amd)).toString('utf8')) as { layers: Descriptor[] };
  cpSync(join(dir, 'layout'), join(dir, 'demo', 'layout'), { recursive: true });
  // What `layout import transfer.tar ...` reads: the whole layout as a tar.
  await writeLayoutTar(join(dir, 'layout'), join(dir, 'transfer.tar'));
  // What `layout import docker-save.tar ...` reads: a docker save tarball as Docker before 25 writes it (manifest.json, no index.json).
  const dockerLayer = Buffer.from('a layer\n');
  const dockerConfig = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(dockerLayer)] } }));
  const imageId = digestOf(dockerConfig).slice(7);
  writeTar(join(dir, 'docker-save.tar'), [
    { name: `${imageId}.json`, body: dockerConfig },
    { name: 'l1/layer.tar', body: dockerLayer },
    { name: 'manifest.json', body: JSON.stringify([{ Config: `${imageId}.json`, RepoTags: ['app:v1'], Layers: ['l1/layer.tar'] }]) },
  ]);
  return { dir, v1, armV7, layer: manifest.layers[0]!.digest };
}

/** A copy of the fixture's folder: the same digests, somewhere an example may change at will. */
export function freshCopy(f: Fixture): Fixture {
  const dir = tempDir('manifold-examples-');
  cpSync(f.dir, dir, { recursive: true });
  return { ...f, dir };
}

/**
 * The example's argv with its digest placeholders made real: `DIR@sha256:...` names a layer for the blob commands
 * and the v1 index for the others; a bare `sha256:...` (a manifest to add or remove) names linux/arm/v7's image.
 */
export function substitute(e: Example, f: Fixture): string[] {
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
export function expectedOutcome(e: Example): { code: number; stderr?: RegExp } {
  const code = /exit code (\d+)/.exec(e.comment ?? '');
  if (code) return { code: Number(code[1]) };
  if (/\basks\b/.test(e.comment ?? '')) return { code: 1, stderr: /confirm the deletion with --force/ };
  return { code: 0 };
}
