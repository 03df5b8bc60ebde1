import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isOciError } from '../../src/oci/errors';
import { breakStale, withFileLock } from '../../src/oci/layout/lock';
import { cleanupTemps, tempDir } from './builders';

const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
const lockJson = (pid: number, nonce: string, host = hostname(), time = Date.now()): string => JSON.stringify({ pid, host, time, nonce });
const age = (path: string, ms: number): void => {
  const t = new Date(Date.now() - ms);
  utimesSync(path, t, t);
};

after(cleanupTemps);

describe('layout lock file', () => {
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = tempDir();
    lock = join(dir, 'index.json.lock');
  });

  it('holds our pid and a nonce while held, and leaves no file behind', async () => {
    const seen = await withFileLock(lock, async () => JSON.parse(readFileSync(lock, 'utf8')) as { pid: number; host: string; nonce: string });
    assert.equal(seen.pid, process.pid);
    assert.equal(seen.host, hostname());
    assert.match(seen.nonce, /^[0-9a-f]{16}$/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('never breaks a live lock that replaced the stale one a breaker judged', () => {
    // The race that lost updates: a waiter reads a dead holder's lock, and by the time it breaks it, a live
    // process holds a new one.
    const stale = lockJson(deadPid(), 'dead');
    const live = lockJson(process.pid, 'live');
    writeFileSync(lock, live);
    breakStale(lock, stale, 60_000);
    assert.equal(readFileSync(lock, 'utf8'), live);
    assert.deepEqual(readdirSync(dir), ['index.json.lock']);
  });

  it('breaks the lock of a dead process, and a break lock a dead breaker left', async () => {
    writeFileSync(lock, lockJson(deadPid(), 'dead'));
    writeFileSync(`${lock}.break`, lockJson(deadPid(), 'dead-breaker'));
    assert.equal(await withFileLock(lock, async () => 'ran'), 'ran');
    assert.deepEqual(readdirSync(dir), []);
  });

  it('breaks an old empty or unparsable lock (an older version, a failed write) at once', async () => {
    for (const content of ['', '{"pid":']) {
      writeFileSync(lock, content);
      age(lock, 5_000);
      assert.equal(await withFileLock(lock, async () => readFileSync(lock, 'utf8').includes(`"pid":${process.pid}`), { waitMs: 1000 }), true);
      assert.equal(existsSync(lock), false);
    }
  });

  it('breaks a lock from another host only once it is older than staleMs', async () => {
    writeFileSync(lock, lockJson(1, 'far', 'other-host.example', Date.now()));
    await assert.rejects(withFileLock(lock, async () => 'ran', { staleMs: 60_000, waitMs: 200 }), (err) => isOciError(err, 'LOCKED'));
    writeFileSync(lock, lockJson(1, 'far', 'other-host.example', Date.now() - 120_000));
    age(lock, 120_000);
    assert.equal(await withFileLock(lock, async () => 'ran', { staleMs: 60_000 }), 'ran');
  });

  it('gives up on a live holder after waitMs with an error naming the file and the holder, and leaves its lock', async () => {
    const live = lockJson(process.pid, 'live', hostname(), Date.now() - 3_600_000);
    writeFileSync(lock, live);
    age(lock, 3_600_000);
    await assert.rejects(withFileLock(lock, async () => 'ran', { waitMs: 200 }), (err: Error) => {
      assert.ok(isOciError(err, 'LOCKED'));
      assert.ok(err.message.startsWith(`${lock}: held by process ${process.pid} on ${hostname()}`), err.message);
      return true;
    });
    assert.equal(readFileSync(lock, 'utf8'), live);
  });
});
