// What each cell of a coverage report says once the image's signatures and attestations are verified: the CLI's
// `coverage --key ...` and the VS Code coverage page read the same answer.
import type { ImageAttestations } from '../attestations/verifyImageAttestations';
import type { ImageVerification } from '../signatures/verifyImage';
import type { CosignLayerResult } from '../signatures/signatureResult';
import { identityText } from '../signatures/keyless';
import type { CoveredArtifact, CoverageReport, CoverageRow } from './coverage';
import { KindTable, OTHER_KIND } from './kinds';
import { isImageIndex } from '../mediaType';

/** The kind whose cells the signatures' verification speaks for. */
export const SIGNATURE_KIND = 'signature';

/**
 * A cell's verification: `verified` (valid, and who made the valid ones, each once) when it holds what cosign
 * verifies; `nothingToVerify` when it holds artifacts but none of them (plain OCI referrers, buildx attestations,
 * annotations); neither when the verification did not look at its manifest.
 */
export interface CellVerification {
  verified?: { valid: boolean; by: string[] };
  nothingToVerify?: true;
}

/** Who signed, as the CLI says it: the key's name, `certificate for ID (ISSUER)`, `Notary signature of SUBJECT`. */
export type SignerNaming = (r: CosignLayerResult<string> & { format?: string }) => string;

export const signerOf: SignerNaming = (r) => {
  if (r.key !== undefined) return r.key;
  if (r.format === 'notary' && r.certificate) return `Notary signature of ${r.certificate.subject}`;
  return r.certificate ? `certificate for ${identityText(r.certificate)}` : '';
};

export interface Verifications {
  signatures: ImageVerification;
  attestations: ImageAttestations;
}

/**
 * What a cell with artifacts says of their verification. A signature cell: whether a signature of its manifest is
 * valid. Another kind's: whether a cosign attestation among its artifacts (an attestation manifest's layer, or a
 * Sigstore bundle, by the manifest's digest) is valid and of that kind (its predicate type's kind; else the kind
 * the coverage gave the manifest, as a cosign `.att` of an unknown type counts as provenance); none among them:
 * nothing to verify.
 */
export function cellVerifier(v: Verifications, table: KindTable = new KindTable(), nameOf: SignerNaming = signerOf): (row: CoverageRow, kind: string, artifacts: readonly CoveredArtifact[]) => CellVerification {
  const signatures = new Map(v.signatures.manifests.map((m) => [m.subject.digest, m]));
  const attestations = new Map(v.attestations.manifests.map((m) => [m.subject.digest, m.attestations]));
  const signers = (results: ReadonlyArray<CosignLayerResult<string>>) => [...new Set(results.filter((x) => x.valid).map(nameOf))];
  return (row, kind, artifacts) => {
    if (kind === SIGNATURE_KIND) {
      const m = signatures.get(row.desc.digest);
      // notation's level skip passes a manifest unverified: said among who verified it, so the cell is not taken for signed.
      const skipped = m?.notarySkipped !== undefined ? [`Notary trust policy ${JSON.stringify(m.notarySkipped)} (skip: not verified)`] : [];
      return m ? { verified: { valid: m.valid, by: [...signers(m.signatures), ...skipped] } } : {};
    }
    const inCell = new Map(artifacts.map((a) => [a.digest, a]));
    const results = (attestations.get(row.desc.digest) ?? []).filter((r) => inCell.has(r.manifest));
    if (results.length === 0) return { nothingToVerify: true };
    const kindsOf = (r: (typeof results)[number]) => {
      const byType = r.predicateType ? table.classify({ predicateTypes: [r.predicateType] }) : [];
      const kinds = byType.length > 0 ? byType : inCell.get(r.manifest)!.kinds;
      return kinds.length > 0 ? kinds : [OTHER_KIND];
    };
    const valid = results.filter((r) => r.valid && kindsOf(r).includes(kind));
    return { verified: { valid: valid.length > 0, by: signers(valid) } };
  };
}

/** The artifacts of a row in a kind's cell (`other`: those of no known kind). */
export function cellArtifacts(row: CoverageRow, kind: string): CoveredArtifact[] {
  return row.artifacts.filter((a) => (kind === OTHER_KIND ? a.kinds.length === 0 : a.kinds.includes(kind)));
}

/**
 * Every cell with artifacts of every row, verified: by the row's digest, by kind id (the columns and `other`).
 * Empty cells are left out: there is nothing in them to verify or not.
 */
export function verifiedCoverage(report: CoverageReport, v: Verifications, table?: KindTable, nameOf?: SignerNaming): Map<string, Map<string, CellVerification>> {
  const check = cellVerifier(v, table, nameOf);
  const out = new Map<string, Map<string, CellVerification>>();
  for (const row of report.rows) {
    const cells = new Map<string, CellVerification>();
    for (const kind of [...report.columns.map((c) => c.id), OTHER_KIND]) {
      const artifacts = cellArtifacts(row, kind);
      if ((row.counts[kind] ?? artifacts.length) > 0) cells.set(kind, check(row, kind, artifacts));
    }
    out.set(row.desc.digest, cells);
  }
  return out;
}

/**
 * Kind by kind, the image manifests (not an index) whose cell of a required kind holds artifacts that were verified
 * and none valid: what `--require` counts missing once trust is given. A cell with nothing to verify still counts
 * as carrying its kind (a plain SPDX referrer is an SBOM; no signature on it can be checked), as does a row the
 * verification did not look at.
 */
export function unverifiedKinds(report: CoverageReport, cells: Map<string, Map<string, CellVerification>>, required: readonly string[]): Array<{ row: CoverageRow; kind: string }> {
  const out: Array<{ row: CoverageRow; kind: string }> = [];
  for (const row of report.rows) {
    if (isImageIndex(row.desc.mediaType)) continue;
    for (const kind of required) {
      const said = cells.get(row.desc.digest)?.get(kind);
      if (said?.verified && !said.verified.valid) out.push({ row, kind });
    }
  }
  return out;
}
