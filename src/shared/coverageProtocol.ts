// The messages between the referrer coverage page (media/coverage) and the extension. Plain data only: this file
// is imported by both sides, so it imports nothing (the page runs in a browser, without vscode or node).

/**
 * What one cell says. `present`: one or more attached. `gap`: none, while a sibling platform or the index carries
 * this kind (what to fix). `none`: none, and no manifest of the image carries it either. `index`: none on the index
 * itself (shown, never required: consumers resolve a platform).
 */
export type CellState = 'present' | 'gap' | 'none' | 'index';

export interface CoverageArtifactView {
  digest: string;
  /** The artifact type, or what else says what it is. */
  type: string;
  /** How it is attached: `referrers`, `buildx`, `cosign-tag`. */
  via: string[];
  /** The cosign tag naming it. */
  tag?: string;
}

export interface CoverageCellView {
  kind: string;
  count: number;
  state: CellState;
  artifacts: CoverageArtifactView[];
  /**
   * With keys (`manifold.signatureKeys`) or identities (`manifold.signatureIdentities`) set and read: a signature
   * cell's verification, or an attestation cell's (sbom, provenance, a user kind) when it holds cosign attestations,
   * each verified as Verify Attestations… does. `keys`: what signed a valid one, a key by the name set or `the
   * certificate for mitr@redhat.com (https://github.com/login/oauth)` (none: not verified). Absent when neither is
   * set, or for a cell with nothing cosign verifies (see `nothingToVerify`).
   */
  verified?: { valid: boolean; keys: string[] };
  /** Keys or identities set, the cell holds artifacts but no cosign signature or attestation (plain OCI referrers, buildx attestations, annotations): nothing to verify. */
  nothingToVerify?: boolean;
  /** The end-of-life cell with artifacts: what their dates say when the page read them (as `manifold check` judges them). */
  endOfLife?: EndOfLifeView;
}

/**
 * `state`: the earliest readable date `passed`, `soon` (within 30 days) or `later`; `unreadable` (values, none a
 * date); `none` (no end-of-life annotation). `date`: that earliest date as written (`2020-01-31`,
 * `2023-05-12T21:15:10.8343521Z`). `unreadable`: the values that are no date, as a cell shows them (quoted, cut).
 */
export interface EndOfLifeView {
  state: 'passed' | 'soon' | 'later' | 'unreadable' | 'none';
  date?: string;
  unreadable?: string[];
}

export interface CoverageRowView {
  /** `index`, `linux/arm64/v8`, `[2.1] linux/arm64`: what the CLI's IMAGE column says. */
  label: string;
  digest: string;
  index: boolean;
  /** `os/arch[/variant]` of a platform directly below the reference (the ones attach can target); undefined otherwise. */
  platform?: string;
  cells: CoverageCellView[];
}

export interface CoverageColumnView {
  id: string;
  title: string;
  /** Platforms directly below the reference lacking this kind (`os/arch[/variant]`): what "Attach to..." targets. */
  missing: string[];
  /** No attach button: `other` (of no known kind). */
  attachable: boolean;
}

export interface CoverageModel {
  /** `/path/to/layout:v1`, `registry/repo:v1`: the whole reference (a tooltip). */
  reference: string;
  /** `layout:v1`, `repo:v1`: what the title says. */
  name: string;
  digest: string;
  columns: CoverageColumnView[];
  rows: CoverageRowView[];
  /** Cells in state `gap`. */
  gaps: number;
  /** Signature and attestation cells with `verified.valid` false (0 or absent when neither keys nor identities are set). */
  unverified?: number;
  /** The names of the keys set (`manifold.signatureKeys`) the cells were verified with; absent when neither keys nor identities are set. */
  keys?: string[];
  /** The identities set (`mitr@redhat.com (https://github.com/login/oauth)`) whose certificates the cells were verified with. */
  identities?: string[];
  /** Why the signatures and attestations could not be verified (a key file that cannot be read or is no key, an identity without roots), naming the setting. */
  verifyProblem?: string;
  /** Why the attach buttons are not offered (a registry, a read-only layout, an untrusted workspace); undefined when they are. */
  attachBlocked?: string;
  /** Whether the signature column offers to sign its gaps (Sign Image…): a trusted workspace, a layout folder or a registry. */
  signable?: boolean;
}

export type ToWebview =
  | { type: 'model'; model: CoverageModel }
  | { type: 'loading' }
  | { type: 'error'; message: string };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Open what a cell counts (`row` in model.rows). */
  | { type: 'open'; row: number; kind: string }
  /** Start the attach flow for the platforms lacking `kind`. */
  | { type: 'attach'; kind: string }
  /** Sign the platforms lacking a signature (Sign Image… on them). */
  | { type: 'sign' };
