import { randomBytes } from '../nodeCrypto';
import { closeSync, lstatSync, promises as fs, readSync, renameSync, rmSync, type Stats } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { ANNOTATION_REF_NAME, type Descriptor, type ImageIndex } from '../descriptor';
import { isOciError, OciError } from '../errors';
import { isImageIndex, isManifestMediaType } from '../mediaType';
import { formatPlatform } from '../platform';
import { INDEX_FILE, MAX_MANIFEST_BYTES, OCI_LAYOUT_FILE, PRUNE_ASIDE_PREFIX, TEMP_DIR, makeTempDir, openLayoutFolder, removeIfEmpty, withFolder, writeIndexFile } from './atomicFiles';
import { damagedEntries, damageOf, readIndexJson } from './indexFile';
import { withFileLock, type LockOptions } from './lock';
import { DirSource, isMissing } from './source';
import { linkTarget, openInLayoutSync, readRegularSync, regularStats } from './regularFile';
import { blobPath } from './verify';
import { layoutWriteError } from './writeError';
import type { UnreachableBlob } from '../target';
import { isDigest } from '../digest';
import { whereJsonStops } from '../validate';
import { referencesOf, type References } from './references';

/**
 * Garbage collection of a folder layout: every blob nothing in index.json reaches, leftover temp files and
 * the temp files of lock acquisitions that died. Safe beside concurrent writers:
 *
 * - It holds the index.json lock (the one every writer of index.json takes) from reading index.json to the
 *   last removal, so no tag can be written in between against a decision made on an older index.json.
 * - A blob is written before index.json lists it (renamed into `blobs/` after a verified temp file), so a
 *   blob not listed yet may be another process's ingest in flight. A blob whose file was modified within
 *   `graceMs` is never removed, and neither is anything a manifest that young reaches (an index created from
 *   existing manifests, a moment before it is tagged). Writers that find a blob already there refresh its
 *   modification time (`exists`, `push`, a staged commit), so one they are about to rely on is young again.
 * - A removal renames the blob aside first, then looks at the moved file's time again: one refreshed since it
 *   was judged (a writer relying on it just then) is put back.
 */
export interface PruneOptions {
  dryRun?: boolean;
  /** Also drop untagged index.json entries that are not referrers of something kept (then prune what that leaves). */
  untagged?: boolean;
  /** A blob, temp file or lock leftover modified within this long is kept. Default 10 minutes. */
  graceMs?: number;
  /** The time to judge ages against (tests). */
  now?: number;
  lock?: LockOptions;
  /** Called once what to remove is decided, before anything is removed (tests: a writer acting in between). */
  afterDecision?: () => Promise<void>;
}

export const DEFAULT_GRACE_MS = 10 * 60_000;

export type PrunedKind = 'blob' | 'temp' | 'lock';

export interface PrunedFile {
  kind: PrunedKind;
  /** Relative to the layout, with `/`. */
  path: string;
  /** For blobs. */
  digest?: string;
  size: number;
}

export interface DroppedEntry {
  digest: string;
  mediaType: string;
  size: number;
  /** The platforms it names: its own descriptor's, or an index's children's. */
  platforms: string[];
}

export interface PruneReport {
  dryRun: boolean;
  graceMs: number;
  /** What was removed (or, in a dry run, would be), sorted by kind then path. */
  removed: PrunedFile[];
  /** Untagged index.json entries dropped (with --untagged). */
  untagged: DroppedEntry[];
  /** Unreachable blobs kept because they are younger than the grace period. */
  young: PrunedFile[];
  /** Total size of `removed`. */
  bytes: number;
  /** The layout's `oci-layout`, which it had lost, written back (in a dry run, that would be), else null. */
  restoresLayoutFile: string | null;
}

const LOCK_LEFTOVER = /^index\.json\.lock\.(?:break\.)?[0-9a-f]{16}$/;

export async function pruneLayout(dir: string, options: PruneOptions = {}): Promise<PruneReport> {
  const root = resolvePath(dir);
  // A layout archive (.tar) is read-only, as for every other write; said as such, not as "not a layout".
  if ((await fs.stat(root).catch(() => undefined))?.isFile()) {
    throw new OciError('READ_ONLY', `prune: ${dir} is a read-only layout archive (prune works on a layout folder)`);
  }
  // A lost oci-layout is written back at once by a real prune (its lock is its first write), never by a dry run.
  const restore = await openLayoutFolder(new DirSource(root), root, 'write');
  if (!options.dryRun) await restore?.();
  const restoresLayoutFile = restore ? join(root, OCI_LAYOUT_FILE) : null;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  let locked = false;
  try {
    const report = await withFileLock(join(root, `${INDEX_FILE}.lock`), () => ((locked = true), pruneLocked(root, graceMs, options)), options.lock);
    return { ...report, restoresLayoutFile };
  } catch (err) {
    if (locked) throw err;
    const said = layoutWriteError(err, root, 'the index.json lock');
    // A dry run changes nothing, so a layout this user cannot write is still looked at (without the lock).
    if (options.dryRun && isOciError(said, 'READ_ONLY')) return { ...(await pruneLocked(root, graceMs, options)), restoresLayoutFile };
    throw said;
  }
}

