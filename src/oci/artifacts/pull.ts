import { hashingStream } from '../digest';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';
import { posix, win32 } from 'node:path';
import { stream, streamPromises } from '../nodeStream';
import { ANNOTATION_TITLE, type Descriptor, type Platform } from '../descriptor';
import { OciError } from '../errors';
import { isWithin } from '../pathWithin';
import { inOrder } from '../inOrder';
import { parseManifestContent } from '../graph/manifestContent';
import { isImageIndex, isManifestMediaType } from '../mediaType';
import { selectPlatform } from '../selectPlatform';
import { quotedText } from '../shownName';
import { unusableDescriptor } from '../validate';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { outputWriteError, saveBlob, writeAtomically } from './blobContent';
import { ANNOTATION_CONTENT_DIGEST, ANNOTATION_CONTENT_UNPACK } from './files';
import { readTarMembers } from './tarReader';

export interface PullArtifactOptions extends OpOptions {
  /** A tag or digest in the target. */
  reference: string;
  /** What `readPull` read for this pull (reference, platform and includeSubject): the manifests are not read again. */
  read?: PullRead;
  /** Where files are written (created when missing). */
  output: string;
  platform?: Platform;
  /** Also pull the subject's files (and its subject's, and so on), as `oras pull --include-subject`. */
  includeSubject?: boolean;
  /** Refuse rather than overwrite a file that exists. */
  keepOldFiles?: boolean;
  onEvent?: (event: PullEvent) => void;
  /** Files downloaded at once (default 3, as oras). Folders (tar+gzip layers) are unpacked one at a time. */
  concurrency?: number;
}

export type PullEvent =
  | { type: 'downloading'; name: string; desc: Descriptor }
  | { type: 'downloaded'; name: string; desc: Descriptor }
  | { type: 'skipped-link'; name: string };

export interface PullArtifactResult {
  root: Descriptor;
  /** The titled layers written, in manifest order. */
  files: { name: string; desc: Descriptor }[];
  /** How many layers had no title and so were not written. */
  untitled: number;
}

/** Where `title` goes under `dir`, or a PATH_ESCAPE error naming it when it is absolute or climbs out of `dir`. */
export function safeJoin(dir: string, title: string): string {
  if (title === '' || isAbsolute(title) || posix.isAbsolute(title) || win32.isAbsolute(title)) {
    throw new OciError('PATH_ESCAPE', `${quotedText(title)}: an absolute file name; refusing to write outside ${dir}`);
  }
  const base = resolvePath(dir);
  const full = resolvePath(base, title.replace(/\\/g, '/'));
  if (full === base || !isWithin(base, full)) {
    throw new OciError('PATH_ESCAPE', `${quotedText(title)}: path traversal disallowed; refusing to write outside ${dir}`);
  }
  return full;
}

/** Refuses when a folder between `base` and `full` is a symbolic link (it could lead out of `base`). */
async function checkNoSymlinkBetween(base: string, full: string, name: string): Promise<void> {
  if (full === base) return; // the folder `.`: nothing between
  const parts = relative(base, dirname(full)).split(sep).filter((p) => p !== '');
  let current = base;
  for (const p of parts) {
    current = join(current, p);
    try {
      const st = await fs.lstat(current);
      if (st.isSymbolicLink()) {
        throw new OciError('PATH_ESCAPE', `${quotedText(name)}: ${current} is a symbolic link; refusing to write through it`);
      }
      // mkdir would fail with a bare EEXIST (or ENOTDIR) once earlier files were written: said first instead.
      if (!st.isDirectory()) throw new OciError('ALREADY_EXISTS', `${quotedText(name)}: ${current} is a file, not a folder; move it away or pull into another folder`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
  }
}

/** A folder layer titled `.`: the folder oras pushed from the current folder, unpacked into the output folder. */
function isWholeFolder(name: string, desc: Descriptor): boolean {
  return posix.normalize(name.replace(/\\/g, '/')) === '.' && desc.annotations?.[ANNOTATION_CONTENT_UNPACK] === 'true';
}

/** The output folder, or what stands in its way (a file there), said plainly rather than as mkdir's EEXIST. */
async function checkOutputFolder(base: string): Promise<void> {
  const st = await fs.stat(base).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    if (err.code === 'ENOTDIR') throw new OciError('ALREADY_EXISTS', `${base}: a file stands where one of the folders of this path should be; pull into another folder (-o)`);
    throw err;
  });
  if (st && !st.isDirectory()) throw new OciError('ALREADY_EXISTS', `${base} is a file, not a folder; pull into another folder (-o)`);
}

