import { randomBytes } from '../nodeCrypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import type { Readable } from 'node:stream';
import { ANNOTATION_REF_NAME, type Descriptor } from '../descriptor';
import { digestOf, isAlgorithmName, isDigest, parseDigest } from '../digest';
import { OciError } from '../errors';
import { isImageIndex, isManifestMediaType } from '../mediaType';
import { isWithin } from '../pathWithin';
import type { BlobMounter, OpOptions, Target } from '../target';
import { TarExportTarget } from './tarExportTarget';
import { encodeIndexJson, parseIndexJson } from './indexFile';
import { regularFileStats } from './regularFile';
import { indexTar, lookupTar } from './tar';
import { INDEX_FILE, OciLayoutStore } from './store';
import { blobPath, nounOf } from './verify';
import { MAX_MANIFEST_BYTES } from './atomicFiles';
import { manifestFacts } from './manifest';
import { DirSource, TOO_LARGE } from './source';
import { DOCKER_MANIFEST_FILE } from './dockerArchive';
import { dockerManifestJson, type DockerManifestJson } from './dockerArchiveExport';
import { stream } from '../nodeStream';
import type { PlatformPattern } from '../platformPattern';
import { sweepTarLeftovers, writeTarFile, type TarExportResult, type TarMember } from './tarWriter';

export type { TarExportResult };

/**
 * Writes a layout folder as a deterministic tar: the same folder content gives the same bytes.
 *
 * - Only the layout goes in: `oci-layout`, `index.json`, and `blobs/<alg>/<encoded>` (never temp files or locks).
 * - Entries sorted by path (byte order), folders before their files (`blobs/`, `blobs/sha256/`, ...).
 * - ustar headers with a fixed owner (uid/gid 0, no user or group names), mode 0755 for folders and 0644 for
 *   files, mtime 0 (1970-01-01). A pax `x` record carries a path over 100 bytes (sha512 blobs) or a size over
 *   8 GiB; nothing else varies (no atime, no ctime, no global header).
 * - The archive ends with two zero blocks, as Go's archive/tar writes it (no padding to a 10 KiB record).
 *
 * Each blob named by a digest is verified as it streams into the tar: one whose content does not match fails the
 * export with an error naming it. Memory stays flat whatever the blob sizes. The tar is written to a hidden temp
 * file beside `dest`, synced, and renamed over `dest`: a failure or a process killed part way leaves no half tar
 * under the name (at most the hidden temp file).
 */
export async function writeLayoutTar(layoutDir: string, dest: string, options: OpOptions = {}, extra: TarMember[] = []): Promise<TarExportResult> {
  return writeTarFile(dest, sortMembers([...(await listLayout(layoutDir, true)), ...extra]), options);
}

export interface LayoutTarExportOptions extends OpOptions {
  /** Also a docker save `manifest.json` (dockerArchiveExport.ts): each tag as REPOSITORY:TAG, an index's image picked by `platforms`. */
  docker?: { repository: string; platforms?: readonly PlatformPattern[] };
}

/**
 * writeLayoutTar to a name given on a command line, with the rules of `cp --to-oci-layout out.tar`: the folder it
 * goes in must exist, only an earlier layout tar or an empty file is replaced (checkReplaceable), and the tar may not
 * be inside the layout it is a copy of (by the real paths: a link to the layout is the layout).
 */
export async function exportLayoutTar(layoutDir: string, dest: string, options: LayoutTarExportOptions = {}): Promise<TarExportResult & { docker?: Omit<DockerManifestJson, 'bytes'> }> {
  const target = await tarPathIn(dest);
  const real = (p: string) => fs.realpath(p).catch(() => p);
  if (isWithin(await real(layoutDir), join(await real(dirname(target)), basename(target)))) {
    throw new OciError('INVALID_ARGUMENT', `${dest}: inside the layout ${layoutDir}, so part of what it would be a copy of; choose a place outside it`);
  }
  await checkReplaceable(target, dest);
  // Made (and any tag refused) before anything is written.
  const docker = options.docker && (await dockerManifestJson(await OciLayoutStore.open(layoutDir), options.docker.repository, options.docker.platforms));
  await sweepTarLeftovers(target);
  if (!docker) return writeLayoutTar(layoutDir, target, options);
  const { bytes, ...said } = docker;
  const manifest: TarMember = { path: DOCKER_MANIFEST_FILE, dir: false, size: bytes.length, open: async () => stream().Readable.from([bytes]) };
  return { ...(await writeLayoutTar(layoutDir, target, options, [manifest])), docker: said };
}

