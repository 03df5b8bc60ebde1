/**
 * Test builders: configs, images, indexes, artifacts and whole layouts, pushed through any Target,
 * plus temp folders, copies of the peer layouts and hand-made tar archives. Content is deterministic
 * (same inputs, same digests) so tests can assert on bytes.
 */
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ANNOTATION_REF_NAME, type Descriptor, type ImageIndex, type ImageManifest, type Platform } from '../../src/oci/descriptor';
import { digestOf } from '../../src/oci/digest';
import { encodeIndex, encodeManifest } from '../../src/oci/encoding/goJson';
import { OciLayoutStore } from '../../src/oci/layout';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, MediaType } from '../../src/oci/mediaType';
import type { OpOptions, Target } from '../../src/oci/target';

// ---- temp folders ------------------------------------------------------------------------------

const cleanups: string[] = [];

/** A fresh temp folder, removed by `cleanupTemps()` (call it from an `after` hook). */
export function tempDir(prefix = 'manifold-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(dir);
  return dir;
}

export function cleanupTemps(): void {
  for (const dir of cleanups.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A new, empty layout in a temp folder. */
export async function newLayout(): Promise<OciLayoutStore> {
  return OciLayoutStore.open(join(tempDir(), 'layout'), { create: true });
}

/** Every file below `dir` (relative path, `/`-separated) with the sha256 of its bytes: what a command must leave as it was. */
export function folderSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else out[path] = createHash('sha256').update(readFileSync(join(dir, path))).digest('hex');
    }
  };
  walk('');
  return out;
}

// ---- peer layouts --------------------------------------------------------------------------------

export type PeerLayout = 'oras-images' | 'oras-artifacts' | 'regclient-testrepo';

/** Layouts written by oras's and regclient's test suites, kept beside every checkout. */
export const PEER_LAYOUTS = process.env.MANIFOLD_PEER_LAYOUTS ?? resolve(__dirname, '../../../shared/peer-layouts');

export function peerLayoutsPresent(): boolean {
  return (['oras-images', 'oras-artifacts', 'regclient-testrepo'] as const).every((n) => existsSync(join(PEER_LAYOUTS, n, 'index.json')));
}

/** A writable copy of a peer layout in a temp folder: the originals are never written. */
export function copyPeerLayout(name: PeerLayout): string {
  const dir = join(tempDir(), name);
  cpSync(join(PEER_LAYOUTS, name), dir, { recursive: true });
  // CI lays shared/ out without write bits, and cpSync keeps modes: make the copy writable.
  const writable = (path: string): void => {
    const st = statSync(path);
    chmodSync(path, st.mode | 0o200);
    if (st.isDirectory()) for (const entry of readdirSync(path)) writable(join(path, entry));
  };
  writable(dir);
  return dir;
}

/** `describe`, or when the peer layouts are absent a single pending test that says where they were looked for. */
export function describePeer(title: string, body: () => void): void {
  describe(title, () => {
    if (peerLayoutsPresent()) body();
    else it(`${title} (peer layouts missing at ${PEER_LAYOUTS})`);
  });
}

// ---- content -----------------------------------------------------------------------------------

/** Pushes bytes and returns their descriptor. */
export async function pushBlob(target: Target, bytes: Uint8Array | string, mediaType: string = MediaType.ImageLayer): Promise<Descriptor> {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  const desc: Descriptor = { mediaType, digest: digestOf(buf), size: buf.length };
  await target.push(desc, buf);
  return desc;
}

/**
 * Writes bytes straight into a layout folder's blobs, unchecked, as another tool might have written them (a document
 * the store would refuse to push); returns their digest.
 */
export function writeRawBlob(dir: string, bytes: Uint8Array | string): string {
  const buf = Buffer.from(bytes);
  const digest = digestOf(buf);
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), buf);
  return digest;
}

