import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CopiedIntoLayout } from '../../../src/extension/commands/copyIntoLayout';
import type { ImportResult } from '../../../src/extension/commands/importLayoutTar';
import type { Descriptor } from '../../../src/oci/descriptor';
import { OciLayoutStore } from '../../../src/oci/layout';
import { exportLayoutTar } from '../../../src/oci/layout/tarExport';
import { makeArtifact, makeMultiArchLayout } from '../../unit/builders';
import { swapExtensionWindow } from './extensionWindow';

/** Every referrer a layout lists under `digests`, and under those, by digest. */
async function referrersUnder(dir: string, digests: string[]): Promise<string[]> {
  const store = await OciLayoutStore.open(dir);
  const out: string[] = [];
  const walk = async (digest: string) => {
    for await (const r of store.referrers({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 0 })) {
      if (!out.includes(r.digest)) out.push(r.digest);
      await walk(r.digest);
    }
  };
  for (const d of digests) await walk(d);
  return out.sort();
}

/**
 * Copy to Layout with only some kinds of referrer, as `cp -r --only` copies: given as an argument, or picked ("Only
 * Some Kinds…", then the kinds) when the copy asks whether its referrers come along.
 */
describe('Copy to Layout: only some kinds of referrer', () => {
  let dir: string;
  let from: string;
  let subjects: string[];
  let made: { signature: Descriptor; sbom: Descriptor; sbomSignature: Descriptor; scan: Descriptor };
  let restore: (() => void) | undefined;
  const asked: string[] = [];
  let picks: string[][] = [];
  let opened: vscode.Uri[] | undefined;

  before(async () => {
    const ext = vscode.extensions.getExtension('manifold-dev.manifold');
    assert.ok(ext, 'the Manifold extension is not loaded');
    await ext.activate();
    dir = mkdtempSync(join(tmpdir(), 'manifold-copy-only-'));
    const { store, index, children } = await makeMultiArchLayout();
    from = store.location;
    subjects = [index.digest, ...children.map((c) => c.digest)];
    const signature = await makeArtifact(store, { subject: index, artifactType: 'application/vnd.cncf.notary.signature', content: 'index signature' });
    const sbom = await makeArtifact(store, { subject: index, artifactType: 'application/spdx+json', content: '{"spdxVersion":"SPDX-2.3"}' });
    const sbomSignature = await makeArtifact(store, { subject: sbom, artifactType: 'application/vnd.cncf.notary.signature', content: 'sbom signature' });
    const scan = await makeArtifact(store, { subject: children[0]!, artifactType: 'application/vnd.example.scan+json', content: 'scan' });
    made = { signature, sbom, sbomSignature, scan };
    restore = swapExtensionWindow({
      showQuickPick: async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
        const list = await items;
        // The index's platforms: all of them (the index copied as it is), not asked about here.
        if (options?.placeHolder?.startsWith('Platforms to copy')) return list;
        asked.push(`pick: ${options?.placeHolder}: ${list.map((i) => i.label + (i.picked ? ' (ticked)' : '')).join(' | ')}`);
        const want = picks.shift() ?? [];
        const chosen = list.filter((i) => want.includes(i.label));
        return options?.canPickMany ? chosen : chosen[0];
      },
      showInputBox: async (options?: vscode.InputBoxOptions) => (asked.push(`input: ${options?.prompt}`), options?.value),
      showOpenDialog: async (options?: vscode.OpenDialogOptions) => (asked.push(`open: ${options?.title}`), opened),
      showInformationMessage: async () => undefined,
    });
  });

  beforeEach(() => {
    asked.length = 0;
    picks = [];
  });

  after(() => {
    restore?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it("given `only: ['signature']`: the index's signature alone (the SBOM's signature stays with the SBOM)", async () => {
    const to = join(dir, 'signatures');
    const outcome = await vscode.commands.executeCommand<CopiedIntoLayout | undefined>('manifold.copyToLayout', { layout: from, reference: 'multi', to, tags: ['multi'], only: ['signature'] });
    assert.ok(outcome, 'the command returned nothing (see the Manifold log)');
    assert.equal(outcome.referrers, 1);
    assert.match(outcome.message, / with 1 referrer/);
    assert.deepEqual(await referrersUnder(to, subjects), [made.signature.digest]);
    assert.deepEqual(asked, []);
  });

  it('asked: "Only Some Kinds…", then SIGNATURE and SBOM picked: both, with the SBOM\'s signature; not the scan', async () => {
    const to = join(dir, 'picked');
    picks = [['Only Some Kinds…'], ['SIGNATURE', 'SBOM']];
    const outcome = await vscode.commands.executeCommand<CopiedIntoLayout | undefined>('manifold.copyToLayout', { layout: from, reference: 'multi', to, confirmed: true });
    assert.ok(outcome, `the command returned nothing: ${asked.join('; ')}`);
    assert.equal(asked.length, 3, asked.join('; '));
    assert.equal(asked[2], 'input: Tag in the layout');
    // The scan on linux/amd64 is counted too: the copy carries it unless told otherwise.
    assert.equal(asked[0], 'pick: 1 of its 4 referrers is on its platforms: SBOM, scan, signature ×2. Copy them too?: With its referrers | Only Some Kinds… | Without referrers');
    // The index's own referrers are a signature and an SBOM: those come ticked.
    assert.match(asked[1]!, /^pick: The kinds of referrer to copy: SIGNATURE \(ticked\) \| SBOM \(ticked\) \| PROVENANCE \| END-OF-LIFE/);
    assert.equal(outcome.referrers, 3);
    assert.deepEqual(await referrersUnder(to, subjects), [made.signature.digest, made.sbom.digest, made.sbomSignature.digest].sort());
  });

  describe('Import .tar into Layout', () => {
    let archive: string;
    before(async () => {
      archive = join(dir, 'multi.tar');
      await exportLayoutTar(from, archive);
    });

    it("given `only: ['signature']`: the index's signature alone; the rest said to be left out, none as untagged", async () => {
      const to = join(dir, 'imported-signatures');
      const result = await vscode.commands.executeCommand<ImportResult | undefined>('manifold.importLayoutTar', { file: archive, layout: to, only: ['signature'] });
      assert.ok(result, 'the command returned nothing (see the Manifold log)');
      assert.deepEqual(asked, []);
      assert.deepEqual(await referrersUnder(to, subjects), [made.signature.digest]);
      // The SBOM and the scan left, and the SBOM's signature below the SBOM.
      assert.deepEqual(result.referrersLeft.map((l) => l.digest).sort(), [made.sbom.digest, made.scan.digest, made.sbomSignature.digest].sort());
      assert.deepEqual(result.leftOut, []);
      assert.match(result.message, / With 1 referrer\. 3 referrers of other kinds were left out\.$/);
    });

    it('asked, the archive picked: "Only Some Kinds…", then SBOM: the SBOM alone (its signature is no SBOM)', async () => {
      const to = join(dir, 'imported-sbom');
      opened = [vscode.Uri.file(archive)];
      picks = [['Only Some Kinds…'], ['SBOM']];
      const result = await vscode.commands.executeCommand<ImportResult | undefined>('manifold.importLayoutTar', { layout: to });
      assert.ok(result, `the command returned nothing: ${asked.join('; ')}`);
      assert.equal(asked.length, 3, asked.join('; '));
      // The scan on linux/amd64 is counted too: the import carries it unless told otherwise.
      assert.equal(asked[1], 'pick: 1 of the 1 tags has referrers, 1 of the 4 on its platforms: SBOM, scan, signature ×2. Import which?: With their referrers | Only Some Kinds…');
      assert.match(asked[2]!, /^pick: The kinds of referrer to copy: SIGNATURE \(ticked\) \| SBOM \(ticked\) \| PROVENANCE \| END-OF-LIFE/);
      assert.deepEqual(await referrersUnder(to, subjects), [made.sbom.digest]);
      assert.equal(result.referrers, 1);
    });
  });
});
