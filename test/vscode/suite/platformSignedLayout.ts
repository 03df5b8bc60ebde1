// The layout both platform-referrers suites copy from: an index with no referrers of its own whose platforms are
// signed (as `attach --platform` leaves them), and what they read back after a copy.
import type { Descriptor } from '../../../src/oci/descriptor';
import type { OciLayoutStore } from '../../../src/oci/layout';
import type { ReadOnlyTarget } from '../../../src/oci/target';
import { makeArtifact, makeMultiArchLayout } from '../../unit/builders';

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
