import { strict as assert } from 'node:assert';
import { gatherAhead } from '../../src/oci/graph/gatheredAhead';

/** A listing read ahead gives its reader what a `for await` over it would: the items, then its error where it came. */
describe('gatherAhead', () => {
  const now = (task: () => Promise<void>) => task();
  async function* listing(fail: boolean) {
    yield 'a';
    await new Promise((resolve) => setTimeout(resolve, 5));
    yield 'b';
    if (fail) throw new Error('page 2 failed');
    yield 'c';
  }
  const read = async (it: AsyncIterable<string>) => {
    const seen: string[] = [];
    try {
      for await (const x of it) seen.push(x);
    } catch (err) {
      seen.push(`error: ${(err as Error).message}`);
    }
    return seen;
  };

  it('runs ahead, calls onItem as items come, and replays them in order', async () => {
    const came: string[] = [];
    const ahead = gatherAhead(() => listing(false), now, (x) => came.push(x));
    await ahead.settled;
    assert.deepEqual(came, ['a', 'b', 'c']);
    assert.deepEqual(await read(ahead), ['a', 'b', 'c']);
  });

  it('throws its error after the items that came before it, whether read before or after it failed', async () => {
    assert.deepEqual(await read(gatherAhead(() => listing(true), now)), ['a', 'b', 'error: page 2 failed']);
    const settled = gatherAhead(() => listing(true), now);
    await settled.settled;
    assert.deepEqual(await read(settled), ['a', 'b', 'error: page 2 failed']);
  });
});
