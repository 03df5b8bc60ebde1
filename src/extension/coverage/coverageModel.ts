// What the coverage page shows, read from the core's coverage report: one row per manifest, one cell per kind,
// each cell saying whether it is a gap to fix. Free of `vscode`: the host tests check it as the page gets it.
import { isImageIndex } from '../../oci/mediaType';
import { formatPlatform } from '../../oci/platform';
import { coverageGaps, coverageLabel, type CoverageReport, OTHER_KIND } from '../../oci/referrers';
import type { ImageVerification } from '../../oci/signatures';
import { signerName } from '../present/verifyText';
import type { CellState, CoverageColumnView, CoverageModel, CoverageRowView } from '../../shared/coverageProtocol';

export interface ModelOptions {
  /** The whole reference, `/path/to/layout:v1`. */
  reference: string;
  /** What the title says: `layout:v1`. */
  name: string;
  /** The column header for a kind (localized for the built-in ones); the table's title when it returns undefined. */
  titleOf?: (id: string) => string | undefined;
  /** Why nothing can be attached from the page; undefined when it can. */
  attachBlocked?: string;
  /** Whether signing is offered for the signature column's gaps. */
  signable?: boolean;
  /**
   * The image's signatures verified (as Verify Signatures… does) with the keys and identities set, `keys` naming them:
   * the signature cells say whether.
   */
  verification?: { report: ImageVerification; keys: string[] };
  /** Why there is no verification though keys are set. */
  verifyProblem?: string;
}

/** The kind whose cells a verification speaks for. */
const SIGNATURE_KIND = 'signature';

export function coverageModel(report: CoverageReport, options: ModelOptions): CoverageModel {
  const gaps = coverageGaps(report);
  const withOther = report.rows.some((r) => (r.counts[OTHER_KIND] ?? 0) > 0);
  const kinds = [...report.columns, ...(withOther ? [{ id: OTHER_KIND, title: 'OTHER' }] : [])];
  let gapCount = 0;
  let unverified = 0;
  // Per manifest: whether a signature is valid, and by which keys (the names the setting gives) or certificates.
  const verified = new Map(
    (options.verification?.report.manifests ?? []).map((m) => [m.subject.digest, { valid: m.valid, keys: [...new Set(m.signatures.filter((x) => x.valid).map(signerName))] }]),
  );
  const rows: CoverageRowView[] = report.rows.map((row) => {
    const index = isImageIndex(row.desc.mediaType);
    const lacking = gaps.get(row.desc.digest) ?? [];
    const cells = kinds.map(({ id }) => {
      const artifacts = row.artifacts.filter((a) => (id === OTHER_KIND ? a.kinds.length === 0 : a.kinds.includes(id)));
      const count = row.counts[id] ?? artifacts.length;
      const state: CellState = count > 0 ? 'present' : index ? 'index' : lacking.includes(id) ? 'gap' : 'none';
      if (state === 'gap') gapCount++;
      const checked = id === SIGNATURE_KIND && count > 0 ? verified.get(row.desc.digest) : undefined;
      if (checked && !checked.valid) unverified++;
      return {
        kind: id,
        count,
        state,
        artifacts: artifacts.map((a) => ({ digest: a.digest, type: a.artifactType ?? a.other ?? a.mediaType, via: [...a.via], ...(a.tag ? { tag: a.tag } : {}) })),
        ...(checked ? { verified: checked } : {}),
      };
    });
    // Only a platform right below the reference can be named to attach (attach picks an index's children by platform).
    const platform = !index && row.position.length === 1 && row.desc.platform ? formatPlatform(row.desc.platform) : undefined;
    return { label: coverageLabel(row), digest: row.desc.digest, index, ...(platform ? { platform } : {}), cells };
  });
  // `other` is what matches no kind: nothing to attach "of that kind", so nothing is missing from it.
  const columns: CoverageColumnView[] = kinds.map(({ id, title }, i) => ({
    id,
    title: options.titleOf?.(id) ?? title,
    missing: id === OTHER_KIND ? [] : rows.filter((r) => r.platform && r.cells[i]!.count === 0).map((r) => r.platform!),
    attachable: id !== OTHER_KIND,
  }));
  return {
    reference: options.reference,
    name: options.name,
    digest: report.root.digest,
    columns,
    rows,
    gaps: gapCount,
    ...(options.verification ? { unverified, keys: options.verification.keys } : {}),
    ...(options.verifyProblem ? { verifyProblem: options.verifyProblem } : {}),
    ...(options.attachBlocked ? { attachBlocked: options.attachBlocked } : {}),
    ...(options.signable ? { signable: true } : {}),
  };
}