/** writeRawBlob for a manifest or index, then tags it in index.json (written as is, appended); returns its digest. */
export function tagRawDocument(dir: string, bytes: Uint8Array | string, mediaType: string, tag: string): string {
  const digest = writeRawBlob(dir, bytes);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as ImageIndex;
  index.manifests.push({ mediaType, digest, size: Buffer.byteLength(bytes), annotations: { [ANNOTATION_REF_NAME]: tag } });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return digest;
}

/** `options`: a batch of index updates the push belongs to (OpOptions.indexBatch), say. */
export async function pushManifest(target: Target, manifest: ImageManifest, options?: OpOptions): Promise<Descriptor> {
  const bytes = encodeManifest(manifest);
  const desc: Descriptor = { mediaType: manifest.mediaType ?? MediaType.ImageManifest, digest: digestOf(bytes), size: bytes.length };
  if (manifest.artifactType) desc.artifactType = manifest.artifactType;
  await target.push(desc, bytes, options);
  return desc;
}

export async function pushIndex(target: Target, index: ImageIndex): Promise<Descriptor> {
  const bytes = encodeIndex(index);
  const desc: Descriptor = { mediaType: index.mediaType ?? MediaType.ImageIndex, digest: digestOf(bytes), size: bytes.length };
  if (index.artifactType) desc.artifactType = index.artifactType;
  await target.push(desc, bytes);
  return desc;
}

export interface ImageSpec {
  os?: string;
  arch?: string;
  variant?: string;
  /** Layer contents; by default one small layer naming the platform. */
  layers?: Array<string | Uint8Array>;
  annotations?: Record<string, string>;
  subject?: Descriptor;
  /** Makes different images of one platform. */
  seed?: string;
}

/** An image (config + layers + manifest) for one platform; returns the manifest descriptor with its platform. */
export async function makeImage(target: Target, spec: ImageSpec = {}): Promise<Descriptor> {
  const platform: Platform = { architecture: spec.arch ?? 'amd64', os: spec.os ?? 'linux' };
  if (spec.variant) platform.variant = spec.variant;
  const name = `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}${spec.seed ? ` ${spec.seed}` : ''}`;
  const layers: Descriptor[] = [];
  for (const content of spec.layers ?? [`layer of ${name}\n`]) layers.push(await pushBlob(target, content, MediaType.ImageLayer));
  const config = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
  };
  const configDesc = await pushBlob(target, JSON.stringify(config), MediaType.ImageConfig);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaType.ImageManifest, config: configDesc, layers };
  if (spec.subject) manifest.subject = spec.subject;
  if (spec.annotations) manifest.annotations = spec.annotations;
  const desc = await pushManifest(target, manifest);
  return { ...desc, platform };
}

/** An index over `children` (descriptors as returned by makeImage, platforms included). */
export async function makeIndex(
  target: Target,
  children: Descriptor[],
  extra: { annotations?: Record<string, string>; subject?: Descriptor; artifactType?: string } = {},
): Promise<Descriptor> {
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: children };
  if (extra.artifactType) index.artifactType = extra.artifactType;
  if (extra.subject) index.subject = extra.subject;
  if (extra.annotations) index.annotations = extra.annotations;
  return pushIndex(target, index);
}

/** An artifact manifest (empty config, one layer, titled `title` for pull) referring to `subject`, as `oras attach` makes. */
export async function makeArtifact(
  target: Target,
  spec: { subject?: Descriptor; artifactType: string; content?: string; title?: string; annotations?: Record<string, string> },
  options?: OpOptions,
): Promise<Descriptor> {
  await target.push({ mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length }, EMPTY_JSON);
  const layer = await pushBlob(target, spec.content ?? `${spec.artifactType} content\n`, 'application/octet-stream');
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ImageManifest,
    artifactType: spec.artifactType,
    config: { mediaType: MediaType.Empty, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length },
    layers: [spec.title === undefined ? layer : { ...layer, annotations: { 'org.opencontainers.image.title': spec.title } }],
  };
  if (spec.subject) manifest.subject = { mediaType: spec.subject.mediaType, digest: spec.subject.digest, size: spec.subject.size };
  if (spec.annotations) manifest.annotations = spec.annotations;
  return pushManifest(target, manifest, options);
}

