import { randomBytes } from '../nodeCrypto';
import { closeSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OciError } from '../errors';
import { readRegularSync } from './regularFile';
// node:os on first use: loading it is ~1 ms of start-up for commands that never lock.
const hostname = () => (require('node:os') as typeof import('node:os')).hostname();

/**
 * A lock file shared by every process that writes one layout's `index.json`, correct by construction:
 *
 * - Taken atomically with its full content: a temp file holding {pid,host,time,nonce} is hard-linked to
 *   the lock path (EEXIST while held). So a lock file is never empty or half-written, and its content
 *   (the nonce) names one acquisition only.
 * - Only its holder removes a live lock. A lock is judged stale only when its pid is dead on this host
 *   (a live pid is never broken), when it comes from another host and is older than `staleMs`, or when
 *   it cannot be parsed (left by an older version or a crash mid-write) and is older than a moment.
 * - Breakers serialize through a second lock, `<lock>.break`, taken the same way. Holding it, a breaker
 *   re-reads the lock and unlinks it only if it still has exactly the content judged stale. Nothing else
 *   can remove that file in between: its holder is dead, other breakers are excluded, and no one can
 *   create a lock while it exists. So a break never removes a live lock, which the old rename-aside
 *   scheme could (a waiter judged the lock of a holder that had just exited and renamed away the next one's).
 * - The break lock is held only across a synchronous read+unlink, so it is stale exactly when its pid is
 *   dead (or unparsable / from another host, and old). Residual cases: a breaker killed inside those
 *   microseconds leaves a dead break lock; if two processes then judge it stale at once, one can remove
 *   the break lock a third has just taken, letting two breakers run. Harm then further needs both to be
 *   breaking the same stale lock and a new holder to take it between one's read and its unlink. And a
 *   holder on another host hung for longer than `staleMs` is broken by age (its pid cannot be checked).
 *
 * Same-host pid reuse (a dead holder's pid now running something else) makes a lock look live forever:
 * waiters give up after `waitMs` with an error naming the file, instead of breaking it. An older Manifold
 * running at the same time still breaks locks its own way.
 */
export interface LockOptions {
  /** A lock from another host older than this is considered abandoned (its pid cannot be checked). */
  staleMs?: number;
  /** Give up waiting after this long, with an error naming the lock file and its holder. */
  waitMs?: number;
  signal?: AbortSignal;
}

interface LockInfo {
  pid: number;
  host: string;
  time: number;
  nonce: string;
}

const DEFAULT_STALE_MS = 10 * 60_000;
const DEFAULT_WAIT_MS = 5 * 60_000;
// New locks are never unparsable, so one that is has been abandoned once it is older than a write takes.
const UNPARSABLE_STALE_MS = 1500;
// Within one process, callers queue here instead of polling the file against each other.
const inProcess = new Map<string, Promise<unknown>>();

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const previous = inProcess.get(lockPath) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const chained = previous.then(() => mine);
  inProcess.set(lockPath, chained);
  try {
    await previous.catch(() => undefined);
    const raw = await acquire(lockPath, options);
    try {
      return await fn();
    } finally {
      releaseLock(lockPath, raw);
    }
  } finally {
    release();
    if (inProcess.get(lockPath) === chained) inProcess.delete(lockPath);
  }
}

async function acquire(lockPath: string, options: LockOptions): Promise<string> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  let delay = 2;
  for (;;) {
    options.signal?.throwIfAborted();
    const mine = tryCreate(lockPath);
    if (mine !== undefined) return mine;
    const observed = readLock(lockPath);
    if (!observed) continue; // released meanwhile: try again at once
    // Not broken: another breaker is at it, or its break lock is not yet stale. Wait rather than spin.
    if (isStale(observed, staleMs) && breakStale(lockPath, observed.raw, staleMs)) continue;
    if (Date.now() > deadline) throw heldTooLong(lockPath, observed.raw);
    // Index updates take milliseconds: poll fast, back off a little, add jitter so waiters spread out.
    await sleep(delay + Math.random() * delay, options.signal);
    delay = Math.min(delay * 2, 50);
  }
}

