import { randomBytes } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { ANNOTATION_REF_NAME, type Descriptor, type ImageIndex } from '../descriptor';
import { digestOf, parseDigest } from '../digest';
import { OciError } from '../errors';
import { isImageIndex, isManifestMediaType } from '../mediaType';
import { formatPlatform } from '../platform';
import { INDEX_FILE, MAX_MANIFEST_BYTES, OCI_LAYOUT_FILE, TEMP_DIR, checkLayoutFile, makeTempDir, writeIndexFile } from './atomicFiles';
import { damageOf, readIndexJson } from './indexFile';
import { withFileLock, type LockOptions } from './lock';
import { blobPath, isDigestFast } from './verify';

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
}

const LOCK_LEFTOVER = /^index\.json\.lock\.(?:break\.)?[0-9a-f]{16}$/;

interface Parsed {
  children: Descriptor[];
  subject?: Descriptor;
}

export async function pruneLayout(dir: string, options: PruneOptions = {}): Promise<PruneReport> {
  const root = resolvePath(dir);
  const layoutFile = await fs.readFile(join(root, OCI_LAYOUT_FILE)).catch(() => undefined);
  checkLayoutFile(layoutFile, join(root, OCI_LAYOUT_FILE), root);
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  return withFileLock(join(root, `${INDEX_FILE}.lock`), () => pruneLocked(root, graceMs, options), options.lock);
}

