import { randomBytes } from 'node:crypto';
import { closeSync, openSync, promises as fs, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * A lock file shared by every process that writes one layout's `index.json`. Created with
 * O_CREAT|O_EXCL (`wx`), it holds who took it, so a lock left by a crashed process (its pid is gone)
 * or held longer than any index update could take is broken instead of blocking forever.
 */
export interface LockOptions {
  /** A lock older than this is considered abandoned. */
  staleMs?: number;
  signal?: AbortSignal;
}

interface LockInfo {
  pid: number;
  host: string;
  time: number;
  nonce: string;
}

const DEFAULT_STALE_MS = 30_000;
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
    const nonce = await acquire(lockPath, options);
    try {
      return await fn();
    } finally {
      await releaseLock(lockPath, nonce);
    }
  } finally {
    release();
    if (inProcess.get(lockPath) === chained) inProcess.delete(lockPath);
  }
}

async function acquire(lockPath: string, options: LockOptions): Promise<string> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const info: LockInfo = { pid: process.pid, host: hostname(), time: Date.now(), nonce: randomBytes(8).toString('hex') };
  let delay = 2;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      // Synchronous: creating and filling a small file takes microseconds, while each asynchronous step is a
      // thread-pool round trip to wait for, and the lock is held meanwhile.
      const fd = openSync(lockPath, 'wx');
      try {
        info.time = Date.now();
        writeFileSync(fd, JSON.stringify(info));
      } finally {
        closeSync(fd);
      }
      return info.nonce;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const observed = await readLock(lockPath);
    if (observed && isStale(observed.raw, observed.mtimeMs, staleMs)) {
      await breakStale(lockPath, observed.raw);
      continue;
    }
    // Index updates take milliseconds: poll fast, back off a little, add jitter so waiters spread out.
    await sleep(delay + Math.random() * delay, options.signal);
    delay = Math.min(delay * 2, 50);
  }
}

async function readLock(lockPath: string): Promise<{ raw: string; mtimeMs: number } | undefined> {
  try {
    const [raw, st] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    return { raw, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function isStale(raw: string, mtimeMs: number, staleMs: number): boolean {
  const info = parseInfo(raw);
  const time = info?.time ?? mtimeMs;
  if (Date.now() - Math.min(time, mtimeMs) > staleMs) return true;
  // An empty or half-written file belongs to a holder that is writing it right now.
  if (!info || info.host !== hostname()) return false;
  return !pidAlive(info.pid);
}

function parseInfo(raw: string): LockInfo | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.time === 'number' && typeof v.nonce === 'string') {
      return v as LockInfo;
    }
  } catch {
    // not ours or still being written
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
 * Removes an abandoned lock without ever removing a live one: the lock is renamed away first and
 * checked to be the one judged stale; if another process replaced it in between, it is put back.
 */
async function breakStale(lockPath: string, observedRaw: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else broke it
    throw err;
  }
  const taken = await fs.readFile(aside, 'utf8').catch(() => observedRaw);
  if (taken !== observedRaw) {
    // link() fails if a lock exists again, so this never overwrites a newer holder.
    await fs.link(aside, lockPath).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
}

async function releaseLock(lockPath: string, nonce: string): Promise<void> {
  let current = '';
  try {
    current = readFileSync(lockPath, 'utf8');
  } catch {
    // gone: broken as stale and released by its new holder
  }
  // If ours was broken as stale, the file now belongs to someone else: leave it.
  if (parseInfo(current)?.nonce === nonce) rmSync(lockPath, { force: true });
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
