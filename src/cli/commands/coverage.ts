import { shownName } from '../../oci/shownName';
import { unlistedEntriesOf } from '../../oci/graph';
import { isImageIndex } from '../../oci/mediaType';
import { KINDS_OPTION, kindTableOption } from '../kindsOption';
import { otherKindWarning } from '../otherKind';
import {
  type CellVerification,
  type CoverageReport,
  coverageLabel,
  END_OF_LIFE_KIND,
  type EndOfLifeCell,
  missingKinds,
  OTHER_KIND,
  referrerCoverage,
  unverifiedKinds,
  verifiedCoverage,
} from '../../oci/referrers';
import { DigestReads } from '../../oci/digestReads';
import { oneRunReads } from '../../oci/oneRunReads';
import { verifyImage } from '../../oci/signatures';
import { verifyImageAttestations } from '../../oci/attestations';
import { CERTIFICATE_OPTIONS } from '../certificateFlags';
import { NOTARY_OPTIONS } from '../notaryFlags';
import { coverageTrust } from '../coverageTrust';
import { type Command, formatOpt, LAYOUT_OPTION, listOpt, stringOpt, UsageError } from '../command';
import { formatJson, formatTable } from '../printer';
import { openTarget, referenceOrSaved } from '../targets';
import { parseAnnotations } from '../../oci/imageIndex/annotations';

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
    'manifold coverage --key cosign.pub --oci-layout layout:linux-amd64-patched --require signature   # only signatures cosign.pub verifies count',
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
    key: { type: 'string', multiple: true, description: "a PEM public key (cosign.pub): signatures and cosign attestations are verified with it (as verify and verify-attestation do), and --require counts only those it verifies", valueName: 'FILE' },
    ...CERTIFICATE_OPTIONS,
    ...NOTARY_OPTIONS,
    annotation: {
      type: 'string',
      short: 'a',
      multiple: true,
      description: 'with the trust flags: a signature cell counts verified only when signed with this annotation, as verify -a',
      valueName: 'KEY=VALUE',
    },
    ...KINDS_OPTION,
    format: { type: 'string', description: 'output format: table (default) or json', valueName: 'FORMAT' },
  },
  async run(p, printer) {
    const format = formatOpt(p, ['table', 'json']);
    const table = await kindTableOption(stringOpt(p, 'kinds'));
    const required = [...new Set(listOpt(p, 'require').flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== ''))];
    for (const k of required) {
      if (!table.has(k)) throw new UsageError(`--require ${k}: unknown kind; kinds are ${table.columns.map((c) => c.id).join(', ')}`);
    }
    const annotationArgs = listOpt(p, 'annotation');
    const annotations = annotationArgs.length > 0 ? parseAnnotations(annotationArgs) : undefined;
    const trust = await coverageTrust(p);
    if (annotations && !trust) throw new UsageError('--annotation is for verified signature cells: give --key, --certificate-identity or --notary-roots too');
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw);
    const reference = await referenceOrSaved(t, raw, (text) => printer.err(text));
    // One DigestReads under the walk and both verifications: each manifest, signature and attestation is read once;
    // and each manifest's referrers, the reference and cosign's tags asked once for the three walks (oneRunReads).
    const target = trust ? new DigestReads().over(oneRunReads(t.target)) : t.target;
    const report = await referrerCoverage(target, reference, { kinds: table });
    let cells: Map<string, Map<string, CellVerification>> | undefined;
    if (trust) {
      const options = { ...trust.flags.options, ...(trust.notary ? { notary: trust.notary } : {}), ...(annotations ? { annotations } : {}), recursive: true };
      // Notary roots alone verify no attestation (notation signs none): then no attestation is checked, and its cells have nothing to verify.
      const attests = trust.flags.keys.length > 0 || trust.flags.certificates !== undefined;
      const [signatures, attestations] = await Promise.all([
        verifyImage(target, reference, trust.flags.keys, options),
        attests ? verifyImageAttestations(target, reference, trust.flags.keys, { ...trust.flags.options, recursive: true }) : undefined,
      ]);
      cells = verifiedCoverage(report, { signatures, attestations: attestations ?? { root: signatures.root, manifests: [] } }, table);
    }
    const missing = missingKinds(report, required);
    const unverified = cells ? unverifiedKinds(report, cells, required) : [];
    if (report.listedAs) printer.err(otherKindWarning(t.display(), report.listedAs, report.root.mediaType));
    if (format === 'json') printer.out(formatJson(coverageJson(t.path, report, required, cells && trust ? { cells, asked: { ...trust.asked, ...(annotations ? { annotations } : {}) } } : undefined)));
    else printer.out(coverageTable(report, cells));
    // As discover: an index.json entry that could not be read may be a referrer left uncounted. Each is named on
    // stderr and the exit code is 1, before `--require`'s 3, since a kind it reports missing may be among them.
    const unlisted = await unlistedEntriesOf(t.target);
    for (const m of missing) printer.err(`missing ${m.kind}: ${shownName(coverageLabel(m.row))} ${t.path}@${m.row.desc.digest}\n`);
    for (const u of unverified) printer.err(`${shownName(coverageLabel(u.row))}: ${u.kind} present but not verified by ${trust!.names} (${t.path}@${u.row.desc.digest})\n`);
    if (cells) {
      // A required kind whose cell holds only what no key can check (a plain SPDX referrer, a buildx attestation) still counts: said, so a gate sees it.
      for (const row of report.rows) {
        if (isImageIndex(row.desc.mediaType)) continue;
        for (const kind of required) if (cells.get(row.desc.digest)?.get(kind)?.nothingToVerify) printer.err(`Note: ${shownName(coverageLabel(row))}: ${kind} present, nothing to verify (no cosign signature or attestation): counted as present\n`);
      }
    }
    // A passed or unreadable end-of-life date still meets `--require end-of-life` (the note is attached; whether the
    // release may still ship is check's question, whose warning --strict fails on): said, so a gate sees it.
    if (required.includes(END_OF_LIFE_KIND)) {
      for (const row of report.rows) {
        const eol = row.endOfLife;
        if (isImageIndex(row.desc.mediaType) || !eol || (eol.state !== 'passed' && eol.state !== 'unreadable')) continue;
        const what = eol.state === 'passed' ? `its date ${eol.date} has passed` : 'no date in it can be read';
        printer.err(`Note: ${shownName(coverageLabel(row))}: ${END_OF_LIFE_KIND} present, but ${what}: counted as present\n`);
      }
    }
    const failed = missing.length + unverified.length;
    if (failed > 0) {
      const what = unverified.length === 0 ? 'missing' : missing.length === 0 ? 'not verified' : 'missing or not verified';
      printer.err(`Error: ${failed} required referrer${failed === 1 ? '' : 's'} ${what} (${required.join(', ')} required on every platform manifest${cells ? `, verified by ${trust!.names} where there is something to verify` : ''})\n`);
    }
    for (const d of unlisted) printer.err(`Error: ${d.error.message}\n`);
    return unlisted.length > 0 ? 1 : failed > 0 ? EXIT_MISSING_KINDS : 0;
  },
};

