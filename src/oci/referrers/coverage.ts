import { bareDescriptor, type Descriptor, type ImageManifest } from '../descriptor';
import { isOciError } from '../errors';
import { isImageIndex, MediaType } from '../mediaType';
import { withOwnPlatform } from '../graph/childDescriptor';
import { formatPlatform } from '../platform';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { DOCKER_ATTESTATION_MANIFEST, DOCKER_REFERENCE_TYPE, splitIndexChildren } from './dockerReferences';
import { KindTable, OTHER_KIND, predicateTypesOf } from './kinds';
import { indexChildren } from './subjects';
import { readDeclaredKind, withDocumentRead } from '../graph/declaredKind';
import { parseJson } from '../validate';
import { COSIGN_TAG_KINDS, CosignTagLookup } from './cosignTags';
import { END_OF_LIFE_KIND, endOfLifeCell, type EndOfLifeCell, endOfLifeValuesOf } from './endOfLifeCell';

/** How an artifact is attached to a manifest. */
export type AttachedVia = 'referrers' | 'buildx' | 'cosign-tag';

export interface CoveredArtifact {
  digest: string;
  mediaType: string;
  artifactType?: string;
  /** Kind ids; empty when it is of no known kind (then `other` says what it is). */
  kinds: string[];
  /** For an artifact of no known kind: its artifact type (or config media type, or docker reference type). */
  other?: string;
  /** Every way it was found attached, in the order: referrers, buildx, cosign-tag (artifacts are listed by the first, then by digest). */
  via: AttachedVia[];
  /** The cosign tag that names it. */
  tag?: string;
  /** Of the end-of-life kind: the values of its end-of-life annotations, as written ([] when it has none). */
  endOfLife?: string[];
}

/** One manifest of the walk: the reference itself, or a manifest below an index (never a buildx attestation entry). */
export interface CoverageRow {
  desc: Descriptor;
  /** 1-based positions below the reference; [] for the reference itself. */
  position: number[];
  artifacts: CoveredArtifact[];
  /** Artifacts per kind id, every column present, plus `other`. */
  counts: Record<string, number>;
  /** With end-of-life artifacts: the earliest date they carry and its standing at the report's time (`CoverageOptions.now`). */
  endOfLife?: EndOfLifeCell;
}

export interface CoverageReport {
  /** As its document declares its kind. */
  root: Descriptor;
  /** The type the reference listed it by, when its document declares the other kind (an index under an image type). */
  listedAs?: string;
  /** The kinds shown, in column order. */
  columns: { id: string; title: string }[];
  rows: CoverageRow[];
}

export interface CoverageOptions extends OpOptions {
  kinds?: KindTable;
  /** The time end-of-life dates are judged at (default: now), as `CheckOptions.now`. */
  now?: Date;
}

/**
 * Which kinds of artifact each manifest of an image carries: the reference and, for an index, every manifest
 * below it (nested indexes too), each digest once, so a cycle ends where a manifest is met again. Attached means:
 * a referrer (referrers API, fallback tag, oras's untagged layout entries: `Target.referrers`), a buildx attestation
 * entry of the index naming it (`vnd.docker.reference.digest`), or a cosign tag `sha256-<hex>.{sig,att,sbom}`.
 * Only direct referrers count (a signature of an SBOM is not the image's signature).
 */