/** What of a layout folder goes into its tar; `verify`: blobs are checked against their names as they are read. */
async function listLayout(root: string, verify: boolean): Promise<TarMember[]> {
  const members: TarMember[] = [];
  const manifests = verify ? await listedManifests(root) : new Set<string>();
  const file = (path: string, size: number, digest?: string): TarMember => ({
    path,
    dir: false,
    size,
    describe: join(root, path),
    file: { path: join(root, path), root, check: digest ? { digest, where: ` in ${root}`, noun: manifests.has(digest) ? 'manifest' : 'blob' } : undefined },
  });
  // Every file as every read takes it: a named pipe, a folder or a link out of the layout is refused, naming it.
  for (const name of ['oci-layout', 'index.json']) {
    const st = regularFileStats(root, join(root, name));
    if (!st) throw new OciError('INVALID_LAYOUT', `${root}: not an OCI image layout (no ${name})`);
    members.push(file(name, st.size));
  }
  const blobs = join(root, 'blobs');
  if ((await fs.stat(blobs).catch(() => undefined))?.isDirectory()) {
    members.push({ path: 'blobs', dir: true, size: 0 });
    for (const alg of await fs.readdir(blobs, { withFileTypes: true })) {
      if (!alg.isDirectory() || !isAlgorithmName(alg.name)) continue;
      members.push({ path: `blobs/${alg.name}`, dir: true, size: 0 });
      for (const blob of await fs.readdir(join(blobs, alg.name), { withFileTypes: true })) {
        if (!/^[a-zA-Z0-9=_-]+$/.test(blob.name)) continue;
        const st = regularFileStats(root, join(blobs, alg.name, blob.name));
        if (!st) continue; // removed meanwhile
        const digest = `${alg.name}:${blob.name}`;
        // A name that is no digest this code knows cannot be checked; it goes in as it is.
        members.push(file(`blobs/${alg.name}/${blob.name}`, st.size, verify && isDigest(digest) ? digest : undefined));
      }
    }
  }
  return members;
}

/**
 * The digests index.json lists as manifests or indexes, and the manifests those indexes list (a multi-arch image's
 * platforms): a mismatch of one is named as a manifest's. Read leniently, for the wording alone (the files go into
 * the tar as they are): an index.json or an index that cannot be read, or does not match its digest, names none.
 */
async function listedManifests(root: string): Promise<Set<string>> {
  const out = new Set<string>();
  const source = new DirSource(root);
  const read = (rel: string): Promise<Buffer | undefined> => source.readFile(rel, MAX_MANIFEST_BYTES).then((b) => (b === TOO_LARGE ? undefined : b), () => undefined);
  const indexes: string[] = [];
  const add = (d: Partial<Descriptor> | null | undefined): void => {
    if (typeof d?.digest !== 'string' || !isManifestMediaType(d.mediaType) || out.has(d.digest)) return;
    out.add(d.digest);
    if (isImageIndex(d.mediaType)) indexes.push(d.digest);
  };
  let index: unknown;
  try {
    index = JSON.parse((await read(INDEX_FILE))?.toString('utf8') ?? 'null');
  } catch {
    return out;
  }
  const entries = (index as { manifests?: unknown } | null)?.manifests;
  if (Array.isArray(entries)) for (const d of entries as Array<Partial<Descriptor> | null>) add(d);
  for (let digest = indexes.pop(); digest !== undefined; digest = indexes.pop()) {
    if (!isDigest(digest)) continue;
    const bytes = await read(blobPath(digest));
    if (!bytes || digestOf(bytes, parseDigest(digest).algorithm) !== digest) continue;
    for (const child of manifestFacts(bytes)?.children ?? []) add(child);
  }
  return out;
}

