import type { Descriptor } from '../../oci/descriptor';
import { unlistedEntriesOf } from '../../oci/graph';
import { isValidMediaType } from '../../oci/mediaType';
import { shownName } from '../../oci/shownName';
import { parsePlatform } from '../../oci/platform';
import { allSubjects, discover as discoverReferrers, referrersTreeText, type ReferrerNode, subjectLabel, type SubjectNode } from '../../oci/referrers';
import { boolOpt, type Command, LAYOUT_OPTION, NO_TTY_OPTION, stringOpt, UsageError } from '../command';
import { outputFormat, printStructured, TEMPLATE_OPTION } from '../outputFormat';
import { formatTable } from '../printer';
import { otherKindWarning } from '../otherKind';
import { openTarget, requireReference } from '../targets';

const FORMATS = ['tree', 'table', 'json', 'go-template'] as const;

export const discover: Command = {
  path: 'discover',
  summary: 'Show the referrers of a manifest and, with --recursive, of every manifest of an index',
  usage: 'discover [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: [
    'manifold discover --oci-layout layout:v1',
    'manifold discover --oci-layout layout:v1 --recursive            # the index and each platform image',
    'manifold discover --oci-layout layout:v1 --platform linux/amd64 --format table',
    'manifold discover --oci-layout layout:v1 --recursive --format json --artifact-type application/spdx+json',
    "manifold discover --oci-layout layout:v1 --format go-template --template '{{range .referrers}}{{.digest}} {{.artifactType}}{{println}}{{end}}'",
    'manifold discover --plain-http localhost:5000/app:v1 --recursive',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    recursive: { type: 'boolean', short: 'r', description: 'also the referrers of every manifest below an index (nested indexes too)' },
    depth: { type: 'string', description: 'levels of referrers to show (1: direct only); all levels when unset', valueName: 'N' },
    'artifact-type': { type: 'string', description: 'only referrers of this artifact type', valueName: 'TYPE' },
    platform: { type: 'string', description: 'start from the manifest of this platform: os/arch[/variant][:os.version]', valueName: 'PLATFORM' },
    format: { type: 'string', description: 'output format: tree (default, with annotations), table (direct referrers), json, or go-template (with --template, or go-template=TEMPLATE)', valueName: 'FORMAT' },
    ...TEMPLATE_OPTION,
    ...NO_TTY_OPTION,
  },
  async run(p, printer) {
    const out = outputFormat(p, FORMATS);
    const format = out.format;
    const depthText = stringOpt(p, 'depth');
    let depth = 0;
    if (depthText !== undefined) {
      depth = Number(depthText);
      if (!/^\d+$/.test(depthText) || depth < 1) throw new UsageError('depth value should be at least 1');
    }
    // A table lists direct referrers only, as oras's does.
    if (format === 'table') depth = 1;
    const artifactType = stringOpt(p, 'artifact-type');
    if (artifactType !== undefined && !isValidMediaType(artifactType)) throw new UsageError(`${artifactType}: invalid media type`);
    const platformText = stringOpt(p, 'platform');
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw);
    const root = await discoverReferrers(t.target, requireReference(t, raw), {
      depth,
      recursive: boolOpt(p, 'recursive'),
      artifactType,
      platform: platformText === undefined ? undefined : parsePlatform(platformText),
    });
    const recursive = boolOpt(p, 'recursive');
    if (root.listedAs) printer.err(otherKindWarning(t.display(), root.listedAs, root.desc.mediaType));
    if (format === 'json' || format === 'go-template') printStructured(printer, out, discoverJson(t.path, root));
    else if (format === 'table') printer.out(discoverTable(t.path, t.display(), root, recursive));
    else printer.out(referrersTreeText(t.path, root, recursive));
    // A layout's referrers are its index.json entries: a damaged one, or one whose manifest cannot be read, may be
    // a referrer that could not be listed. What was read is printed; each is named on stderr, and the exit code is
    // 1 (as repo tags).
    const damaged = await unlistedEntriesOf(t.target);
    for (const d of damaged) printer.err(`Error: ${d.error.message}\n`);
    return damaged.length > 0 ? 1 : 0;
  },
};

// ---- json ---------------------------------------------------------------------------------

/** Descriptor fields in oras's order (its discover JSON embeds the OCI descriptor after `reference`). */
function descriptorJson(path: string, d: Descriptor, withAnnotations: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { reference: `${path}@${d.digest}`, mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (withAnnotations && d.annotations && Object.keys(d.annotations).length > 0) out.annotations = d.annotations;
  if (d.platform) out.platform = d.platform;
  if (d.artifactType) out.artifactType = d.artifactType;
  return out;
}

function referrerJson(path: string, r: ReferrerNode): unknown {
  return { ...descriptorJson(path, r.desc, true), referrers: r.referrers.map((x) => referrerJson(path, x)) };
}

/**
 * The JSON documented in the README: oras's discover JSON (a node with `referrers`, each a node too), plus
 * `platform` on the manifests of an index and, with --recursive, `manifests` on an index.
 */
export function discoverJson(path: string, node: SubjectNode): unknown {
  const out: Record<string, unknown> = { ...descriptorJson(path, node.desc, false), referrers: node.referrers.map((r) => referrerJson(path, r)) };
  if (node.manifests) out.manifests = node.manifests.map((m) => discoverJson(path, m));
  return out;
}

// ---- table --------------------------------------------------------------------------------

/** An artifact type as a cell shows it (another tool's may hold what cannot be seen), `<unknown>` for none, as oras. */
function shownArtifactType(d: Descriptor): string {
  return d.artifactType ? shownName(d.artifactType) : '<unknown>';
}

/** Direct referrers in columns, as oras's table; with --recursive a SUBJECT column, and subjects without any. */
export function discoverTable(path: string, display: string, root: SubjectNode, recursive: boolean): string {
  const subjects = recursive ? [...allSubjects(root)] : [root];
  // Distinct artifacts: one manifest listed twice in an index shows its referrers twice, but they are the same.
  const count = new Set(subjects.flatMap((s) => s.referrers.map((r) => r.desc.digest))).size;
  let out = `Discovered ${count} artifact${count === 1 ? '' : 's'} referencing ${display}\nDigest: ${root.desc.digest}\n`;
  if (!recursive) {
    if (count === 0) return out;
    return out + '\n' + formatTable(['ARTIFACT TYPE', 'DIGEST'], root.referrers.map((r) => [shownArtifactType(r.desc), r.desc.digest]));
  }
  const rows: string[][] = [];
  for (const s of subjects) {
    const label = subjectLabel(s);
    if (s.referrers.length === 0) rows.push([label, `${path}@${s.desc.digest}`, '-', '-']);
    for (const r of s.referrers) rows.push([label, `${path}@${s.desc.digest}`, shownArtifactType(r.desc), r.desc.digest]);
  }
  return out + '\n' + formatTable(['SUBJECT', 'REFERENCE', 'ARTIFACT TYPE', 'DIGEST'], rows);
}
