import assert from 'node:assert/strict';
import { BufferPool, giveBack, holdAnother } from '../../src/oci/lentBuffers';

describe('lent read buffers', () => {
  it('reuses a buffer only once every piece cut from it is given back', () => {
    const pool = new BufferPool(1024, 4);
    const a = pool.take();
    a.fill(1);
    // Two pieces of one buffer (as a chunked upload cuts one at a PATCH boundary).
    holdAnother(a);
    const head = a.subarray(0, 100);
    const tail = a.subarray(100);
    giveBack(head);
    const b = pool.take();
    assert.notEqual(b.buffer, a.buffer, 'the tail still holds it: a new buffer');
    assert.ok(tail.every((x) => x === 1), 'the tail keeps its bytes');
    giveBack(tail);
    const c = pool.take();
    assert.equal(c.buffer, a.buffer, 'given back whole: reused');
    assert.equal(c.length, 1024);
    assert.equal(pool.created, 2);
  });

  it('leaves alone what it did not lend, and a buffer given back twice is not lent twice', () => {
    const pool = new BufferPool(64, 4);
    giveBack(Buffer.alloc(64)); // not lent: nothing happens
    const a = pool.take();
    giveBack(a);
    giveBack(a); // no loan any more: ignored
    const b = pool.take();
    const c = pool.take();
    assert.equal(b.buffer, a.buffer);
    assert.notEqual(c.buffer, a.buffer);
  });

  it('keeps at most `keep` buffers waiting', () => {
    const pool = new BufferPool(64, 1);
    const [a, b] = [pool.take(), pool.take()];
    giveBack(a);
    giveBack(b);
    const c = pool.take();
    const d = pool.take();
    assert.equal(c.buffer, a.buffer);
    assert.notEqual(d.buffer, b.buffer, 'the second was dropped, not kept');
  });
});
