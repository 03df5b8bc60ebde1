// What preferQuickStartup (the CLI's V8 flags, set once undici loads) does to a process's young generation: kept at
// the size it starts with while garbage that survives a scavenge or two piles up, as a transfer's does. Run in child
// processes: the flags are process-wide.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const CLIENT = resolve(__dirname, '../../src/oci/registry/client.ts');

/** The young generation's size (bytes) before and after a burst of short-lived objects, in a fresh process. */
function youngGeneration(quick: boolean): { before: number; after: number } {
  const script = `
    const v8 = require('node:v8');
    const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const client = require(${JSON.stringify(CLIENT)});
    if (${quick}) client.preferQuickStartup();
    // Loads undici, as the first request does (its connection pool is made then).
    void new client.RegistryClient('127.0.0.1:1', { plainHttp: true }).dispatcher;
    const before = young();
    let live = [];
    for (let i = 0; i < 3e6; i++) {
      live.push({ i, s: 'x' + i });
      if (live.length > 20000) live = [];
    }
    process.stdout.write(JSON.stringify({ before, after: young() }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8' })) as { before: number; after: number };
}

describe('registry client: preferQuickStartup', () => {
  it('keeps the young generation at its starting size, where V8 would grow it', function () {
    this.timeout(60_000);
    const plain = youngGeneration(false);
    assert.ok(plain.after > plain.before, `without the flags the young generation grows: ${plain.before} -> ${plain.after}`);
    const quick = youngGeneration(true);
    assert.ok(quick.after <= quick.before, `with them it stays: ${quick.before} -> ${quick.after}`);
  });
});
