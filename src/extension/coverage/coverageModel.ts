// What the coverage page shows, read from the core's coverage report: one row per manifest, one cell per kind,
// each cell saying whether it is a gap to fix. Free of `vscode`: the host tests check it as the page gets it.
import { isImageIndex } from '../../oci/mediaType';
import { formatPlatform } from '../../oci/platform';
import type { ImageAttestations } from '../../oci/attestations';
import { cellArtifacts, cellVerifier, type CoveredArtifact, coverageGaps, coverageLabel, type CoverageReport, type CoverageRow, END_OF_LIFE_KIND, KindTable, OTHER_KIND } from '../../oci/referrers';
import { shownShort } from '../../oci/validate/shownValue';
import type { ImageVerification } from '../../oci/signatures';
import { signerName } from '../present/verifyText';
import type { CellState, CoverageCellView, CoverageColumnView, CoverageModel, CoverageRowView } from '../../shared/coverageProtocol';

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
   * The image's signatures and attestations verified (as Verify Signatures… and Verify Attestations… do) with the keys
   * and identities set, `keys` and `identities` naming them: the signature and attestation cells say whether.
   */
  verification?: { report: ImageVerification; attestations: ImageAttestations; keys: string[]; identities: string[] };
  /** The kinds the report was read with: what an attestation's predicate type is of. */
  kinds?: KindTable;
  /** Why there is no verification though keys are set. */
  verifyProblem?: string;
}

export function coverageModel(report: CoverageReport, options: ModelOptions): CoverageModel {
  const gaps = coverageGaps(report);
  const withOther = report.rows.some((r) => (r.counts[OTHER_KIND] ?? 0) > 0);
  const kinds = [...report.columns, ...(withOther ? [{ id: OTHER_KIND, title: 'OTHER' }] : [])];
  let gapCount = 0;
  let unverified = 0;
  const checked = options.verification && cellVerification(options.verification, options.kinds ?? new KindTable());
  const rows: CoverageRowView[] = report.rows.map((row) => {
    const index = isImageIndex(row.desc.mediaType);
    const lacking = gaps.get(row.desc.digest) ?? [];
    const cells = kinds.map(({ id }) => {
      const artifacts = cellArtifacts(row, id);
      const count = row.counts[id] ?? artifacts.length;
      const state: CellState = count > 0 ? 'present' : index ? 'index' : lacking.includes(id) ? 'gap' : 'none';
      if (state === 'gap') gapCount++;
      const said = checked && count > 0 ? checked(row, id, artifacts) : undefined;
      if (said?.verified && !said.verified.valid) unverified++;
      return {
        kind: id,
        count,
        state,
        artifacts: artifacts.map((a) => ({ digest: a.digest, type: a.artifactType ?? a.other ?? a.mediaType, via: [...a.via], ...(a.tag ? { tag: a.tag } : {}) })),
        ...said,
        ...(id === END_OF_LIFE_KIND && row.endOfLife ? { endOfLife: endOfLifeView(row) } : {}),
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
    ...(options.verification ? { unverified, keys: options.verification.keys, identities: options.verification.identities } : {}),
    ...(options.verifyProblem ? { verifyProblem: options.verifyProblem } : {}),
    ...(options.attachBlocked ? { attachBlocked: options.attachBlocked } : {}),
    ...(options.signable ? { signable: true } : {}),
  };
}

/** The row's end-of-life dates as the page shows them: values that are no date quoted and cut, as a message quotes them. */
function endOfLifeView(row: CoverageRow): NonNullable<CoverageCellView['endOfLife']> {
  const { state, date, unreadable } = row.endOfLife!;
  return { state, ...(date ? { date } : {}), ...(unreadable ? { unreadable: unreadable.map(shownShort) } : {}) };
}

type CellSays = Pick<CoverageCellView, 'verified' | 'nothingToVerify'>;

/** The core's verification of a cell (cellVerifier), its signers named as the page names them. */
function cellVerification(v: NonNullable<ModelOptions['verification']>, table: KindTable): (row: CoverageRow, kind: string, artifacts: CoveredArtifact[]) => CellSays {
  const check = cellVerifier({ signatures: v.report, attestations: v.attestations }, table, signerName);
  return (row, kind, artifacts) => {
    const { verified, nothingToVerify } = check(row, kind, artifacts);
    return { ...(verified ? { verified: { valid: verified.valid, keys: verified.by } } : {}), ...(nothingToVerify ? { nothingToVerify } : {}) };
  };
}
