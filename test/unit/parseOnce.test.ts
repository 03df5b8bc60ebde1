// A manifest parsed once by its reader (index create's fetchManifest: its declared kind, then the strict check)
// is judged exactly as one parsed by the validator itself: same kind, same problems, same errors thrown.
import { strict as assert } from 'node:assert';
import { isSha256Digest } from '../../src/oci/digest';
import { isOciError } from '../../src/oci/errors';
import { MediaType } from '../../src/oci/mediaType';
import { parseDocument, parseManifestStrict, parseText } from '../../src/oci/validate';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const config = `{"mediaType":"${MediaType.ImageConfig}","digest":"${D('c')}","size":10}`;
const layer = `{"mediaType":"${MediaType.ImageLayerGzip}","digest":"${D('1')}","size":100}`;

const documents: Record<string, string> = {
  'a compact manifest': `{"schemaVersion":2,"mediaType":"${MediaType.ImageManifest}","config":${config},"layers":[${layer}]}`,
  'an indented manifest': JSON.stringify(JSON.parse(`{"schemaVersion":2,"mediaType":"${MediaType.ImageManifest}","config":${config},"layers":[${layer}]}`), null, 2),
  'a key written twice': `{"schemaVersion":2,"mediaType":"${MediaType.ImageManifest}","config":${config},"layers":[${layer}],"layers":[]}`,
  'a bad digest': `{"schemaVersion":2,"mediaType":"${MediaType.ImageManifest}","config":${config.replace(D('c'), `sha256:${'C'.repeat(64)}`)},"layers":[${layer}]}`,
  'an index': `{"schemaVersion":2,"mediaType":"${MediaType.ImageIndex}","manifests":[{"mediaType":"${MediaType.ImageManifest}","digest":"${D('a')}","size":5,"platform":{"architecture":"amd64","os":"linux"}}]}`,
  'a JSON array': '[1,2]',
};

const thrown = (f: () => unknown): string => {
  try {
    f();
    return 'nothing';
  } catch (err) {
    assert.ok(isOciError(err, 'INVALID_MANIFEST'), String(err));
    return (err as Error).message;
  }
};

describe('a document parsed once for its reader and the validator', () => {
  for (const [name, text] of Object.entries(documents)) {
    it(`${name}: the same findings as the validator's own parse`, () => {
      const raw = Buffer.from(text);
      const parsed = parseText(raw);
      assert.ok(parsed);
      const own = parseDocument(raw, { expect: 'manifest' });
      const shared = parseDocument(raw, { expect: 'manifest', parsed });
      assert.equal(shared.kind, own.kind);
      assert.deepEqual(shared.problems, own.problems);
      assert.equal(thrown(() => parseManifestStrict(raw, 'manifest', 'doc', parsed)), thrown(() => parseManifestStrict(raw, 'manifest', 'doc')));
    });
  }

  it('text that is no JSON is not parsed ahead: the validator names where it stops', () => {
    const raw = Buffer.from('{"schemaVersion":2,');
    assert.equal(parseText(raw), undefined);
    assert.match(thrown(() => parseManifestStrict(raw, 'manifest', 'doc')), /^doc is not a manifest or an index: /);
  });

  it('a key written twice is still found with the text given (the findings name it)', () => {
    const raw = Buffer.from(documents['a key written twice']!);
    const codes = parseDocument(raw, { parsed: parseText(raw) }).problems.map((p) => p.code);
    assert.ok(codes.includes('duplicate-key'), codes.join(', '));
  });
});

describe('isSha256Digest', () => {
  it('takes 64 lowercase hex characters after sha256:, nothing else', () => {
    assert.equal(isSha256Digest(D('a')), true);
    assert.equal(isSha256Digest(`sha256:${'0123456789abcdef'.repeat(4)}`), true);
    for (const bad of [`sha256:${'a'.repeat(63)}`, `sha256:${'a'.repeat(65)}`, `sha256:${'A'.repeat(64)}`, `sha256:${'g'.repeat(64)}`, `sha512:${'a'.repeat(64)}`, `${D('a')}\n`, `sha256:${'a'.repeat(63)}\n`, ` ${D('a').slice(1)}`, '']) {
      assert.equal(isSha256Digest(bad), false, JSON.stringify(bad));
    }
  });
});
