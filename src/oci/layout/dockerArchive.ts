import { createHash } from '../nodeCrypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor';
import { isDigest } from '../digest';
import { isJsonObject } from '../jsonObject';
import { encodeIndex, encodeManifest } from '../encoding/goJson';
import { OciError } from '../errors';
import { MediaType } from '../mediaType';
import { stream } from '../nodeStream';
import { blobPath } from './verify';
import { TOO_LARGE, type LayoutSource, type TarSource } from './source';
import { namesOfImage, type ImageName } from './dockerArchiveNames';

/**
 * A legacy `docker save` tar (manifest.json with Config, RepoTags and Layers; no index.json), as skopeo's and podman's
 * `docker-archive:` writers make it too, read as a read-only OCI layout: `oci-layout`, `index.json` and each image's
 * OCI manifest are made up here, configs and layers are served from where they are in the tar.
 *
 * The manifest is what `skopeo copy --dest-oci-accept-uncompressed-layers docker-archive:X.tar oci:DIR` writes: the
 * config kept byte for byte (its digest is the image ID), each layer as its uncompressed tar, its digest the
 * config's diff_id (skopeo decompresses a gzipped layer file, and so do we). One difference, on purpose: skopeo
 * labels those uncompressed layers `...tar+gzip` (containers/image issue 1270), which umoci then fails to unpack
 * ("gzip: invalid header"); here they are `application/vnd.oci.image.layer.v1.tar`.
 */

export const DOCKER_MANIFEST_FILE = 'manifest.json';
const LAYOUT_FILE = Buffer.from('{"imageLayoutVersion":"1.0.0"}');
/** manifest.json and each config are read whole; docker's own are a few KiB. */
const MAX_JSON = 16 << 20;

/** A config or layer of the archive: where it is, and what it is for messages. */
interface ArchiveBlob {
  member: string;
  digest: string;
  /** Served size (a gzipped layer's uncompressed size). */
  size: number;
  gzip: boolean;
  /** `manifest.json[0].Layers[2] of app:v1`, say. */
  place: string;
}

export class DockerArchiveSource implements LayoutSource {
  readonly readOnly = true;
  constructor(
    readonly file: string,
    private readonly tar: TarSource,
    /** oci-layout, index.json and the manifests, by path. */
    private readonly made: Map<string, Buffer>,
    /** Configs and layers, by blob path. */
    private readonly blobs: Map<string, ArchiveBlob>,
  ) {}

  describe(rel: string): string {
    const blob = this.blobs.get(rel);
    if (blob) return `${blob.member} in ${this.file} (${blob.place})`;
    if (this.made.has(rel)) return `${rel} made from ${DOCKER_MANIFEST_FILE} in ${this.file}`;
    return `${rel} in ${this.file}`;
  }

  async readFile(rel: string, max = Infinity): Promise<Buffer | undefined | typeof TOO_LARGE> {
    const made = this.made.get(rel);
    if (made) return made.length > max ? TOO_LARGE : made;
    const blob = this.blobs.get(rel);
    if (!blob) return undefined;
    if (blob.size > max) return TOO_LARGE;
    let bytes: Buffer;
    if (blob.gzip) {
      const raw = await this.tar.readFile(blob.member);
      if (!raw || raw === TOO_LARGE) return undefined;
      const { gunzip } = await import('node:zlib');
      bytes = await new Promise<Buffer>((resolve, reject) => gunzip(raw, (err, out) => (err ? reject(gzipError(this.file, blob, err)) : resolve(out))));
    } else {
      const raw = await this.tar.readFile(blob.member, max);
      if (!raw || raw === TOO_LARGE) return raw;
      bytes = raw;
    }
    checkContent(this.file, blob, bytes.length, createHash('sha256').update(bytes).digest('hex'));
    return bytes;
  }

  async size(rel: string): Promise<number | undefined> {
    return this.made.get(rel)?.length ?? this.blobs.get(rel)?.size;
  }

  async createStream(rel: string): Promise<Readable | undefined> {
    const made = this.made.get(rel);
    if (made) return stream().Readable.from([made]);
    const blob = this.blobs.get(rel);
    if (!blob) return undefined;
    const raw = await this.tar.createStream(blob.member);
    if (!raw) return undefined;
    // Checked here too, so a damaged archive names its file and image, not only the digest the store expected.
    const checked = checkingStream(this.file, blob);
    if (!blob.gzip) return stream().pipeline(raw, checked, () => undefined);
    const { createGunzip } = await import('node:zlib');
    const gunzip = createGunzip();
    gunzip.on('error', (err) => checked.destroy(gzipError(this.file, blob, err)));
    return stream().pipeline(raw, gunzip, checked, () => undefined);
  }
}