/**
 * Creates `path` holding a new LockInfo, or returns undefined if it exists. Synchronous: a small file
 * takes microseconds, and the lock is held meanwhile. A failed write (ENOSPC) leaves no file behind.
 */
function tryCreate(path: string): string | undefined {
  const info: LockInfo = { pid: process.pid, host: hostname(), time: Date.now(), nonce: randomBytes(8).toString('hex') };
  const raw = JSON.stringify(info);
  const temp = `${path}.${info.nonce}`;
  try {
    writeFileSync(temp, raw, { flag: 'wx' });
  } catch (err) {
    removeQuietly(temp); // created, then the write failed
    throw err;
  }
  try {
    linkSync(temp, path);
    return raw;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return undefined;
    // A file system without hard links (FAT, some network shares): exclusive create, then write. A
    // reader may see it empty for a moment, which UNPARSABLE_STALE_MS allows for.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') return createExclusive(path, raw);
    throw err;
  } finally {
    removeQuietly(temp);
  }
}

function createExclusive(path: string, raw: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
  try {
    writeFileSync(fd, raw);
    return raw;
  } catch (err) {
    removeQuietly(path); // ours, just made: no one else removes a fresh lock
    throw err;
  } finally {
    closeSync(fd);
  }
}

function readLock(lockPath: string): { raw: string; mtimeMs: number } | undefined {
  try {
    // Read, then stat: if the file is replaced in between, the time is the newer file's, which makes
    // the content read look younger (waited for), never older (broken). A named pipe in its place is refused, not waited on.
    const raw = readRegularSync(dirname(lockPath), lockPath);
    if (raw === undefined) return undefined;
    return { raw: raw.toString('utf8'), mtimeMs: statSync(lockPath).mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function isStale(lock: { raw: string; mtimeMs: number }, staleMs: number): boolean {
  const info = parseInfo(lock.raw);
  if (!info) return Date.now() - lock.mtimeMs > UNPARSABLE_STALE_MS;
  if (info.host !== hostname()) return Date.now() - Math.min(info.time, lock.mtimeMs) > staleMs;
  return !pidAlive(info.pid);
}

function parseInfo(raw: string): LockInfo | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.time === 'number' && typeof v.nonce === 'string') {
      return v as LockInfo;
    }
  } catch {
    // not a lock this version wrote
  }
  return undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the lock if it still holds `staleRaw`, serialized with other breakers (see the top of this file);
 * true if it is gone. Exported for tests.
 */
export function breakStale(lockPath: string, staleRaw: string, staleMs: number): boolean {
  const breakPath = `${lockPath}.break`;
  if (tryCreate(breakPath) === undefined) {
    // Another breaker is at it (for microseconds), or died at it: then its break lock is removed.
    const other = readLock(breakPath);
    if (other && isStale(other, staleMs)) removeQuietly(breakPath);
    return false;
  }
  try {
    if (readLock(lockPath)?.raw === staleRaw) unlinkSync(lockPath);
    return true;
  } finally {
    unlinkSync(breakPath);
  }
}

/** Only the holder removes its lock, and a live holder's lock is never broken: it is still ours. */
function releaseLock(lockPath: string, raw: string): void {
  try {
    if (readFileSync(lockPath, 'utf8') === raw) unlinkSync(lockPath);
  } catch {
    // gone, or unreadable: the error of the work done under the lock is the one to report
  }
}

function heldTooLong(lockPath: string, raw: string): OciError {
  const info = parseInfo(raw);
  const holder = info ? `process ${info.pid} on ${info.host} since ${new Date(info.time).toISOString()}` : 'a process that wrote no owner';
  return new OciError(
    'LOCKED',
    `${lockPath}: held by ${holder}, which is still running; if that is not a manifold process (its pid reused), remove the file`,
  );
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