/** A file layer (not a folder to unpack) whose path another layer's path goes through (`a` and `a/b`): one cannot be written. */
function checkNoFileHoldsAnother(plan: ReadonlyArray<{ name: string; desc: Descriptor; final: string }>, base: string): void {
  const files = new Map(plan.filter((p) => p.desc.annotations?.[ANNOTATION_CONTENT_UNPACK] !== 'true').map((p) => [p.final, p.name]));
  for (const p of plan) {
    for (let up = dirname(p.final); up !== base && up !== dirname(up); up = dirname(up)) {
      const file = files.get(up);
      if (file !== undefined) throw new OciError('INVALID_ARGUMENT', `${quotedText(p.name)}: another layer is the file ${quotedText(file)}, which this path needs as a folder`);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** What a pull reads: the manifest (each manifest of an index, and with includeSubject its subjects), and its layers. */
export interface PullRead {
  root: Descriptor;
  /** Every layer, in manifest order, each checked usable; titled or not. */
  layers: Descriptor[];
}

export interface PullReadOptions extends Pick<PullArtifactOptions, 'platform' | 'includeSubject' | 'signal'> {
  /** A tag or digest in the target, or the descriptor it names (a caller that resolved it already): not asked again. */
  reference: string | Descriptor;
}

/**
 * Reads the manifests a pull writes the files of, once: a caller that asks about them first (the extension, before
 * it asks for a folder) gives this to `placePull` and `pullArtifact` rather than have each read them again.
 */
export async function readPull(target: ReadOnlyTarget, options: PullReadOptions): Promise<PullRead> {
  const op: OpOptions = { signal: options.signal };
  let root = typeof options.reference === 'string' ? await target.resolve(options.reference, op) : options.reference;
  if (options.platform) root = await selectPlatform(target, root, options.platform, op);

  const layers: Descriptor[] = [];
  const seen = new Set<string>();
  const visit = async (desc: Descriptor): Promise<void> => {
    if (seen.has(desc.digest) || !isManifestMediaType(desc.mediaType)) return;
    seen.add(desc.digest);
    const content = parseManifestContent(desc, await target.fetchBytes(desc, op));
    if (isImageIndex(content.mediaType ?? desc.mediaType)) {
      for (const child of content.manifests) await visit(child);
    } else {
      checkLayers(desc, content.raw);
      layers.push(...content.layers);
    }
    if (options.includeSubject && content.subject) await visit(content.subject);
  };
  await visit(root);
  return { root, layers };
}

/** What a pull writes: each titled layer's name and where it goes under `base`, in manifest order. */
export interface PullPlan {
  root: Descriptor;
  /** The output folder, resolved. */
  base: string;
  files: { name: string; desc: Descriptor; final: string }[];
  /** Layers with no title: not written. */
  untitled: number;
}

/**
 * The files a pull of `read` would write into `output`, every title checked (none absolute or climbing out of
 * `output`, no two layers of one name, no file where another needs a folder); nothing is read or written. The
 * extension asks about files that exist (`existingFiles`) before it pulls.
 */
export function placePull(read: PullRead, output: string): PullPlan {
  const base = resolvePath(output);
  const plan: PullPlan['files'] = [];
  let untitled = 0;
  for (const desc of read.layers) {
    const name = desc.annotations?.[ANNOTATION_TITLE];
    if (name === undefined || name === '') {
      untitled++;
      continue;
    }
    // A folder pushed as `.` (the current folder) unpacks into the output folder itself, as oras writes it.
    const final = isWholeFolder(name, desc) ? base : safeJoin(base, name);
    if (plan.some((p) => p.name === name && p.desc.digest === desc.digest)) continue;
    if (plan.some((p) => p.name === name)) throw new OciError('INVALID_ARGUMENT', `${quotedText(name)}: two layers have this file name`);
    plan.push({ name, desc, final });
  }
  checkNoFileHoldsAnother(plan, base);
  return { root: read.root, base, files: plan, untitled };
}

/** The files of `plan` that exist already (a pull replaces them, or refuses with keepOldFiles); not the folder itself. */
export async function existingFiles(plan: PullPlan): Promise<PullPlan['files']> {
  const found: PullPlan['files'] = [];
  for (const p of plan.files) if (p.final !== plan.base && (await exists(p.final))) found.push(p);
  return found;
}

/**
 * `oras pull`: writes the layers that have a title (`org.opencontainers.image.title`) into `output`, each
 * to a temp name renamed into place only after its digest verified; layers marked for unpacking (oras's
 * folders) are extracted, no entry escaping the folder. Every title is checked before anything is written.
 */
export async function pullArtifact(target: ReadOnlyTarget, options: PullArtifactOptions): Promise<PullArtifactResult> {
  const emit = options.onEvent ?? (() => {});
  const planned = placePull(options.read ?? (await readPull(target, options)), options.output);
  const { root, base, files: plan, untitled } = planned;
  const taken = options.keepOldFiles ? (await existingFiles(planned))[0] : undefined;
  if (taken) throw new OciError('ALREADY_EXISTS', `${taken.final}: the file exists; refusing to overwrite it (--keep-old-files)`);
  // Every file's folders are checked before the first is written, so a pull that cannot finish writes nothing.
  await checkOutputFolder(base);
  for (const p of plan) await checkNoSymlinkBetween(base, p.final, p.name);
  await fs.mkdir(base, { recursive: true }).catch((err: unknown) => {
    throw outputWriteError(err, base);
  });

  // Files a few at a time (a registry's round trips overlap); each has a path of its own, checked above. A folder
  // unpacks into paths another layer may write too (`.` is the output folder itself): with one, one at a time, in
  // order, as the later layer's file must be the one kept. Events come in the layers' order either way.
  const folders = plan.some((p) => p.desc.annotations?.[ANNOTATION_CONTENT_UNPACK] === 'true');
  await inOrder<(typeof plan)[number], string[]>(
    plan,
    {
      atOnce: folders ? 1 : Math.max(1, options.concurrency ?? 3),
      signal: options.signal,
      before: (p) => emit({ type: 'downloading', name: p.name, desc: p.desc }),
      after: (skipped, p) => {
        for (const name of skipped) emit({ type: 'skipped-link', name });
        emit({ type: 'downloaded', name: p.name, desc: p.desc });
      },
    },
    async (p, signal) => {
      const skipped: string[] = [];
      await checkNoSymlinkBetween(base, p.final, p.name);
      const plain: Descriptor = { mediaType: p.desc.mediaType, digest: p.desc.digest, size: p.desc.size };
      if (p.desc.annotations?.[ANNOTATION_CONTENT_UNPACK] === 'true') {
        await unpack(target, plain, p.name, p.desc.annotations[ANNOTATION_CONTENT_DIGEST], base, { ...options, signal }, (e) => {
          if (e.type === 'skipped-link') skipped.push(e.name);
        });
      } else {
        await saveBlob(target, plain, p.final, { signal });
      }
      return skipped;
    },
  );
  return { root, files: plan.map((p) => ({ name: p.name, desc: p.desc })), untitled };
}

/**
 * Extracts a tar+gzip layer oras made of a folder: the blob is fetched (verified) to a temp file, the tar
 * checked against `contentDigest`, then each entry (all under `name/`) is written to a temp name and renamed.
 * Files keep the tar's permission bits (less the umask) and modification time. Links are not created: an entry
 * that is a link is reported and skipped.
 */
async function unpack(
  target: ReadOnlyTarget,
  desc: Descriptor,
  name: string,
  contentDigest: string | undefined,
  base: string,
  options: PullArtifactOptions,
  emit: (e: PullEvent) => void,
): Promise<void> {
  const work = await fs.mkdtemp(join(base, '.manifold-unpack-')).catch((err: unknown) => {
    throw outputWriteError(err, join(base, name));
  });
  try {
    const tarPath = join(work, 'layer.tar');
    const hashing = hashingStream();
    await streamPromises().pipeline(await target.fetch(desc, { signal: options.signal }), (require('node:zlib') as typeof import('node:zlib')).createGunzip(), hashing, createWriteStream(tarPath));
    const actual = `sha256:${hashing.hash.digest('hex')}`;
    if (contentDigest && contentDigest !== actual) {
      throw new OciError('DIGEST_MISMATCH', `${quotedText(name)}: the unpacked content has digest ${actual}, the layer says ${contentDigest}`);
    }
    // Every member is checked before the first is written: a folder either unpacks whole or not at all.
    const members = (await readTarMembers(tarPath, `${quotedText(name)} (tar+gzip layer)`)).map((m) => ({
      ...m,
      path: posix.normalize(m.name.replace(/\\/g, '/')).replace(/\/+$/, ''),
    }));
    const whole = posix.normalize(name) === '.';
    const where = (path: string) => (path === '.' && whole ? base : safeJoin(base, path));
    for (const m of members) {
      if (!whole && m.path !== name && !m.path.startsWith(`${name}/`)) {
        throw new OciError('PATH_ESCAPE', `${quotedText(name)}: entry ${quotedText(m.name)} is outside the folder ${quotedText(name)}`);
      }
      where(m.path);
    }
    if (options.keepOldFiles) {
      // The folder `.` is the output folder, which exists: its files are what must not be there yet.
      for (const path of whole ? members.filter((m) => m.type !== '5').map((m) => where(m.path)) : [safeJoin(base, name)]) {
        if (await exists(path)) throw new OciError('ALREADY_EXISTS', `${path}: exists; refusing to overwrite it (--keep-old-files)`);
      }
    }
    for (const m of members) {
      const full = where(m.path);
      if (m.type === '5') {
        await checkNoSymlinkBetween(base, join(full, 'x'), name);
        await fs.mkdir(full, { recursive: true });
      } else if (m.type === '0' || m.type === '7') {
        await checkNoSymlinkBetween(base, full, name);
        // Mode and time as the tar has them (an executable stays executable), as oras restores them.
        await writeAtomically(full, async () => (m.size === 0 ? stream().Readable.from([]) : createReadStream(tarPath, { start: m.offset, end: m.offset + m.size - 1 })), {
          mode: m.mode === 0 ? undefined : m.mode, // 0 is a header left blank more often than a file nobody may read
          mtime: m.mtime,
        });
      } else if (m.type === '1' || m.type === '2') {
        emit({ type: 'skipped-link', name: m.path });
      }
      // Devices, fifos and other types are not created.
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/**
 * Every layer of a manifest is a usable descriptor: the lenient parse drops one that is not, and pull would then
 * skip it as untitled (exit 0) or read it against a negative size. Named instead, as cp's stricter check names it.
 */
function checkLayers(desc: Descriptor, raw: Buffer): void {
  const layers = (JSON.parse(raw.toString('utf8')) as { layers?: unknown }).layers;
  if (!Array.isArray(layers)) return;
  layers.forEach((layer, i) => {
    const problem = unusableDescriptor(layer, ['layers', i]);
    if (problem) throw new OciError('INVALID_MANIFEST', `manifest ${desc.digest}: ${problem}`);
    // The title is the file's name: one that is no string is named, not used (Go's decoder refuses it too).
    const title = (layer as Descriptor).annotations?.[ANNOTATION_TITLE] as unknown;
    if (title !== undefined && typeof title !== 'string') {
      throw new OciError('INVALID_MANIFEST', `manifest ${desc.digest}: layers[${i}].annotations["${ANNOTATION_TITLE}"]: the file name must be a string, not ${JSON.stringify(title).slice(0, 60)}`);
    }
  });
}
