// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { shownName } from '../../oci/shownName';
import { OciError } from '../../oci/errors';
import { unlistedEntriesOf } from '../../oci/graph';
import { isImageIndex } from '../../oci/mediaType';
import { otherKindWarning } from '../otherKind';
import {
  type CoverageReport,
  coverageLabel,
  KindTable,
  missingKinds,
  OTHER_KIND,
  parseKindDefinitions,
  referrerCoverage,
} from '../../oci/referrers';
import { type Command, formatOpt, LAYOUT_OPTION, listOpt, stringOpt, UsageError } from '../command';
import { formatJson, formatTable } from '../printer';
import { openTarget, requireReference } from '../targets';
import { malformedJson } from '../../oci/validate';

/** The exit code when `--require` finds a manifest without a required kind (1 stays for errors). */
export const EXIT_MISSING_KINDS = 3;

/** The version of the JSON `coverage --format json` writes; it changes only when a field changes meaning or goes. */
export const COVERAGE_JSON_VERSION = 1;

export const coverage: Command = {
  path: 'coverage',
  summary: 'Show which kinds of referrer (signature, SBOM, provenance, end-of-life) each platform of an image carries',
  usage: 'coverage [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: [
    'manifold coverage --oci-layout layout:v1',
    'manifold coverage --oci-layout layout:v1 --require signature,sbom   # exit code 3 names what is missing',
    'manifold coverage --plain-http localhost:5000/app:v1 --format json',
    'manifold coverage --oci-layout layout:v1 --kinds kinds.json          # kinds of your own',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    require: {
      type: 'string',
      multiple: true,
      description: `kinds every platform manifest must carry, comma-separated; exit code ${EXIT_MISSING_KINDS} when one lacks any`,
      valueName: 'KINDS',
    },
    kinds: { type: 'string', description: 'a JSON file of kinds of your own: {"kinds": [{"id", "title", "artifactTypes", "predicateTypes", "annotationKeys"}]}', valueName: 'FILE' },
    format: { type: 'string', description: 'output format: table (default) or json', valueName: 'FORMAT' },
  },
  async run(p, printer) {
    const format = formatOpt(p, ['table', 'json']);
    const table = await kindTableOption(stringOpt(p, 'kinds'));
    const required = [...new Set(listOpt(p, 'require').flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== ''))];
    for (const k of required) {
      if (!table.has(k)) throw new UsageError(`--require ${k}: unknown kind; kinds are ${table.columns.map((c) => c.id).join(', ')}`);
    }
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw);
    const report = await referrerCoverage(t.target, requireReference(t, raw), { kinds: table });
    const missing = missingKinds(report, required);
    if (report.listedAs) printer.err(otherKindWarning(t.display(), report.listedAs, report.root.mediaType));
    if (format === 'json') printer.out(formatJson(coverageJson(t.path, report, required)));
    else printer.out(coverageTable(report));
    // As discover: an index.json entry that could not be read may be a referrer left uncounted. Each is named on
    // stderr and the exit code is 1, before `--require`'s 3, since a kind it reports missing may be among them.
    const unlisted = await unlistedEntriesOf(t.target);
    for (const m of missing) printer.err(`missing ${m.kind}: ${shownName(coverageLabel(m.row))} ${t.path}@${m.row.desc.digest}\n`);
    if (missing.length > 0) {
      printer.err(`Error: ${missing.length} required referrer${missing.length === 1 ? '' : 's'} missing (${required.join(', ')} required on every platform manifest)\n`);
    }
    for (const d of unlisted) printer.err(`Error: ${d.error.message}\n`);
    return unlisted.length > 0 ? 1 : missing.length > 0 ? EXIT_MISSING_KINDS : 0;
  },
};

async function kindTableOption(file: string | undefined): Promise<KindTable> {
  if (file === undefined) return new KindTable();
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `--kinds ${file}: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new OciError('INVALID_ARGUMENT', `--kinds ${file}: ${malformedJson(text, err)}`, { cause: err });
  }
  return new KindTable(parseKindDefinitions(value, file));
}

/** `sha256:` and 12 hex digits, then `...`. */
function shortDigest(digest: string): string {
  const [alg, hex = ''] = digest.split(':');
  return `${alg}:${hex.slice(0, 12)}...`;
}

/**
 * One row per manifest (the index, each platform; buildx attestation entries are never rows), one column per
 * kind: how many artifacts of that kind are attached, `-` for none; an OTHER column when any manifest has
 * artifacts of no known kind.
 */
export function coverageTable(report: CoverageReport): string {
  const withOther = report.rows.some((r) => (r.counts[OTHER_KIND] ?? 0) > 0);
  const ids = [...report.columns.map((c) => c.id), ...(withOther ? [OTHER_KIND] : [])];
  // A title from --kinds as names are shown (an override would turn the header round, a tab move its columns).
  const header = ['IMAGE', ...report.columns.map((c) => shownName(c.title)), ...(withOther ? ['OTHER'] : [])];
  const rows = report.rows.map((r) => [`${shownName(coverageLabel(r))} ${shortDigest(r.desc.digest)}`, ...ids.map((id) => (r.counts[id] ? String(r.counts[id]) : '-'))]);
  return formatTable(header, rows);
}

/** The JSON documented in the README ("Referrer coverage"): stable field names, `version` bumps on a change of meaning. */
export function coverageJson(path: string, report: CoverageReport, required: readonly string[]): unknown {
  return {
    version: COVERAGE_JSON_VERSION,
    reference: `${path}@${report.root.digest}`,
    mediaType: report.root.mediaType,
    digest: report.root.digest,
    kinds: report.columns.map((c) => ({ id: c.id, title: c.title })),
    manifests: report.rows.map((r) => ({
      label: coverageLabel(r),
      reference: `${path}@${r.desc.digest}`,
      mediaType: r.desc.mediaType,
      digest: r.desc.digest,
      ...(r.desc.platform ? { platform: r.desc.platform } : {}),
      position: r.position,
      index: isImageIndex(r.desc.mediaType),
      counts: r.counts,
      artifacts: r.artifacts.map((a) => ({
        digest: a.digest,
        mediaType: a.mediaType,
        ...(a.artifactType ? { artifactType: a.artifactType } : {}),
        kinds: a.kinds.length > 0 ? a.kinds : [OTHER_KIND],
        ...(a.other ? { other: a.other } : {}),
        via: a.via,
        ...(a.tag ? { tag: a.tag } : {}),
      })),
    })),
    required,
    missing: missingKinds(report, required).map((m) => ({ label: coverageLabel(m.row), digest: m.row.desc.digest, kind: m.kind })),
  };
}
