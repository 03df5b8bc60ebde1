import { strict as assert } from 'node:assert';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestOf, isDigest, parseDigest, verifyBytes, verifyingStream } from '../../src/oci/digest';
import { isOciError } from '../../src/oci/errors';

const HELLO = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

describe('digest', () => {
  const cases: Array<[string, boolean]> = [
    [HELLO, true],
    [`sha512:${'a'.repeat(128)}`, true],
    ['sha256:../../x', false],
    [`sha256:${'A'.repeat(64)}`, false],
    [`sha256:${'a'.repeat(63)}`, false],
    [`md5:${'a'.repeat(32)}`, false],
    ['sha256', false],
    ['', false],
    // isDigest's quick answers agree with parseDigest: a tag, a digest with a trailing newline.
    ['v1.0', false],
    [`sha256:${'a'.repeat(64)}\n`, false],
  ];
  for (const [input, ok] of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${JSON.stringify(input).slice(0, 40)}`, () => {
      assert.equal(isDigest(input), ok);
      if (!ok) assert.throws(() => parseDigest(input), (e: unknown) => isOciError(e, 'INVALID_DIGEST'));
    });
  }

  it('computes sha256 over bytes', () => {
    assert.equal(digestOf(Buffer.from('hello')), HELLO);
  });

  it('names the blob when bytes do not match', () => {
    assert.throws(() => verifyBytes(Buffer.from('hellO'), { digest: HELLO, size: 5 }), /blob sha256:2cf24d.*content has digest/);
    assert.throws(() => verifyBytes(Buffer.from('hello!'), { digest: HELLO, size: 5 }), (e: unknown) => isOciError(e, 'SIZE_MISMATCH'));
  });

  it('verifies while streaming', async () => {
    const ok = verifyingStream({ digest: HELLO, size: 5 });
    const chunks: Buffer[] = [];
    await pipeline(Readable.from([Buffer.from('he'), Buffer.from('llo')]), ok, async (src) => {
      for await (const c of src) chunks.push(c as Buffer);
    });
    assert.equal(Buffer.concat(chunks).toString(), 'hello');
    await assert.rejects(
      pipeline(Readable.from([Buffer.from('jello')]), verifyingStream({ digest: HELLO, size: 5 }), async (src) => {
        for await (const _ of src) void _;
      }),
      (e: unknown) => isOciError(e, 'DIGEST_MISMATCH'),
    );
  });
});
