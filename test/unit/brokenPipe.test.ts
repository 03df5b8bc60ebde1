// A reader that stops reading (`manifold blob fetch ... --output - | head -c 10`): the command stops as cat or a Go
// tool does (exit 141, 128 + SIGPIPE) without an "Error: write EPIPE" about output nobody wants.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { cleanupTemps, newLayout, pushBlob } from './builders';

const MAIN = resolve(__dirname, '../../src/cli/main.ts');

describe('output into a pipe whose reader goes away', () => {
  after(cleanupTemps);

  it('blob fetch --output - stops quietly with exit 141 once the reader has closed the pipe', async function () {
    this.timeout(60_000);
    const store = await newLayout();
    // Far more than a pipe holds (64 KiB), so the writes go on after the reader left.
    const blob = await pushBlob(store, randomBytes(8 << 20));
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'blob', 'fetch', '--oci-layout', `${store.location}@${blob.digest}`, '--output', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let got = 0;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', (d: Buffer) => {
      got = d.length;
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    assert.ok(got > 0);
    assert.deepEqual({ code, stderr }, { code: 141, stderr: '' });
  });
});