/** A layout with a tagged multi-arch index (`multi`: linux/amd64, linux/arm64, linux/arm/v7) and each child tagged. */
export async function makeMultiArchLayout(): Promise<{ store: OciLayoutStore; index: Descriptor; children: Descriptor[] }> {
  const store = await newLayout();
  const children = [
    await makeImage(store, { os: 'linux', arch: 'amd64' }),
    await makeImage(store, { os: 'linux', arch: 'arm64' }),
    await makeImage(store, { os: 'linux', arch: 'arm', variant: 'v7' }),
  ];
  const index = await makeIndex(store, children);
  await store.tag(index, 'multi');
  return { store, index, children };
}

export function refName(desc: Descriptor): string | undefined {
  return desc.annotations?.[ANNOTATION_REF_NAME];
}

// ---- tar archives ------------------------------------------------------------------------------

export interface TarEntry {
  name: string;
  /** '0' file (default), '1' hard link, '2' symlink, '5' folder. */
  type?: '0' | '1' | '2' | '5';
  body?: string | Uint8Array;
  linkname?: string;
  /** Write the name in a pax `path` record (for names over 100 bytes, or to test pax). */
  pax?: boolean;
}

/**
 * Writes a ustar archive exactly as given: no name cleaning, so tests can make the archives a
 * careful writer never would (`../evil`, absolute paths, links out of the tree).
 */
export function writeTar(file: string, entries: TarEntry[]): void {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = e.body === undefined ? Buffer.alloc(0) : Buffer.from(e.body);
    if (e.pax || Buffer.byteLength(e.name) > 100) {
      const record = paxRecord('path', e.name);
      blocks.push(tarHeader('PaxHeaders/x', 'x', record.length, ''), pad(record));
    }
    blocks.push(tarHeader(e.pax ? 'placeholder' : e.name, e.type ?? '0', e.type === '5' || e.type === '1' || e.type === '2' ? 0 : body.length, e.linkname ?? ''));
    if (body.length > 0 && (e.type ?? '0') === '0') blocks.push(pad(body));
  }
  blocks.push(Buffer.alloc(1024));
  writeFileSync(file, Buffer.concat(blocks));
}

function paxRecord(key: string, value: string): Buffer {
  const rest = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(rest) + 1;
  while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
  return Buffer.from(`${len}${rest}`);
}

function tarHeader(name: string, type: string, size: number, linkname: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write(type, 156, 'latin1');
  h.write(linkname.slice(0, 100), 157, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

function pad(data: Buffer): Buffer {
  const rem = data.length % 512;
  return rem === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rem)]);
}

/**
 * The graph the delete-with-referrers tests (core and extension) delete from: `multi`, an index of an amd64 and an
 * arm64 image; amd64 also tagged `amd` (reached from elsewhere, so kept); an SBOM of multi, signed in turn; and a
 * signature on each platform.
 */
export async function makeDeleteGraph(store: OciLayoutStore) {
  const amd = await makeImage(store, { arch: 'amd64' });
  const arm = await makeImage(store, { arch: 'arm64' });
  const multi = await makeIndex(store, [amd, arm]);
  await store.tag(multi, 'multi');
  await store.tag(amd, 'amd');
  const sbom = await makeArtifact(store, { subject: multi, artifactType: 'application/spdx+json' });
  const sig = await makeArtifact(store, { subject: sbom, artifactType: 'application/vnd.sig' });
  const armSig = await makeArtifact(store, { subject: arm, artifactType: 'application/vnd.sig', content: 'arm sig\n' });
  const amdSig = await makeArtifact(store, { subject: amd, artifactType: 'application/vnd.sig', content: 'amd sig\n' });
  return { amd, arm, multi, sbom, sig, armSig, amdSig };
}
