// The layout both platform-referrers suites copy from: an index with no referrers of its own whose platforms are
// signed (as `attach --platform` leaves them), and what they read back after a copy.
import type * as vscode from 'vscode';
import type { Descriptor } from '../../../src/oci/descriptor';
import type { OciLayoutStore } from '../../../src/oci/layout';
import type { ReadOnlyTarget } from '../../../src/oci/target';
import { makeArtifact, makeMultiArchLayout } from '../../unit/builders';
import { swapExtensionWindow, typedQuickPick } from './extensionWindow';

export const NOTARY = 'application/vnd.cncf.notary.signature';
/** The kinds pick, the platforms' kinds ticked. */
export const KINDS = /^pick: The kinds of referrer to copy: SIGNATURE \(ticked\) \| SBOM \(ticked\) \| PROVENANCE \| END-OF-LIFE/;

export interface PlatformSignedLayout {
  store: OciLayoutStore;
  index: Descriptor;
  children: Descriptor[];
  made: { signature: Descriptor; sbom: Descriptor; scan: Descriptor };
}

/** linux/arm64 signed, linux/amd64 with an SBOM and a scan report: nothing on the index itself (tagged multi). */
export async function platformSignedLayout(): Promise<PlatformSignedLayout> {
  const { store, index, children } = await makeMultiArchLayout();
  const signature = await makeArtifact(store, { subject: children[1]!, artifactType: NOTARY, content: 'arm64 signature' });
  const sbom = await makeArtifact(store, { subject: children[0]!, artifactType: 'application/spdx+json', content: '{"spdxVersion":"SPDX-2.3"}' });
  const scan = await makeArtifact(store, { subject: children[0]!, artifactType: 'application/vnd.example.scan+json', content: 'scan' });
  return { store, index, children, made: { signature, sbom, scan } };
}

/** Every referrer `target` lists under `subjects`, and under those, by digest. */
export async function referrersUnder(target: ReadOnlyTarget, subjects: readonly Descriptor[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (desc: Descriptor) => {
    for await (const r of target.referrers(desc)) {
      if (out.includes(r.digest)) continue;
      out.push(r.digest);
      await walk(r);
    }
  };
  for (const d of subjects) await walk(d);
  return out.sort();
}

/**
 * Answers the extension's quick picks with the labels `next()` gives (none: nothing chosen) and its destination pick
 * with `destination()`, recording each question into `asked` (`pick: PLACEHOLDER: ITEMS`, ticked ones marked);
 * messages are answered with no action. `allPlatforms`: a copy's platforms pick is answered with every platform (the
 * index copied as it is). `extra`: more of the window swapped (an open dialog, say). Returns what puts it all back.
 */
export function recordQuestions(
  asked: string[],
  answers: { next: () => string[] | undefined; destination: () => string; allPlatforms?: boolean; extra?: Record<string, unknown> },
): () => void {
  return swapExtensionWindow({
    showQuickPick: async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
      const list = await items;
      asked.push(`pick: ${options?.placeHolder}: ${list.map((i) => i.label + (i.picked ? ' (ticked)' : '')).join(' | ')}`);
      if (answers.allPlatforms && options?.placeHolder?.startsWith('Platforms to copy')) return list;
      const want = answers.next() ?? [];
      const chosen = list.filter((i) => want.includes(i.label));
      return options?.canPickMany ? chosen : chosen[0];
    },
    createQuickPick: () => typedQuickPick(answers.destination(), asked)(),
    showInformationMessage: async () => undefined,
    ...answers.extra,
  });
}
