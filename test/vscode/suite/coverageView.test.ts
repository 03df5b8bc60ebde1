import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Services } from '../../../src/extension/services';
import type { OciLayoutStore } from '../../../src/oci/layout';
import { attach } from '../../../src/oci/referrers';
import type { CoverageModel } from '../../../src/shared/coverageProtocol';
import { makeReleaseLayout, type ReleaseLayout } from '../../unit/coverageLayout';
import { eventually } from './layoutFixtures';

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

/** Each row as `label: kind=state count, ...`: the whole matrix in a form a failure message shows at a glance. */
const matrix = (m: CoverageModel) => m.rows.map((r) => `${r.label}: ${r.cells.map((c) => `${c.kind}=${c.state} ${c.count}`).join(', ')}`);

/**
 * "Show Referrer Coverage": the page's model for a release layout (buildx attestations, cosign tags, referrers on
 * the index and each platform; see test/unit/coverageLayout.ts), what the page shows, and how it follows the layout.
 */
describe('Referrer coverage page', () => {
  let services: Services;
  let release: ReleaseLayout;
  let layout: string;
  let store: OciLayoutStore;

  before(async () => {
    const ext = vscode.extensions.getExtension<{ services: Services }>('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    ({ services } = await ext.activate());
    // Outside the workspace folder: the tree tests count the workspace's layouts.
    release = await makeReleaseLayout();
    store = release.store;
    layout = store.location;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the index and each platform by kind, counts in cells, the gaps marked', async () => {
    const model = await run<CoverageModel>('manifold.showCoverage', { layout, reference: 'v1' });
    assert.ok(model, 'the command returned nothing (see the Manifold log)');
    assert.equal(model.digest, release.index.digest);
    assert.deepEqual(model.columns.map((c) => c.id), ['signature', 'sbom', 'provenance', 'end-of-life', 'other']);
    assert.deepEqual(model.columns.map((c) => c.title), ['Signature', 'SBOM', 'Provenance', 'End of life', 'Other']);
    assert.deepEqual(matrix(model), [
      // The index's own: shown, never a gap (consumers resolve a platform).
      'index: signature=present 1, sbom=index 0, provenance=index 0, end-of-life=present 1, other=index 0',
      // cosign .sig tag, buildx attestation (SPDX + SLSA: an SBOM and provenance), an end-of-life annotation.
      'linux/amd64: signature=present 1, sbom=present 1, provenance=present 1, end-of-life=present 1, other=none 0',
      // The index and amd64 are signed and have an end of life: arm64 lacks both.
      'linux/arm64/v8: signature=gap 0, sbom=present 2, provenance=present 1, end-of-life=gap 0, other=present 1',
    ]);
    assert.equal(model.gaps, 2);
    // The end-of-life cells say their dates as the core judged them now: the index's is far off, amd64's has passed.
    assert.deepEqual(
      model.rows.map((r) => r.cells.find((c) => c.kind === 'end-of-life')!.endOfLife),
      [{ state: 'later', date: '2099-01-01T00:00:00Z' }, { state: 'passed', date: '2020-01-31' }, undefined],
    );
    // What each "Attach to the N platforms missing it" button targets.
    assert.deepEqual(
      model.columns.map((c) => [c.id, c.missing, c.attachable]),
      [
        ['signature', ['linux/arm64/v8'], true],
        ['sbom', [], true],
        ['provenance', [], true],
        ['end-of-life', ['linux/arm64/v8'], true],
        ['other', [], false],
      ],
    );
    assert.equal(model.attachBlocked, undefined);
    // A cell opens what it counts: arm64's two SBOMs are the CycloneDX referrer and the cosign .att tag (an SPDX attestation).
    const arm64 = model.rows.find((r) => r.digest === release.arm64.digest)!;
    const sboms = arm64.cells.find((c) => c.kind === 'sbom')!.artifacts;
    assert.deepEqual(sboms.map((a) => a.digest).sort(), [release.artifacts.cyclonedx!.digest, release.artifacts.cosignAtt!.digest].sort());
    assert.deepEqual(sboms.find((a) => a.digest === release.artifacts.cosignAtt!.digest)?.tag, release.cosignTags[1]);
    const other = arm64.cells.find((c) => c.kind === 'other')!.artifacts;
    assert.deepEqual(other.map((a) => a.type), ['application/vnd.example.readme']);
  });

  it('the page shows that model, and reads the layout again when its index.json changes', async () => {
    const subject = { ref: { kind: 'layout' as const, path: layout }, reference: 'v1' };
    const shown = services.coverage?.shown(subject);
    assert.ok(shown, 'no coverage page open for the layout');
    assert.equal(shown.gaps, 2);
    // Another tool signs linux/arm64/v8: the page follows without being asked.
    await attach(store, {
      subject: 'v1',
      artifactType: 'application/vnd.cncf.notary.signature',
      annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': '["demo"]' },
      platforms: [{ os: 'linux', architecture: 'arm64', variant: 'v8' }],
    });
    await eventually(async () => {
      const now = services.coverage?.shown(subject);
      assert.ok(now, 'the page is reading');
      assert.equal(now.rows[2]!.cells[0]!.state, 'present', matrix(now).join('\n'));
    }, 20_000);
    assert.equal(services.coverage?.shown(subject)?.gaps, 1);
  });

  it('attaching to the platforms a column lacks completes the matrix', async () => {
    const before = await run<CoverageModel>('manifold.showCoverage', { layout, reference: 'v1' });
    const eol = before.columns.find((c) => c.id === 'end-of-life')!;
    assert.deepEqual(eol.missing, ['linux/arm64/v8']);
    // What the page's button runs, its questions answered.
    const result = await run<{ artifacts: { platform?: string }[] }>('manifold.attach', {
      layout,
      reference: 'v1',
      platforms: eol.missing,
      artifactType: 'application/vnd.microsoft.artifact.lifecycle',
      annotations: ['vnd.microsoft.artifact.lifecycle.end-of-life.date=2099-01-01T00:00:00Z'],
    });
    assert.deepEqual(result?.artifacts.map((a) => a.platform), ['linux/arm64/v8']);
    const after = await run<CoverageModel>('manifold.showCoverage', { layout, reference: 'v1' });
    assert.equal(after.gaps, 0, matrix(after).join('\n'));
    assert.deepEqual(after.columns.filter((c) => c.id !== 'other').map((c) => c.missing), [[], [], [], []]);
  });

  it('opens from the index editor: a stored index names its layout and tag', async () => {
    const uri = vscode.Uri.from({ scheme: 'manifold-index', path: `${layout}/v1.oci-index.json` });
    const model = await run<CoverageModel>('manifold.showCoverage', uri);
    assert.equal(model?.digest, release.index.digest);
    assert.deepEqual(model.rows.map((r) => r.label), ['index', 'linux/amd64', 'linux/arm64/v8']);
  });
});