function gzipError(file: string, blob: ArchiveBlob, err: Error): OciError {
  return new OciError('INVALID_LAYOUT', `${file}: ${blob.member} (${blob.place}): not a valid gzip file (${err.message})`, { cause: err });
}

function checkContent(file: string, blob: ArchiveBlob, size: number, hex: string): void {
  const actual = `sha256:${hex}`;
  if (actual === blob.digest && size === blob.size) return;
  const what = blob.place.includes('.Config') ? 'the image ID it had when the archive was read' : 'its rootfs.diff_ids entry';
  throw new OciError('DIGEST_MISMATCH', `${file}: ${blob.member} (${blob.place}): content has digest ${actual} (${size} bytes), expected ${blob.digest} (${blob.size} bytes), ${what}`);
}

function checkingStream(file: string, blob: ArchiveBlob) {
  const hash = createHash('sha256');
  let size = 0;
  return new (stream().Transform)({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      try {
        checkContent(file, blob, size, hash.digest('hex'));
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

function fail(file: string, place: string, problem: string, code: 'INVALID_LAYOUT' | 'PATH_ESCAPE' | 'UNSUPPORTED' = 'INVALID_LAYOUT'): never {
  throw new OciError(code, `${file}: ${place}: ${problem}`);
}

/** A member path named in manifest.json, normalized as tar.ts normalizes member names; one leaving the archive is refused. */
function memberPath(file: string, place: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(file, place, value === undefined ? 'missing' : `not a file name (${JSON.stringify(value)?.slice(0, 80)})`);
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value) || value.includes('\\')) fail(file, place, `${JSON.stringify(value)} is not a path inside the archive`, 'PATH_ESCAPE');
  const normal = posix.normalize(value).replace(/\/$/, '');
  if (normal === '..' || normal.startsWith('../')) fail(file, place, `${JSON.stringify(value)} leaves the archive`, 'PATH_ESCAPE');
  return normal === '.' ? '' : normal;
}

async function readJson(tar: TarSource, file: string, member: string, place: string): Promise<{ raw: Buffer; doc: unknown }> {
  const raw = await tar.readFile(member, MAX_JSON);
  if (raw === undefined) fail(file, place, `${member} is not in the archive`);
  if (raw === TOO_LARGE) fail(file, place, `${member} is larger than ${MAX_JSON} bytes`);
  try {
    return { raw, doc: JSON.parse(raw.toString('utf8')) };
  } catch (err) {
    throw new OciError('INVALID_LAYOUT', `${file}: ${member}${member === place ? '' : ` (${place})`}: not JSON (${(err as Error).message})`, { cause: err });
  }
}

/** What compression a layer file has, from its first bytes: gzip is read (as skopeo reads it), others refused by name. */
async function compressionOf(tar: TarSource, member: string): Promise<'none' | 'gzip' | string> {
  const size = await tar.size(member);
  if (!size) return 'none';
  const s = await tar.createStream(member);
  const head = await new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    s!.on('data', (c: Buffer) => {
      parts.push(c);
      got += c.length;
      if (got >= 6) s!.destroy();
    });
    s!.on('close', () => resolve(Buffer.concat(parts).subarray(0, 6)));
    s!.on('error', reject);
  });
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
  if (head.equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  return 'none';
}

/** A gzipped layer's uncompressed size found (its served size), its content checked against its diff_id as it is counted. */
async function measureGzip(file: string, tar: TarSource, blob: ArchiveBlob): Promise<void> {
  const raw = await tar.createStream(blob.member);
  const { createGunzip } = await import('node:zlib');
  const hash = createHash('sha256');
  let size = 0;
  const gunzip = createGunzip();
  try {
    await stream().promises.pipeline(raw!, gunzip, async function (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        size += chunk.length;
        hash.update(chunk);
      }
    });
  } catch (err) {
    throw gzipError(file, blob, err as Error);
  }
  blob.size = size;
  checkContent(file, blob, size, hash.digest('hex'));
}

