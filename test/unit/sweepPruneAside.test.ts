import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_DIR } from '../../src/oci/layout';
import { cleanupTemps, newLayout, pushBlob } from './builders';

after(cleanupTemps);

describe('a writer\'s sweep of old temp files', () => {
  it('leaves a blob prune has set aside (it keeps the blob\'s old time) and removes a stale temp file', async () => {
    const store = await newLayout();
    const tmp = join(store.location, TEMP_DIR);
    mkdirSync(tmp, { recursive: true });
    const old = new Date(Date.now() - 3 * 60 * 60 * 1000);
    const aside = join(tmp, `prune-4242-0123456789ab`);
    const stale = join(tmp, 'blob-4242-stale');
    for (const f of [aside, stale]) {
      writeFileSync(f, 'bytes\n');
      utimesSync(f, old, old);
    }
    await pushBlob(store, 'a new blob\n', 'text/plain'); // the store's first write sweeps the temp folder
    assert.ok(existsSync(aside), 'the blob set aside by prune is still there for prune to put back or remove');
    assert.ok(!existsSync(stale), 'a stale temp file is swept');
  });
});