async function pruneLocked(root: string, graceMs: number, options: PruneOptions): Promise<Omit<PruneReport, 'restoresLayoutFile'>> {
  const dryRun = options.dryRun === true;
  const isYoung = youngTest(graceMs, options.now);
  const { raw: indexRaw, index } = await prunableIndex(root);
  const { parse, walk } = reachWalker(root);

  const entries = usableEntries(index);
  const isUntagged = (d: Descriptor): boolean => !damageOf(d) && d.annotations?.[ANNOTATION_REF_NAME] === undefined;
  let roots = entries;
  const dropped: Descriptor[] = [];
  if (options.untagged) {
    // Tagged entries are roots; an untagged one stays when what it is, or its subject, is reached by what stays.
    roots = entries.filter((d) => !isUntagged(d));
    let pending = entries.filter(isUntagged);
    const reached = await walk(roots, new Set());
    for (let changed = true; changed; ) {
      changed = false;
      const rest: Descriptor[] = [];
      for (const d of pending) {
        const parsed = await parse(d.digest);
        // Whether it is a referrer of something kept cannot be told: not dropped on a guess.
        if (parsed instanceof Unreadable) throw parsed.error(root, d.digest);
        const subject = parsed?.subject;
        if (reached.has(d.digest) || (subject !== undefined && reached.has(subject))) {
          roots.push(d);
          await walk([d], reached);
          changed = true;
        } else rest.push(d);
      }
      pending = rest;
    }
    dropped.push(...pending);
  }
  const reachable = await walk(roots, new Set());

  const stored = await storedOutside(root, reachable);
  const youngDigests = await keepYoung(stored, reachable, walk, isYoung);

  const judged = new Map<string, number>(stored.map((b) => [b.path, b.st.mtimeMs]));
  const removed: PrunedFile[] = [];
  const youngKept: PrunedFile[] = [];
  for (const b of stored) {
    if (!reachable.has(b.digest)) removed.push({ kind: 'blob', path: b.path, digest: b.digest, size: b.st.size });
    else if (youngDigests.has(b.digest)) youngKept.push({ kind: 'blob', path: b.path, digest: b.digest, size: b.st.size });
  }
  for (const name of await readDirSafe(join(root, TEMP_DIR))) {
    const st = lstatQuiet(join(root, TEMP_DIR, name));
    if (st?.isFile() && !isYoung(st)) removed.push({ kind: 'temp', path: `${TEMP_DIR}/${name}`, size: st.size });
  }
  for (const name of await readDirSafe(root)) {
    if (!LOCK_LEFTOVER.test(name)) continue;
    const st = lstatQuiet(join(root, name));
    if (st?.isFile() && !isYoung(st)) removed.push({ kind: 'lock', path: name, size: st.size });
  }
  const order: Record<PrunedKind, number> = { blob: 0, temp: 1, lock: 2 };
  removed.sort((a, b) => order[a.kind] - order[b.kind] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const untagged: DroppedEntry[] = [];
  for (const d of dropped) untagged.push({ digest: d.digest, mediaType: d.mediaType, size: d.size, platforms: platformsOf(root, d) });

  if (!dryRun) {
    await options.afterDecision?.();
    if (dropped.length > 0) {
      const drop = new Set(dropped);
      const next: ImageIndex = { ...index, manifests: index.manifests.filter((d) => !drop.has(d)) };
      // The entries kept are copied as written (damaged ones too), not encoded again.
      await writeIndexFile(root, next, { raw: indexRaw, index });
    }
    const done: PrunedFile[] = [];
    const tmpDir = removed.some((f) => f.kind === 'blob') ? makeTempDir(root) : '';
    for (const f of removed) {
      const outcome = removeFile(root, tmpDir, f, judged.get(f.path));
      if (outcome === 'removed') done.push(f);
      else if (outcome === 'kept') youngKept.push(f);
    }
    removeIfEmpty(join(root, TEMP_DIR));
    removed.splice(0, removed.length, ...done);
  }
  return { dryRun, graceMs, removed, untagged, young: youngKept, bytes: removed.reduce((n, f) => n + f.size, 0) };
}

/** Whether a file modified at `st.mtimeMs` is within `graceMs` of `now` (default: the time of the call). */
function youngTest(graceMs: number, now = Date.now()): (st: Stats) => boolean {
  return (st) => now - st.mtimeMs < graceMs;
}

/**
 * What prune keeps for now of `stored` (blobs nothing the roots reach): the young ones, and all that the young
 * manifests among them reach (an index created from existing manifests, a moment before it is tagged). Adds both to
 * `reachable`; returns the young ones' digests. One rule for prune and for check's count of garbage.
 */
async function keepYoung(stored: ReadonlyArray<{ digest: string; st: Stats }>, reachable: Set<string>, walk: ReturnType<typeof reachWalker>['walk'], isYoung: (st: Stats) => boolean): Promise<Set<string>> {
  const young = stored.filter((b) => isYoung(b.st));
  await walk(
    young.map((b) => ({ digest: b.digest })),
    reachable,
    false,
  );
  return new Set(young.map((b) => b.digest));
}

/**
 * The references of a manifest read already (a store's facts: verified bytes), so a walk need not read it again;
 * undefined for one not read, or no manifest (then the walk reads it as prune does).
 */
export type KnownReferences = (digest: string) => References | undefined;

/** A blob nothing index.json reaches, as unreachableBlobs finds it: `young` when prune would keep it for now. */
export type FoundUnreachable = Pick<UnreachableBlob, 'digest' | 'path' | 'size' | 'young'>;

/**
 * The blobs of the layout folder `dir` nothing in its index.json reaches, as prune decides, sorted by path; those
 * prune keeps for now (see keepYoung: written within `graceMs` of `now`, or reached by such a manifest) marked
 * `young`. `known`: what a store read already (see KnownReferences). Only reads: no lock, nothing written. Throws
 * where prune refuses (an entry with no usable digest, a manifest reached that cannot be read, a shared blobs
 * folder): what is garbage cannot be told there.
 */
export async function unreachableBlobs(dir: string, options: { graceMs?: number; now?: number; known?: KnownReferences } = {}): Promise<FoundUnreachable[]> {
  const root = resolvePath(dir);
  const { index } = await prunableIndex(root);
  const { walk } = reachWalker(root, options.known);
  const reachable = await walk(usableEntries(index), new Set());
  const stored = await storedOutside(root, reachable);
  const young = await keepYoung(stored, reachable, walk, youngTest(options.graceMs ?? DEFAULT_GRACE_MS, options.now));
  return stored.map((b) => {
    const found: FoundUnreachable = { digest: b.digest, path: b.path, size: b.st.size };
    if (reachable.has(b.digest)) found.young = young.has(b.digest) ? 'written' : 'reached';
    return found;
  });
}

/**
 * The layout's index.json, read as every other command reads it (a named pipe in its place refused, not waited on),
 * once what is garbage can be told: refused for a shared or linked blobs folder, or an entry with no usable digest.
 */
async function prunableIndex(root: string): Promise<{ raw: Buffer; index: ImageIndex }> {
  const indexPath = join(root, INDEX_FILE);
  const indexRaw = readRegularSync(root, indexPath);
  if (!indexRaw) throw new OciError('INVALID_LAYOUT', `${indexPath}: missing; ${root} is not an OCI image layout`);
  const index = readIndexJson(indexRaw, indexPath);
  await refuseSharedFolders(root);
  refuseBlindEntries(index, indexPath);
  return { raw: indexRaw, index };
}

/** An entry whose digest cannot be used names a manifest prune cannot find, so it cannot keep what that one reaches. */
function refuseBlindEntries(index: ImageIndex, indexPath: string): void {
  const blind = damagedEntries(index, indexPath).find((e) => {
    const digest = (index.manifests[e.at] as { digest?: unknown }).digest;
    return digest !== undefined && !isDigest(digest);
  });
  if (blind) {
    throw new OciError(
      'INVALID_LAYOUT',
      `prune: ${blind.error.message}; what that entry keeps cannot be told, so nothing is removed: fix the entry or remove it (manifold untag), then prune`,
    );
  }
}

/** The roots: every entry, damaged ones too when their digest can be trusted as a name (they are kept as written). */
function usableEntries(index: ImageIndex): Descriptor[] {
  return index.manifests.filter((d) => isDigest((d as Partial<Descriptor>)?.digest));
}

type Node = { digest: string; leaf?: boolean };

/**
 * `walk`: every digest reachable from `roots` through children, configs, layers and subjects, added to `seen`. What
 * an entry, an index or a subject names is read as a manifest (whatever its mediaType says), a config or layer never.
 * `strict`: such a manifest stored but unreadable stops prune (what it references is unknown); a young blob read just
 * in case does not. `parse`: one read per manifest, shared by the walks; none of one `known` tells.
 */
function reachWalker(
  root: string,
  known?: KnownReferences,
): {
  parse: (digest: string) => Promise<References | Unreadable | null>;
  walk: (roots: Iterable<Node>, seen: Set<string>, strict?: boolean) => Promise<Set<string>>;
} {
  const parsedCache = new Map<string, References | Unreadable | null>();
  const parse = async (digest: string): Promise<References | Unreadable | null> => {
    if (!parsedCache.has(digest)) parsedCache.set(digest, known?.(digest) ?? (await readManifest(root, digest)));
    return parsedCache.get(digest)!;
  };
  const walk = async (roots: Iterable<Node>, seen: Set<string>, strict = true): Promise<Set<string>> => {
    const queue = [...roots];
    while (queue.length > 0) {
      const node = queue.pop()!;
      if (seen.has(node.digest)) continue;
      seen.add(node.digest);
      if (node.leaf) continue;
      const parsed = await parse(node.digest);
      if (parsed instanceof Unreadable) {
        if (!strict) continue;
        throw parsed.error(root, node.digest);
      }
      if (!parsed) continue;
      for (const c of parsed.manifests) if (!seen.has(c)) queue.push({ digest: c });
      for (const c of parsed.blobs) if (!seen.has(c)) queue.push({ digest: c, leaf: true });
      if (parsed.subject && !seen.has(parsed.subject)) queue.push({ digest: parsed.subject });
    }
    return seen;
  };
  return { parse, walk };
}

/** Every stored blob (a file named as a digest under blobs/<alg>/) not in `reachable`: one readdir per algorithm. */
async function storedOutside(root: string, reachable: ReadonlySet<string>): Promise<Array<{ digest: string; path: string; st: Stats }>> {
  const stored: Array<{ digest: string; path: string; st: Stats }> = [];
  for (const alg of await readDirSafe(join(root, 'blobs'))) {
    for (const hex of await readDirSafe(join(root, 'blobs', alg))) {
      const digest = `${alg}:${hex}`;
      // Not a blob name: not ours to remove. Reachable: kept whatever its age, so not even looked at.
      if (!isDigest(digest) || reachable.has(digest)) continue;
      const st = lstatQuiet(join(root, 'blobs', alg, hex));
      if (st?.isFile()) stored.push({ digest, path: `blobs/${alg}/${hex}`, st });
    }
  }
  return stored;
}

/**
 * Removes one file: `removed`, `kept` (put back), or `gone` (another process removed it first). A blob is renamed
 * aside first, and put back when its modification time changed since it was judged (a writer found it there and
 * relies on it). Synchronous calls: prune holds the lock, and thousands of them go several times faster so.
 */
function removeFile(root: string, tmpDir: string, f: PrunedFile, judgedMtimeMs: number | undefined): 'removed' | 'kept' | 'gone' {
  const path = join(root, ...f.path.split('/'));
  if (f.kind !== 'blob') {
    rmSync(path, { force: true });
    return 'removed';
  }
  const aside = join(tmpDir, `${PRUNE_ASIDE_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    // A writer may have removed the emptied temp folder meanwhile: withFolder makes it again.
    withFolder(aside, () => renameSync(path, aside));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  if (lstatSync(aside).mtimeMs !== judgedMtimeMs) {
    renameSync(aside, path);
    return 'kept';
  }
  rmSync(aside, { force: true });
  return 'removed';
}

/**
 * Refuses a layout whose blobs (or temp) folder is a symbolic link: the folder it names may be shared by other
 * layouts (a common way to store blobs once), whose blobs this index.json does not reach, so prune there would
 * delete what they rely on. Reading and writing through such a link is safe (blobs are named by their digest and
 * verified); removing is not. A link to a folder inside the layout is refused too: prune cannot tell it from a
 * shared one without knowing every layout.
 */
async function refuseSharedFolders(root: string): Promise<void> {
  const algs = lstatQuiet(join(root, 'blobs'))?.isDirectory() ? await readDirSafe(join(root, 'blobs')) : [];
  for (const rel of ['blobs', ...algs.map((a) => `blobs/${a}`), TEMP_DIR]) {
    const target = linkTarget(join(root, rel));
    if (target === undefined) continue;
    throw new OciError(
      'INVALID_LAYOUT',
      `prune: ${join(root, rel)} is a symbolic link (to ${target}); the files there may belong to other layouts too, so nothing is removed (prune removes files only from the layout's own folders)`,
    );
  }
}

/** A stored blob that should be a manifest but cannot be read as one: why (`said`: the whole of it, naming the file). */
class Unreadable {
  constructor(readonly problem: string, readonly said?: string) {}
  error(root: string, digest: string): OciError {
    const why = this.said ?? `${join(root, blobPath(digest))}: a manifest index.json reaches is ${this.problem}`;
    return new OciError('INVALID_LAYOUT', `prune: ${why}; what it references cannot be told, so nothing is removed: restore it or remove what names it, then prune`);
  }
}

/**
 * A stored blob read as a manifest or index (at most 4 MiB): what it references; null when it is none (missing:
 * other tools leave dangling children; not JSON at all); Unreadable when it is there but cut short or unreadable.
 */
async function readManifest(root: string, digest: string): Promise<References | Unreadable | null> {
  let bytes: Buffer;
  try {
    // Synchronous: prune holds the lock, and thousands of small reads go several times faster so.
    const read = readCapped(root, join(root, blobPath(digest)));
    if (!read) return null;
    bytes = read;
  } catch (err) {
    // Not a file (a folder, a named pipe), or a link out of the layout: said as every read says it.
    if (err instanceof OciError) return new Unreadable('', err.message);
    if (isMissing(err)) return null;
    return new Unreadable(`unreadable (${(err as Error).message})`);
  }
  // JSON whitespace may come first (as JSON.parse, and so the store's facts, take it): such a manifest is followed too.
  let first = 0;
  while (first < bytes.length && (bytes[first] === 0x20 || bytes[first] === 0x0a || bytes[first] === 0x0d || bytes[first] === 0x09)) first++;
  if (bytes[first] !== 0x7b /* { */) return null;
  const text = bytes.toString('utf8');
  let doc: unknown;
  try {
    // Not checked against its digest: an altered manifest's references are still followed (keeping too much is safe).
    doc = JSON.parse(text);
  } catch (err) {
    return new Unreadable(`not valid JSON ${whereJsonStops(text, err)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  return referencesOf(doc as Record<string, unknown>);
}

let scratch: Buffer | undefined;

/**
 * The file's bytes when it has at most MAX_MANIFEST_BYTES, else undefined (undefined too when missing); read into
 * one buffer kept for the purpose (open, read, close: no allocation), so valid until the next call. Looked at
 * (regularStats) only when the read fails or gives what no manifest is (nothing, too much): a folder, a pipe.
 */
function readCapped(root: string, path: string): Buffer | undefined {
  scratch ??= Buffer.allocUnsafe(MAX_MANIFEST_BYTES + 1);
  const fd = openInLayoutSync(root, path);
  if (fd === undefined) return undefined;
  try {
    let n = 0;
    try {
      for (let got = -1; got !== 0 && n < scratch.length; n += got) got = readSync(fd, scratch, n, scratch.length - n, null);
    } catch (err) {
      regularStats(fd, path);
      throw err;
    }
    if (n === 0 || n > MAX_MANIFEST_BYTES) regularStats(fd, path);
    return n > MAX_MANIFEST_BYTES ? undefined : scratch.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The platforms an entry names: its own, or (an index's) its children's, read again (only for entries dropped). */
function platformsOf(root: string, d: Descriptor): string[] {
  if (d.platform) return [formatPlatform(d.platform)];
  if (!isImageIndex(d.mediaType) && isManifestMediaType(d.mediaType)) return [];
  let doc: { manifests?: unknown } | undefined;
  try {
    doc = JSON.parse(readCapped(root, join(root, blobPath(d.digest)))?.toString('utf8') ?? 'null') as typeof doc;
  } catch {
    return []; // unreadable: no platforms to name
  }
  const out = new Set<string>();
  for (const c of Array.isArray(doc?.manifests) ? (doc.manifests as Array<Partial<Descriptor> | null>) : []) {
    if (typeof c?.platform === 'object' && c.platform !== null && isDigest(c.digest)) out.add(formatPlatform(c.platform));
  }
  return [...out];
}

function lstatQuiet(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

async function readDirSafe(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new OciError('INVALID_LAYOUT', `${dir}: cannot be read (${(err as Error).message})`, { cause: err });
  }
}