export async function referrerCoverage(target: ReadOnlyTarget, reference: string, options: CoverageOptions = {}): Promise<CoverageReport> {
  const op: OpOptions = { signal: options.signal };
  const table = options.kinds ?? new KindTable();
  const now = options.now ?? new Date();
  // The root's kind is its document's (an index listed under an image type has platforms), read once.
  const resolved = await target.resolve(reference, op);
  const read = await readDeclaredKind(target, resolved, op);
  const root = read?.desc ?? resolved;
  target = withDocumentRead(target, read);
  const rows: CoverageRow[] = [];
  const seen = new Set<string>();
  // Buildx entries found in an index, by the digest they describe.
  const dockerEntries = new Map<string, Descriptor[]>();

  const visit = async (desc: Descriptor, position: number[]): Promise<void> => {
    if (seen.has(desc.digest)) return;
    seen.add(desc.digest);
    const row: CoverageRow = { desc, position, artifacts: [], counts: {} };
    rows.push(row);
    if (!isImageIndex(desc.mediaType)) return;
    const { platforms, references } = splitIndexChildren(await indexChildren(target, desc, op));
    for (const [of, entries] of references) dockerEntries.set(of, [...(dockerEntries.get(of) ?? []), ...entries]);
    for (const { desc: child, position: n } of platforms) await visit(child, [...position, n]);
  };
  await visit(root, []);

  // A single image: its config says its platform, for the label (its document read as a manifest: malformed, it fails).
  if (!isImageIndex(root.mediaType) && !root.platform) rows[0]!.desc = await withOwnPlatform(target, await readManifest(target, root, op), root, op);

  // A few manifests at a time (each a referrers listing and cosign's tags: by name for the first few, then listed once).
  const cosignTags = new CosignTagLookup(target, op);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) await fill(rows[next++]!);
  };
  const fill = async (row: CoverageRow) => {
    const byDigest = new Map<string, CoveredArtifact>();
    const add = (a: CoveredArtifact) => {
      const had = byDigest.get(a.digest);
      if (!had) byDigest.set(a.digest, a);
      else {
        for (const v of a.via) if (!had.via.includes(v)) had.via.push(v);
        had.tag ??= a.tag;
      }
    };
    // The three sources at once (on a registry each is a round trip), their artifacts added in one order.
    const listed = async () => {
      const out: Descriptor[] = [];
      for await (const r of target.referrers(bareDescriptor(row.desc), op)) out.push(r);
      return Promise.all(out.map((r) => describeArtifact(target, table, r, 'referrers', op)));
    };
    const tagged = async () =>
      Promise.all((await cosignTags.find(row.desc.digest)).map(async (t) => ({ ...(await describeArtifact(target, table, t.desc, 'cosign-tag', op, COSIGN_TAG_KINDS[t.suffix])), tag: t.tag })));
    const [referrers, buildx, cosign] = await Promise.all([
      listed(),
      Promise.all((dockerEntries.get(row.desc.digest) ?? []).map((entry) => describeArtifact(target, table, entry, 'buildx', op))),
      tagged(),
    ]);
    for (const a of [...referrers, ...buildx, ...cosign]) add(a);
    row.artifacts = [...byDigest.values()].sort(order);
    row.counts = countKinds(table, row.artifacts);
    if (row.counts[END_OF_LIFE_KIND]) row.endOfLife = endOfLifeCell(row.artifacts.flatMap((a) => (a.kinds.includes(END_OF_LIFE_KIND) ? (a.endOfLife ?? []) : [])), now);
  };
  await Promise.all(Array.from({ length: Math.min(COVERAGE_CONCURRENCY, rows.length) }, worker));
  return { root, ...(read?.listed ? { listedAs: read.listed } : {}), columns: [...table.columns], rows };
}

const COVERAGE_CONCURRENCY = 4;

const VIA_ORDER: AttachedVia[] = ['referrers', 'buildx', 'cosign-tag'];
const viaRank = (a: CoveredArtifact) => VIA_ORDER.indexOf(a.via[0]!);
// Referrers listings have no order a client can rely on (a fallback tag lists them in push order): by digest within each way found.
const order = (x: CoveredArtifact, y: CoveredArtifact) => viaRank(x) - viaRank(y) || (x.digest < y.digest ? -1 : x.digest > y.digest ? 1 : 0);