async function pruneLocked(root: string, graceMs: number, options: PruneOptions): Promise<PruneReport> {
  const dryRun = options.dryRun === true;
  const now = options.now ?? Date.now();
  const isYoung = (st: Stats): boolean => now - st.mtimeMs < graceMs;
  const indexPath = join(root, INDEX_FILE);
  const indexRaw = await fs.readFile(indexPath);
  const index = readIndexJson(indexRaw, indexPath);

  const parsedCache = new Map<string, Parsed | null>();
  const parse = async (digest: string): Promise<Parsed | null> => {
    if (!parsedCache.has(digest)) parsedCache.set(digest, await readManifest(root, digest));
    return parsedCache.get(digest)!;
  };
  // Every digest reachable from `roots` through children, configs, layers and subjects.
  const walk = async (roots: Iterable<string>, seen: Set<string>): Promise<Set<string>> => {
    const queue = [...roots];
    while (queue.length > 0) {
      const digest = queue.pop()!;
      if (seen.has(digest)) continue;
      seen.add(digest);
      const parsed = await parse(digest);
      if (!parsed) continue;
      for (const c of parsed.children) if (!seen.has(c.digest)) queue.push(c.digest);
      if (parsed.subject && !seen.has(parsed.subject.digest)) queue.push(parsed.subject.digest);
    }
    return seen;
  };

  // Roots: every entry, damaged ones too when their digest can be trusted as a name (they are kept as written).
  const entries = index.manifests.filter((d) => isDigestFast((d as Partial<Descriptor>)?.digest));
  const isUntagged = (d: Descriptor): boolean => !damageOf(d) && d.annotations?.[ANNOTATION_REF_NAME] === undefined;
  let roots = entries;
  const dropped: Descriptor[] = [];
  if (options.untagged) {
    // Tagged entries are roots; an untagged one stays when what it is, or its subject, is reached by what stays.
    roots = entries.filter((d) => !isUntagged(d));
    let pending = entries.filter(isUntagged);
    const reached = await walk(roots.map((d) => d.digest), new Set());
    for (let changed = true; changed; ) {
      changed = false;
      const rest: Descriptor[] = [];
      for (const d of pending) {
        const subject = (await parse(d.digest))?.subject?.digest;
        if (reached.has(d.digest) || (subject !== undefined && reached.has(subject))) {
          roots.push(d);
          await walk([d.digest], reached);
          changed = true;
        } else rest.push(d);
      }
      pending = rest;
    }
    dropped.push(...pending);
  }
  const reachable = await walk(
    roots.map((d) => d.digest),
    new Set(),
  );

  // Every stored blob: the young ones are kept, with all that the young manifests among them reach.
  const stored: Array<{ digest: string; path: string; st: Stats }> = [];
  for (const alg of await readDirSafe(join(root, 'blobs'))) {
    for (const hex of await readDirSafe(join(root, 'blobs', alg))) {
      const digest = `${alg}:${hex}`;
      if (!isDigestFast(digest)) continue; // not a blob name: not ours to remove
      const st = await fs.lstat(join(root, 'blobs', alg, hex)).catch(() => undefined);
      if (st?.isFile()) stored.push({ digest, path: `blobs/${alg}/${hex}`, st });
    }
  }
  const young = stored.filter((b) => !reachable.has(b.digest) && isYoung(b.st));
  const youngDigests = new Set(young.map((b) => b.digest));
  await walk(
    young.map((b) => b.digest),
    reachable,
  );

  const judged = new Map<string, number>(stored.map((b) => [b.path, b.st.mtimeMs]));
  const removed: PrunedFile[] = [];
  const youngKept: PrunedFile[] = [];
  for (const b of stored) {
    if (!reachable.has(b.digest)) removed.push({ kind: 'blob', path: b.path, digest: b.digest, size: b.st.size });
    else if (youngDigests.has(b.digest)) youngKept.push({ kind: 'blob', path: b.path, digest: b.digest, size: b.st.size });
  }
  for (const name of await readDirSafe(join(root, TEMP_DIR))) {
    const st = await fs.lstat(join(root, TEMP_DIR, name)).catch(() => undefined);
    if (st?.isFile() && !isYoung(st)) removed.push({ kind: 'temp', path: `${TEMP_DIR}/${name}`, size: st.size });
  }
  for (const name of await readDirSafe(root)) {
    if (!LOCK_LEFTOVER.test(name)) continue;
    const st = await fs.lstat(join(root, name)).catch(() => undefined);
    if (st?.isFile() && !isYoung(st)) removed.push({ kind: 'lock', path: name, size: st.size });
  }
  const order: Record<PrunedKind, number> = { blob: 0, temp: 1, lock: 2 };
  removed.sort((a, b) => order[a.kind] - order[b.kind] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const untagged: DroppedEntry[] = [];
  for (const d of dropped) untagged.push({ digest: d.digest, mediaType: d.mediaType, size: d.size, platforms: await platformsOf(d, parse) });

  if (!dryRun) {
    await options.afterDecision?.();
    if (dropped.length > 0) {
      const drop = new Set(dropped);
      const next: ImageIndex = { ...index, manifests: index.manifests.filter((d) => !drop.has(d)) };
      // The entries kept are copied as written (damaged ones too), not encoded again.
      await writeIndexFile(root, next, { raw: indexRaw, index });
    }
    const kept: PrunedFile[] = [];
    for (const f of removed) {
      if (await removeFile(root, f, judged.get(f.path))) kept.push(f);
      else youngKept.push(f);
    }
    removed.splice(0, removed.length, ...kept);
  }
  return { dryRun, graceMs, removed, untagged, young: youngKept, bytes: removed.reduce((n, f) => n + f.size, 0) };
}

/**
 * Removes one file; returns false when it was kept after all. A blob is renamed aside first, and put back
 * when its modification time changed since it was judged (a writer found it there and relies on it).
 */
async function removeFile(root: string, f: PrunedFile, judgedMtimeMs: number | undefined): Promise<boolean> {
  const path = join(root, ...f.path.split('/'));
  if (f.kind !== 'blob') {
    await fs.rm(path, { force: true });
    return true;
  }
  const aside = join(makeTempDir(root), `prune-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await fs.rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false; // gone already
    throw err;
  }
  const st = await fs.lstat(aside);
  if (st.mtimeMs !== judgedMtimeMs) {
    await fs.rename(aside, path);
    return false;
  }
  await fs.rm(aside, { force: true });
  return true;
}

/** A stored blob read as a manifest or index (verified, at most 4 MiB): what it references; null when it is none. */
async function readManifest(root: string, digest: string): Promise<Parsed | null> {
  let bytes: Buffer;
  try {
    const path = join(root, blobPath(digest));
    const st = await fs.stat(path);
    if (st.size > MAX_MANIFEST_BYTES) return null;
    bytes = await fs.readFile(path);
  } catch {
    return null; // missing or unreadable: a leaf
  }
  if (bytes.length === 0 || bytes[0] !== 0x7b /* { */) return null;
  let doc: unknown;
  try {
    if (digestOf(bytes, parseDigest(digest).algorithm) !== digest) return null;
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const o = doc as Record<string, unknown>;
  const children: Descriptor[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'object' && v !== null && isDigestFast((v as Descriptor).digest)) children.push(v as Descriptor);
  };
  for (const key of ['manifests', 'layers', 'blobs']) if (Array.isArray(o[key])) (o[key] as unknown[]).forEach(add);
  add(o.config);
  const parsed: Parsed = { children };
  const subject = o.subject as Descriptor | undefined;
  if (typeof subject === 'object' && subject !== null && isDigestFast(subject.digest)) parsed.subject = subject;
  return parsed;
}

async function platformsOf(d: Descriptor, parse: (digest: string) => Promise<Parsed | null>): Promise<string[]> {
  if (d.platform) return [formatPlatform(d.platform)];
  if (!isImageIndex(d.mediaType) && isManifestMediaType(d.mediaType)) return [];
  const parsed = await parse(d.digest);
  const out = new Set<string>();
  for (const c of parsed?.children ?? []) if (c.platform) out.add(formatPlatform(c.platform));
  return [...out];
}

async function readDirSafe(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new OciError('INVALID_LAYOUT', `${dir}: cannot be read (${(err as Error).message})`, { cause: err });
  }
}
