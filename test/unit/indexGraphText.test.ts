// The sides of "Compare Index With...": one index as text, in a stable shape, and the document URI that asks for it.
import * as assert from 'node:assert/strict';
import { documentUriParts, parseDocumentQuery } from '../../src/extension/present/documentUri';
import { renderIndexGraph } from '../../src/extension/present/indexGraphText';
import type { IndexGraph } from '../../src/oci/imageIndex/diff';
import { MediaType } from '../../src/oci/mediaType';

const D = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;

const graph: IndexGraph = {
  reference: 'v2',
  digest: D('ab'),
  annotations: { 'org.opencontainers.image.version': '2', 'org.example.a': 'x' },
  referrers: ['application/vnd.example.release-notes'],
  // Not in key order: the text sorts them.
  children: [
    { key: 'linux/arm64/v8', digest: D('c1'), mediaType: MediaType.ImageManifest, size: 500, image: { created: null, layers: 2, size: 2_500_000 }, referrers: [] },
    { key: 'linux/amd64', digest: D('d2'), mediaType: MediaType.ImageManifest, size: 480, image: { created: '2026-02-01T00:00:00Z', layers: 1, size: 14 }, referrers: ['application/spdx+json', 'application/vnd.sig'] },
    { key: 'unknown/unknown', digest: D('e3'), mediaType: MediaType.ImageManifest, size: 321, image: null, referrers: [] },
  ],
};

describe('extension: index summary text (Compare Index With...)', () => {
  it('renders the index, its annotations sorted, and each platform sorted by key with the same rows', () => {
    assert.equal(
      renderIndexGraph(graph),
      [
        'Index      v2',
        `Digest     ${D('ab')}`,
        'Platforms  3',
        'Referrers  application/vnd.example.release-notes',
        '',
        'Annotations',
        '  org.example.a: x',
        '  org.opencontainers.image.version: 2',
        '',
        'linux/amd64',
        `  digest      ${D('d2')}`,
        `  media type  ${MediaType.ImageManifest}`,
        '  created     2026-02-01T00:00:00Z',
        '  layers      1',
        '  layer size  14 B (14 bytes)',
        '  referrers   application/spdx+json, application/vnd.sig',
        '',
        'linux/arm64/v8',
        `  digest      ${D('c1')}`,
        `  media type  ${MediaType.ImageManifest}`,
        '  created     (none)',
        '  layers      2',
        '  layer size  2.5 MB (2500000 bytes)',
        '  referrers   (none)',
        '',
        'unknown/unknown',
        `  digest         ${D('e3')}`,
        `  media type     ${MediaType.ImageManifest}`,
        '  manifest size  321 bytes',
        '  referrers      (none)',
        '',
      ].join('\n'),
    );
  });

  it('an index with no annotations, referrers or children still has every heading', () => {
    const text = renderIndexGraph({ reference: 'empty', digest: D('ff'), annotations: {}, referrers: [], children: [] });
    assert.equal(text, ['Index      empty', `Digest     ${D('ff')}`, 'Platforms  0', 'Referrers  (none)', '', 'Annotations', '  (none)', ''].join('\n'));
  });

  it('the document URI of a summary round-trips and reads as text', () => {
    const parts = documentUriParts({ view: 'indexSummary', source: { kind: 'layout', path: '/w/layouts/app' }, digest: D('ab'), mediaType: MediaType.ImageIndex, size: 900, label: 'v2' });
    assert.equal(parts.path, '/app/v2.index.txt');
    const req = parseDocumentQuery(parts.query);
    assert.deepEqual([req.view, req.layout, req.digest, req.label], ['indexSummary', '/w/layouts/app', D('ab'), 'v2']);
    assert.throws(() => parseDocumentQuery(parts.query.replace('indexSummary', 'toString')), /not a Manifold document/);
  });
});