export function countKinds(table: KindTable, artifacts: readonly CoveredArtifact[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of table.columns) counts[c.id] = 0;
  counts[OTHER_KIND] = 0;
  for (const a of artifacts) {
    if (a.kinds.length === 0) counts[OTHER_KIND]!++;
    for (const k of a.kinds) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/**
 * Classifies one attached manifest. Its own descriptor (as a referrers listing or an index gives it) is read first;
 * the manifest itself is fetched when the kind may depend on what is inside: an in-toto or DSSE envelope, a
 * buildx attestation (predicate types on its layers), a cosign `.att` tag, or a descriptor without an artifact type.
 */
export async function describeArtifact(
  target: ReadOnlyTarget,
  table: KindTable,
  desc: Descriptor,
  via: AttachedVia,
  op: OpOptions,
  cosignKind?: string,
): Promise<CoveredArtifact> {
  let artifactType = desc.artifactType;
  let configMediaType: string | undefined;
  let annotations = desc.annotations;
  const predicateTypes = predicateTypesOf(desc.annotations);
  const dockerType = desc.annotations?.[DOCKER_REFERENCE_TYPE];
  // An image config as artifact type (what the referrers API reports for a manifest without one) says nothing.
  const saysNothing = !artifactType || artifactType === MediaType.ImageConfig;
  const worthReading = via === 'buildx' || cosignKind === 'provenance' || saysNothing || table.isEnvelope(artifactType);
  let read = false;
  if (worthReading && predicateTypes.length === 0 && !isImageIndex(desc.mediaType)) {
    read = true;
    const manifest = await readManifest(target, desc, op);
    if (manifest) {
      artifactType ??= manifest.artifactType;
      configMediaType = manifest.config?.mediaType;
      if (via !== 'buildx') annotations = { ...(manifest.annotations ?? {}), ...(annotations ?? {}) };
      for (const layer of Array.isArray(manifest.layers) ? manifest.layers : []) {
        for (const p of predicateTypesOf(layer?.annotations)) if (!predicateTypes.includes(p)) predicateTypes.push(p);
      }
    }
  }
  // A buildx entry's own annotations only say where it belongs; its kind is in its layers.
  const facts = { artifactType, configMediaType, annotations: via === 'buildx' ? undefined : annotations, predicateTypes };
  let kinds = table.classify(facts);
  // A cosign tag says what it is; an `.att`'s predicate may say more precisely (an SPDX attestation is an SBOM).
  if (cosignKind) kinds = cosignKind === 'provenance' && kinds.length > 0 ? kinds : [cosignKind];
  const out: CoveredArtifact = { digest: desc.digest, mediaType: desc.mediaType, kinds, via: [via] };
  if (artifactType) out.artifactType = artifactType;
  if (kinds.includes(END_OF_LIFE_KIND)) {
    // The dates check reads in the manifest's annotations: a referrers listing (API or fallback tag) carries them as
    // the manifest's own, so the manifest is read only when the listing names none (a lifecycle told by its type).
    // A buildx entry's annotations only say where it belongs.
    let values = via === 'buildx' ? [] : endOfLifeValuesOf(annotations);
    if (values.length === 0 && via !== 'buildx' && !read) values = endOfLifeValuesOf((await readManifest(target, desc, op))?.annotations);
    out.endOfLife = values;
  }
  if (kinds.length === 0) {
    out.other = artifactType || (dockerType && dockerType !== DOCKER_ATTESTATION_MANIFEST ? `${DOCKER_REFERENCE_TYPE}=${dockerType}` : undefined) || configMediaType || desc.mediaType;
  }
  return out;
}

async function readManifest(target: ReadOnlyTarget, desc: Descriptor, op: OpOptions): Promise<ImageManifest | undefined> {
  let bytes: Buffer;
  try {
    bytes = await target.fetchBytes(bareDescriptor(desc), op);
  } catch (err) {
    // A fallback-tag index may list referrers whose manifests are not stored here: classify what the listing says.
    if (isOciError(err, 'NOT_FOUND')) return undefined;
    throw err;
  }
  const doc = parseJson(bytes, `manifest ${desc.digest}`) as ImageManifest | null;
  return doc && typeof doc === 'object' ? doc : undefined;
}

/** `index`, `linux/arm64/v8`, `manifest`; with its position (`[2]`, `[2.1]`) in front for a nested index and what is below one. */
export function coverageLabel(row: Pick<CoverageRow, 'desc' | 'position'>): string {
  const index = isImageIndex(row.desc.mediaType);
  const what = index ? 'index' : row.desc.platform ? formatPlatform(row.desc.platform) : 'manifest';
  return row.position.length > 1 || (index && row.position.length === 1) ? `[${row.position.join('.')}] ${what}` : what;
}

/** Kind by kind, the manifests that lack it. Only image manifests are required to carry kinds: an index's own are shown, not required. */
export function missingKinds(report: CoverageReport, required: readonly string[]): Array<{ row: CoverageRow; kind: string }> {
  const out: Array<{ row: CoverageRow; kind: string }> = [];
  for (const row of report.rows) {
    if (isImageIndex(row.desc.mediaType)) continue;
    for (const kind of required) if ((row.counts[kind] ?? 0) === 0) out.push({ row, kind });
  }
  return out;
}

/** What one manifest of a walk carries, and what it lacks that another manifest of the same image carries. */
export interface CoverageNote {
  /** Kind ids it carries, in column order. */
  carries: string[];
  /** Kinds it lacks, in column order, each with the labels (`coverageLabel`) of the manifests that carry one. Empty for an index. */
  lacks: Array<{ kind: string; carriedBy: string[] }>;
}

/**
 * By digest, for every manifest of the walk, what it carries and, for an image manifest (not an index), the kinds it
 * lacks that another manifest of the same image carries (a sibling platform, or an index above it): what a view
 * flags as a gap. Kinds no manifest has are not gaps.
 */
export function coverageNotes(report: CoverageReport): Map<string, CoverageNote> {
  const ids = report.columns.map((c) => c.id);
  const carriers = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const row of report.rows) for (const id of ids) if ((row.counts[id] ?? 0) > 0) carriers.get(id)!.push(coverageLabel(row));
  const out = new Map<string, CoverageNote>();
  for (const row of report.rows) {
    const carries = ids.filter((id) => (row.counts[id] ?? 0) > 0);
    const lacks = isImageIndex(row.desc.mediaType) ? [] : ids.filter((id) => !carries.includes(id) && carriers.get(id)!.length > 0).map((kind) => ({ kind, carriedBy: carriers.get(kind)! }));
    out.set(row.desc.digest, { carries, lacks });
  }
  return out;
}

/** For each image manifest of the walk (not an index), the kind ids `coverageNotes` says it lacks. */
export function coverageGaps(report: CoverageReport): Map<string, string[]> {
  const notes = coverageNotes(report);
  const out = new Map<string, string[]>();
  for (const row of report.rows) if (!isImageIndex(row.desc.mediaType)) out.set(row.desc.digest, notes.get(row.desc.digest)!.lacks.map((l) => l.kind));
  return out;
}