/** Byte order of the names as written (folders compared without their trailing slash, so each precedes its files). */
function sortMembers(members: TarMember[]): TarMember[] {
  return members.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

/**
 * A layout tar being made. The caller copies into `store` (a Target: `copy` into it), then `finish` writes the
 * deterministic tar to `dest`; `abort` gives up without writing.
 *
 * Nothing big is copied twice: a blob from a local layout (folder or tar) is only noted during the copy and
 * streamed from there straight into the tar by `finish`, verified as it goes. Manifests, and blobs from a
 * registry (which must be fetched while the copy runs, with its concurrency and retries), are kept in a hidden
 * staging layout beside `dest` until `finish`. A process killed meanwhile leaves only hidden names beside `dest`,
 * which the next export to the same name sweeps.
 */
export interface LayoutTarExport {
  /** Where the copy writes. */
  readonly store: Target & BlobMounter;
  /**
   * Writes the tar. `roots` not listed in the staged index.json (a copy by digest, which tags nothing) are listed
   * untagged, so the tar's content is reachable and addressable by digest (`oci-archive:out.tar@sha256:...`).
   */
  finish(options?: OpOptions & { roots?: Descriptor[] }): Promise<TarExportResult>;
  abort(): Promise<void>;
}

/** The absolute path of a tar to write, refused (NOT_FOUND) when the folder it goes in does not exist. */
async function tarPathIn(dest: string): Promise<string> {
  const target = resolvePath(dest);
  const parent = await fs.stat(dirname(target)).catch(() => undefined);
  if (!parent?.isDirectory()) throw new OciError('NOT_FOUND', `${dest}: the folder ${dirname(target)} does not exist`);
  return target;
}

/**
 * What is already under the name may be replaced only when it is a layout tar (an earlier export) or empty. Any
 * other file (a tar of something else, a document someone named `.tar`) is the user's, and is kept: skopeo's
 * `oci-archive:` replaces whatever is there.
 */
export async function checkReplaceable(target: string, dest: string): Promise<void> {
  const st = await fs.stat(target).catch(() => undefined);
  if (!st || (st.isFile() && st.size === 0)) return;
  if (st.isDirectory()) throw new OciError('INVALID_ARGUMENT', `${dest}: a folder, not a .tar file`);
  if (!st.isFile()) throw new OciError('INVALID_ARGUMENT', `${dest}: not a regular file, so not replaced by a layout tar`);
  const index = await indexTar(target).catch(() => undefined);
  if (index && lookupTar(index, 'oci-layout') && lookupTar(index, 'index.json')) return;
  throw new OciError(
    'ALREADY_EXISTS',
    `${dest}: a file that is not an OCI layout tar is already there; only a layout tar (an earlier export) is replaced: move it away or choose another name`,
  );
}

export async function beginLayoutTarExport(dest: string): Promise<LayoutTarExport> {
  const target = await tarPathIn(dest);
  await checkReplaceable(target, dest);
  await sweepTarLeftovers(target);
  const staging = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.staging`);
  await fs.mkdir(staging);
  const remove = () => fs.rm(staging, { recursive: true, force: true });
  let store: TarExportTarget;
  try {
    store = new TarExportTarget(await OciLayoutStore.open(staging, { create: true }));
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    store,
    async finish(options) {
      try {
        await canonicalIndex(staging, options?.roots ?? []);
        // Staged content was verified as it was stored; what is only noted is verified as it streams from its source.
        const staged = await listLayout(staging, false);
        const have = new Set(staged.map((m) => m.path));
        const noted: TarMember[] = [];
        for (const { path, desc, source } of store.noted()) {
          if (have.has(path)) continue;
          const alg = path.slice(0, path.lastIndexOf('/'));
          if (!have.has(alg)) noted.push({ path: alg, dir: true, size: 0 });
          have.add(alg);
          have.add(path);
          const member: TarMember = { path, dir: false, size: desc.size, describe: `${nounOf(desc)} ${desc.digest}` };
          // A blob of a layout folder is read from its file directly (verified as it goes); one in a tar streams.
          const folder = source instanceof OciLayoutStore && (await fs.stat(source.location).catch(() => undefined))?.isDirectory();
          if (folder) member.file = { path: join(source.location, path), root: source.location, check: { digest: desc.digest, where: ` in ${source.location}`, noun: nounOf(desc) } };
          else member.open = () => source.fetch(desc, options) as Promise<Readable>;
          noted.push(member);
        }
        return await writeTarFile(target, sortMembers([...staged, ...noted]), options);
      } finally {
        await remove();
      }
    },
    abort: remove,
  };
}

/**
 * index.json of the staging layout, with the roots listed, in one order whatever order a concurrent copy listed things in: tagged
 * entries by tag, then the rest by digest. Its bytes are then a function of the content alone.
 */
async function canonicalIndex(dir: string, roots: Descriptor[]): Promise<void> {
  const file = join(dir, INDEX_FILE);
  const index = parseIndexJson(await fs.readFile(file), file);
  for (const root of roots) {
    if (!index.manifests.some((d) => d.digest === root.digest)) index.manifests.push({ mediaType: root.mediaType, digest: root.digest, size: root.size });
  }
  const key = (d: Descriptor) => `${d.annotations?.[ANNOTATION_REF_NAME] === undefined ? '1' : '0'}${d.annotations?.[ANNOTATION_REF_NAME] ?? ''}\0${d.digest}`;
  index.manifests = [...index.manifests].sort((a, b) => Buffer.compare(Buffer.from(key(a)), Buffer.from(key(b))));
  await fs.writeFile(file, encodeIndexJson(index));
}
