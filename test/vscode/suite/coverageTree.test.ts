// Referrer coverage in the Layouts view: an index's platform rows say what they carry and warn of what they lack
// that a sibling or the index has; buildx attestation entries show under their platform; the user's kinds
// (manifold.referrerKinds) name referrers of their own.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Descriptor } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { referrerKindTable } from '../../../src/extension/settings/referrerKinds';
import { makeArtifact, makeImage, makeIndex } from '../../unit/builders';
import { makeBuildxAttestation, SLSA } from '../../unit/coverageLayout';
import { eventually, row, rows, tooltipOf, useFixtures, type Fixtures, type Row } from './layoutFixtures';

const NOTARY = 'application/vnd.cncf.notary.signature';
const VEX = 'application/vnd.example.vex+json';
/** As the Markdown tooltip reads (escapes removed). */
const unescape = (md: string) => md.replace(/\\(.)/g, '$1');

describe('Layouts view: referrer coverage', () => {
  let f: Fixtures;
  let amd64: Descriptor;
  let attestation: Descriptor;
  const settings = () => vscode.workspace.getConfiguration('manifold');

  before(async () => {
    f = await useFixtures();
    // An index of 2 platforms, a signature on both, on amd64 only an SBOM, a buildx provenance attestation and a VEX
    // document (of no built-in kind).
    const dir = join(f.workspace, 'layouts', 'coverage');
    const store = await OciLayoutStore.open(dir, { create: true });
    amd64 = await makeImage(store, { os: 'linux', arch: 'amd64' });
    const arm64 = await makeImage(store, { os: 'linux', arch: 'arm64' });
    attestation = await makeBuildxAttestation(store, amd64, [SLSA]);
    const index = await makeIndex(store, [amd64, arm64, attestation]);
    await store.tag(index, 'v1');
    for (const subject of [amd64, arm64]) await makeArtifact(store, { subject, artifactType: NOTARY, content: `signature of ${subject.digest}` });
    await makeArtifact(store, { subject: amd64, artifactType: 'application/spdx+json', content: '{"spdxVersion":"SPDX-2.3"}' });
    await makeArtifact(store, { subject: amd64, artifactType: VEX, content: '{"@context":"https://openvex.dev/ns"}' });
    await vscode.commands.executeCommand('manifold.refresh');
  });

  after(async () => {
    await settings().update('referrerKinds', undefined, vscode.ConfigurationTarget.Global);
  });

  /** The platform rows of v1, once the coverage walk has come in (it may be drawn after the rows). */
  async function platformRows(check: (rows: Row[]) => void): Promise<Row[]> {
    let found: Row[] = [];
    await eventually(async () => {
      const layout = await row(f, undefined, 'coverage');
      const v1 = await row(f, layout.node, 'v1');
      found = await rows(f, v1.node);
      check(found);
    });
    return found;
  }

  it('shows what each platform carries, and warns of an SBOM only a sibling has', async () => {
    const children = await platformRows((c) => assert.match(c.find((r) => r.label === 'linux/amd64')?.description ?? '', /^signed · SBOM · provenance · /));
    // The attestation entry is no platform: it is under amd64, not beside it.
    assert.deepEqual(children.map((c) => c.label), ['linux/amd64', 'linux/arm64']);
    const [amd, arm] = children as [Row, Row];
    assert.match(amd.description, /^signed · SBOM · provenance · [0-9a-f]{12}$/);
    assert.equal(amd.icon, 'package');
    assert.match(arm.description, /^signed · [0-9a-f]{12}$/);
    assert.equal(arm.icon, 'warning');
    const tooltip = unescape(await tooltipOf(f, arm));
    assert.match(tooltip, /lacks SBOM \(linux\/amd64 has one\)/);
    assert.match(tooltip, /lacks provenance \(linux\/amd64 has one\)/);
    assert.doesNotMatch(unescape(await tooltipOf(f, amd)), /lacks/);
  });

  it('shows a buildx attestation under its platform, by its kind, never as a platform unknown/unknown', async () => {
    const [amd] = (await platformRows(() => {})) as [Row, Row];
    const below = await rows(f, amd.node);
    const att = below.find((r) => r.contextValue === 'manifold:manifest+image+attestation');
    assert.ok(att, `rows under linux/amd64: ${below.map((r) => `${r.label} (${r.contextValue})`).join(', ')}`);
    assert.equal(att.label, 'buildx attestation');
    assert.match(att.description, /^provenance · [0-9a-f]{12}$/);
    assert.ok(!below.some((r) => r.label === 'unknown/unknown'));
    assert.equal(attestation.platform?.os, 'unknown');
  });

  it('names a referrer of a kind the setting adds; a bad setting names the entry and falls back to the built-in kinds', async () => {
    await settings().update('referrerKinds', [{ id: 'vex', title: 'VEX', artifactTypes: [VEX] }], vscode.ConfigurationTarget.Global);
    const children = await platformRows((c) => assert.match(c[0]!.description, /^signed · SBOM · provenance · VEX · /));
    const amd = children[0]!;
    const below = await rows(f, amd.node);
    const vex = below.find((r) => r.label === 'vex');
    assert.ok(vex, below.map((r) => r.label).join(', '));
    assert.match(vex.description, /^[0-9a-f]{12} · application\/vnd\.example\.vex\+json$/);
    // Arm64 lacks the VEX amd64 has.
    assert.match(unescape(await tooltipOf(f, children[1]!)), /lacks VEX \(linux\/amd64 has one\)/);

    await settings().update('referrerKinds', [{ id: 'vex', artifactTypes: [VEX] }, { id: 'VEX 2', artifactTypes: ['a/b'] }], vscode.ConfigurationTarget.Global);
    const warnings: string[] = [];
    assert.deepEqual(referrerKindTable((m) => warnings.push(m)).columns.map((c) => c.id), ['signature', 'sbom', 'provenance', 'end-of-life']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^Setting manifold\.referrerKinds: \$\[1\]\.id: expected a lower-case word/);
    assert.match(warnings[0]!, /built-in kinds of referrer are used/);
    await platformRows((c) => assert.match(c[0]!.description, /^signed · SBOM · provenance · [0-9a-f]{12}$/));
  });
});