/** `sha256:` and 12 hex digits, then `...`. */
function shortDigest(digest: string): string {
  const [alg, hex = ''] = digest.split(':');
  return `${alg}:${hex.slice(0, 12)}...`;
}

/**
 * One row per manifest (the index, each platform; buildx attestation entries are never rows), one column per
 * kind: how many artifacts of that kind are attached, `-` for none; an OTHER column when any manifest has
 * artifacts of no known kind. An end-of-life count is followed by what its dates say (`1 passed 2020-01-31`).
 */
export function coverageTable(report: CoverageReport, cells?: Map<string, Map<string, CellVerification>>): string {
  const withOther = report.rows.some((r) => (r.counts[OTHER_KIND] ?? 0) > 0);
  const ids = [...report.columns.map((c) => c.id), ...(withOther ? [OTHER_KIND] : [])];
  // A title from --kinds as names are shown (an override would turn the header round, a tab move its columns).
  const header = ['IMAGE', ...report.columns.map((c) => shownName(c.title)), ...(withOther ? ['OTHER'] : [])];
  const rows = report.rows.map((r) => [
    `${shownName(coverageLabel(r))} ${shortDigest(r.desc.digest)}`,
    ...ids.map((id) => (r.counts[id] ? `${r.counts[id]}${mark(cells?.get(r.desc.digest)?.get(id))}${id === END_OF_LIFE_KIND && r.endOfLife ? ` ${endOfLifeWords(r.endOfLife)}` : ''}` : '-')),
  ]);
  return formatTable(header, rows);
}

/**
 * What an end-of-life cell's dates say after its count: `passed 2020-01-31`, `soon 2099-01-02` (within 30 days),
 * `ends 2099-12-31`, `bad date` (none readable), `no date` (no end-of-life annotation); `+ bad date` after a date
 * when another value is none. The day as written (the JSON has the whole value).
 */
export function endOfLifeWords(c: EndOfLifeCell): string {
  const day = c.date?.slice(0, 10);
  const said = { passed: `passed ${day}`, soon: `soon ${day}`, later: `ends ${day}`, unreadable: 'bad date', none: 'no date' }[c.state];
  return c.date && c.unreadable ? `${said} + bad date` : said;
}

/** ` ✓` verified, ` ✗` not, as the coverage page marks its cells; nothing for a cell with nothing to verify (or no trust given). */
function mark(c: CellVerification | undefined): string {
  return c?.verified ? (c.verified.valid ? ' ✓' : ' ✗') : '';
}

/** The JSON documented in the README ("Referrer coverage"): stable field names, `version` bumps on a change of meaning. */
export function coverageJson(
  path: string,
  report: CoverageReport,
  required: readonly string[],
  verification?: { cells: Map<string, Map<string, CellVerification>>; asked: Record<string, unknown> },
): unknown {
  // Added fields (the version stays 1): with trust given, what was asked (as verify's JSON says it), each cell's verification.
  const cellsJson = (digest: string) => {
    const cells = verification?.cells.get(digest);
    if (!cells) return {};
    return { cells: Object.fromEntries([...cells].map(([kind, c]) => [kind, c.verified ? { verified: { valid: c.verified.valid, by: c.verified.by } } : c.nothingToVerify ? { nothingToVerify: true } : {}])) };
  };
  return {
    version: COVERAGE_JSON_VERSION,
    reference: `${path}@${report.root.digest}`,
    mediaType: report.root.mediaType,
    digest: report.root.digest,
    ...(verification ? { trust: verification.asked } : {}),
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
      // Added (the version stays 1): the end-of-life cell's earliest date and its standing, when it holds any artifact.
      ...(r.endOfLife ? { endOfLife: { state: r.endOfLife.state, ...(r.endOfLife.date ? { date: r.endOfLife.date } : {}), ...(r.endOfLife.unreadable ? { unreadable: r.endOfLife.unreadable } : {}) } } : {}),
      ...cellsJson(r.desc.digest),
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
    ...(verification ? { unverified: unverifiedKinds(report, verification.cells, required).map((m) => ({ label: coverageLabel(m.row), digest: m.row.desc.digest, kind: m.kind })) } : {}),
  };
}