/** manifest.json read and checked, each image's config and layers found; `file` is the tar's path, for messages. */
export async function openDockerArchive(file: string, tar: TarSource): Promise<DockerArchiveSource> {
  const { doc } = await readJson(tar, file, DOCKER_MANIFEST_FILE, DOCKER_MANIFEST_FILE);
  if (!Array.isArray(doc)) fail(file, DOCKER_MANIFEST_FILE, 'not a list (docker save writes a JSON array of images)');
  const made = new Map<string, Buffer>([['oci-layout', LAYOUT_FILE]]);
  const blobs = new Map<string, ArchiveBlob>();
  const entries: Descriptor[] = [];
  /** Tag to the image it names, so two images under one tag are refused. */
  const byTag = new Map<string, ImageName & { digest: string }>();
  const untagged = new Set<string>();
  for (let i = 0; i < doc.length; i++) {
    const at = `${DOCKER_MANIFEST_FILE}[${i}]`;
    const item: unknown = doc[i];
    if (!isJsonObject(item)) fail(file, at, 'not an object');
    const names = namesOfImage(file, `${at}.RepoTags`, item.RepoTags);
    const shown = names[0] ? ` of ${names[0].repoTag}` : '';
    const configMember = memberPath(file, `${at}.Config`, item.Config);
    const { raw: config, doc: configDoc } = await readJson(tar, file, configMember, `${at}.Config`);
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const diffIds = diffIdsOf(file, configMember, configDoc);
    if (!Array.isArray(item.Layers)) fail(file, `${at}.Layers`, item.Layers === undefined || item.Layers === null ? 'missing' : 'not a list');
    if (item.Layers.length !== diffIds.length) {
      fail(file, `${at}.Layers`, `${item.Layers.length} layer(s), but its config ${configMember} lists ${diffIds.length} in rootfs.diff_ids`);
    }
    const configPath = blobPath(configDigest);
    if (!blobs.has(configPath)) blobs.set(configPath, { member: configMember, digest: configDigest, size: config.length, gzip: false, place: `${at}.Config${shown}` });
    const layers: Descriptor[] = [];
    for (let l = 0; l < diffIds.length; l++) {
      const place = `${at}.Layers[${l}]`;
      const member = memberPath(file, place, item.Layers[l]);
      const size = await tar.size(member);
      if (size === undefined) fail(file, place, `${member} is not in the archive`);
      const digest = diffIds[l]!;
      const path = blobPath(digest);
      let blob = blobs.get(path);
      if (!blob) {
        const compression = await compressionOf(tar, member);
        if (compression !== 'none' && compression !== 'gzip') fail(file, place, `${member} is ${compression}-compressed; only uncompressed and gzip layers are read`, 'UNSUPPORTED');
        blob = { member, digest, size, gzip: compression === 'gzip', place: `${place}${shown}` };
        if (blob.gzip) await measureGzip(file, tar, blob);
        blobs.set(path, blob);
      }
      layers.push({ mediaType: MediaType.ImageLayer, digest, size: blob.size });
    }
    const bytes = encodeManifest({
      schemaVersion: 2,
      mediaType: MediaType.ImageManifest,
      config: { mediaType: MediaType.ImageConfig, digest: configDigest, size: config.length },
      layers,
    });
    const manifestDigest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    made.set(blobPath(manifestDigest), bytes);
    const desc = { mediaType: MediaType.ImageManifest, digest: manifestDigest, size: bytes.length };
    for (const name of names) {
      const earlier = byTag.get(name.tag);
      if (earlier && earlier.digest !== manifestDigest) {
        fail(file, DOCKER_MANIFEST_FILE, `the tag ${name.tag} would name two images: ${earlier.repoTag} (${earlier.place}) and ${name.repoTag} (${name.place}); a layout has one image per tag, so the archive is not read (docker load reads it: save the images to separate archives)`);
      }
      if (earlier) continue;
      byTag.set(name.tag, { ...name, digest: manifestDigest });
      // As Docker 25's docker save writes its index.json: the tag part is the ref name, the full name beside it.
      entries.push({ ...desc, annotations: { 'io.containerd.image.name': name.fullName, 'org.opencontainers.image.ref.name': name.tag } });
    }
    if (names.length === 0) untagged.add(manifestDigest);
    else untagged.delete(manifestDigest);
  }
  // Untagged images last, reachable by digest; one also tagged elsewhere in manifest.json is listed once, tagged.
  const tagged = new Set(entries.map((e) => e.digest));
  for (const digest of untagged) {
    if (!tagged.has(digest)) entries.push({ mediaType: MediaType.ImageManifest, digest, size: made.get(blobPath(digest))!.length });
  }
  made.set('index.json', encodeIndex({ schemaVersion: 2, mediaType: MediaType.ImageIndex, manifests: entries }));
  return new DockerArchiveSource(file, tar, made, blobs);
}

function diffIdsOf(file: string, member: string, config: unknown): string[] {
  const at = (path: string) => `${member} ${path}`;
  if (!isJsonObject(config)) fail(file, member, 'not a JSON object (an image config)');
  const rootfs = config.rootfs;
  if (!isJsonObject(rootfs)) fail(file, at('rootfs'), rootfs === undefined ? 'missing' : 'not an object');
  const ids = rootfs.diff_ids;
  if (!Array.isArray(ids)) fail(file, at('rootfs.diff_ids'), ids === undefined || ids === null ? 'missing' : 'not a list');
  ids.forEach((id, n) => {
    if (typeof id !== 'string' || !isDigest(id)) fail(file, at(`rootfs.diff_ids[${n}]`), `${JSON.stringify(id)?.slice(0, 100)} is not a digest`);
  });
  return ids as string[];
}
