import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliIn } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

describe('pull: files of a folder keep the mode and time the tar gives them, as oras restores them', () => {
  let umask: number;
  before(() => (umask = process.umask(0o022)));
  after(() => process.umask(umask));

  it('an executable stays executable, a private file private, and each keeps its modification time', async function () {
    if (process.platform === 'win32') this.skip(); // no POSIX modes there
    const dir = tempDir('manifold-modes-');
    const tools = join(dir, 'tools');
    mkdirSync(join(tools, 'bin'), { recursive: true });
    const files: Array<[string, number, Date]> = [
      [join('bin', 'run.sh'), 0o755, new Date('2001-02-03T04:05:06Z')],
      ['secret.key', 0o600, new Date('2011-12-13T14:15:16Z')],
      ['notes.txt', 0o644, new Date('2021-01-01T00:00:00Z')],
    ];
    for (const [name, mode, time] of files) {
      writeFileSync(join(tools, name), `${name}\n`);
      chmodSync(join(tools, name), mode);
      utimesSync(join(tools, name), time, time);
    }
    const pushed = await runCliIn(dir, 'push', '--oci-layout', 'layout:v1', 'tools'); // a relative title, as a user types it
    assert.equal(pushed.code, 0, pushed.stderr);
    const out = join(dir, 'out');
    const pulled = await runCli('pull', '--oci-layout', `${join(dir, 'layout')}:v1`, '-o', out);
    assert.equal(pulled.code, 0, pulled.stderr);
    for (const [name, mode, time] of files) {
      const st = statSync(join(out, 'tools', name));
      assert.equal((st.mode & 0o777).toString(8), mode.toString(8), name);
      assert.equal(Math.floor(st.mtimeMs / 1000), time.getTime() / 1000, name);
    }
  });
});
