// The words of the Prune Layout and Delete with Referrers questions, from core results, without vscode.
import * as assert from 'node:assert/strict';
import { danglingLines, planCounts, pruneFigureLines, prunedText, pruneUntaggedLines, pruneYoungLine } from '../../src/extension/present/lifecycleText';
import type { Descriptor } from '../../src/oci/descriptor';
import type { DeletePlan } from '../../src/oci/graph';
import type { PruneReport } from '../../src/oci/layout/prune';
import { MediaType } from '../../src/oci/mediaType';

const D = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;
const report = (over: Partial<PruneReport>): PruneReport => ({ dryRun: true, graceMs: 600_000, removed: [], untagged: [], young: [], bytes: 0, restoresLayoutFile: null, ...over });

describe('extension: lifecycle words (prune, delete with referrers)', () => {
  const dry = report({
    removed: [
      { kind: 'blob', path: `blobs/sha256/${D('a').slice(7)}`, digest: D('a'), size: 1500 },
      { kind: 'blob', path: `blobs/sha256/${D('b').slice(7)}`, digest: D('b'), size: 500 },
      { kind: 'temp', path: '.manifold-tmp/blob-1', size: 14 },
    ],
    young: [{ kind: 'blob', path: `blobs/sha256/${D('c').slice(7)}`, digest: D('c'), size: 3 }],
    bytes: 2014,
  });

  it('the dry run figures: blobs and bytes, temp files, stale locks, total, and what is kept for being young', () => {
    assert.deepEqual(pruneFigureLines(dry), [
      '2 unreachable blobs to remove (2.0 kB).',
      '1 leftover temporary file.',
      '0 stale lock files.',
      '2.0 kB freed in all.',
      '1 unreachable blob is kept: it changed within the last 10 minutes, and another process may be writing it.',
    ]);
    assert.equal(pruneYoungLine(report({})), '');
    assert.equal(prunedText('app', report({ dryRun: false })), 'Pruned app: freed 0 B (0 blobs).');
  });

  it('the second button: untagged manifests with their platforms, and the bytes beyond a plain prune', () => {
    assert.deepEqual(pruneUntaggedLines(report({ bytes: 2014 }), dry), []);
    const withUntagged = report({
      bytes: 5014,
      untagged: [
        { digest: D('1'), mediaType: MediaType.ImageIndex, size: 400, platforms: ['linux/amd64', 'linux/arm64'] },
        { digest: D('2'), mediaType: MediaType.ImageManifest, size: 300, platforms: [] },
      ],
    });
    assert.deepEqual(pruneUntaggedLines(withUntagged, dry), [
      `Prune with Untagged also drops 2 untagged manifests nothing else needs: 111111111111 (linux/amd64, linux/arm64), 222222222222; 3.0 kB more freed.`,
    ]);
    assert.equal(prunedText('layouts/app', { ...withUntagged, removed: dry.removed, dryRun: false }), 'Pruned layouts/app: freed 5.0 kB (2 blobs, 1 temporary file). Dropped 2 untagged manifests.');
  });

  it('a delete plan: the referrers left dangling, and what Delete with Referrers deletes', () => {
    const m = (n: string, extra: Partial<Descriptor> = {}): Descriptor => ({ mediaType: MediaType.ImageManifest, digest: D(n), size: 10, ...extra });
    const plan: DeletePlan = {
      deletions: [
        { desc: m('5', { artifactType: 'application/vnd.sig' }), role: 'referrer', of: D('4') },
        { desc: m('4', { artifactType: 'application/spdx+json' }), role: 'referrer', of: D('3') },
        { desc: m('6', { mediaType: MediaType.ImageIndex }), role: 'fallback', of: D('3') },
        { desc: m('3', { mediaType: MediaType.ImageIndex }), role: 'manifest' },
        { desc: m('7', { platform: { os: 'linux', architecture: 'arm64' } }), role: 'child', of: D('3') },
      ],
      kept: [m('8')],
      childrenConsidered: true,
    };
    assert.equal(planCounts(plan), '5 manifests in all (2 referrers, 1 child manifest)');
    assert.deepEqual(danglingLines(plan), [
      'Delete leaves 2 referrers pointing at nothing: manifest application/vnd.sig 555555555555, manifest application/spdx+json 444444444444.',
      'Delete with Referrers deletes 5 manifests in all (2 referrers, 1 child manifest).',
      '1 child manifest stays: something else reaches it.',
    ]);
    assert.deepEqual(danglingLines({ deletions: [{ desc: m('3'), role: 'manifest' }], kept: [], childrenConsidered: true }), []);
  });
});
