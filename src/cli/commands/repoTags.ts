import { damagedEntriesOf, describeTags, listTargetTagNames, listTargetTags, type TagListing } from '../../oci/graph';
import { isOciError } from '../../oci/errors';
import { namesReference, TAG_RULE } from '../../oci/reference';
import { quotedText, shownName } from '../../oci/shownName';
import { boolOpt, type Command, LAYOUT_OPTION } from '../command';
import { FORMAT_TEMPLATE_OPTION, outputFormat, printStructured } from '../outputFormat';
import { formatTable } from '../printer';
import { otherKindWarning } from '../otherKind';
import { openTarget } from '../targets';

export const repoTags: Command = {
  path: 'repo tags',
  aliases: ['repository tags'],
  summary: 'List the tags of a repository or a layout with each one\'s digest, type and platforms',
  usage: 'repo tags [flags] {REGISTRY/REPO|--oci-layout DIR}',
  examples: ['manifold repo tags --oci-layout layout', 'manifold repo tags --oci-layout layout --format json', "manifold repo tags --oci-layout layout --format go-template='{{join \",\" .tags}}'", 'manifold repo tags --plain-http localhost:5000/hello'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    ...FORMAT_TEMPLATE_OPTION,
    format: { type: 'string', description: "output format: table (default), text (names), json, or go-template over oras's {tags: [names]} (with --template, or go-template=TEMPLATE)", valueName: 'FORMAT' },
    all: { type: 'boolean', description: 'also list the sha256-<hex> tags of referrer fallback indexes' },
    last: { type: 'string', description: 'list only the tags after this one (in the order a registry lists them: by name), as oras takes it', valueName: 'TAG' },
    'exclude-digest-tags': { type: 'boolean', description: "leave out digest-like tags (sha256-<hex>, and cosign's sha256-<hex>.sig, .att, .sbom)" },
  },
  // Every row that can be read is printed; what cannot (a damaged index.json entry, a missing or altered
  // manifest) is reported on stderr after them, and the exit code is 1 so scripts notice.
  async run(p, printer) {
    const out = outputFormat(p, ['table', 'json', 'text', 'go-template']);
    const format = out.format;
    const t = await openTarget(p, p.positionals[0]!);
    const all = boolOpt(p, 'all');
    const keep = tagFilter(typeof p.values.last === 'string' ? p.values.last : undefined, boolOpt(p, 'exclude-digest-tags'));
    const damaged = (await damagedEntriesOf(t.target)).map((d) => d.error.message);
    const problems: string[] = [];
    if (format === 'text' || format === 'go-template') {
      // Names only: nothing to read beyond the listing (a registry's tags are not resolved). A template gets them
      // as oras gives its own, {tags: [names]}, so oras's templates (`{{range .tags}}{{.}}`) keep working.
      const names = (await listTargetTagNames(t.target, { all })).filter(keep);
      if (format === 'go-template') printStructured(printer, out, { tags: names });
      else for (const tag of names) printer.out(`${shownName(tag)}\n`);
    } else {
      // A name a registry lists that is no tag is never sent back to it: it has no row, and is named on stderr.
      const invalid: string[] = [];
      const listings = (await listTargetTags(t.target, { all, onInvalid: (name) => invalid.push(name) })).filter((l) => keep(l.tag));
      for (const name of invalid.sort()) problems.push(`tag ${quotedText(name)}: ${t.path} lists it, but it is not a valid tag (${TAG_RULE}), so it was not read`);
      await describeTags(t.target, listings);
      if (format === 'json') printStructured(printer, out, { tags: listings.map(jsonRow) });
      else printer.out(formatTable(['TAG', 'DIGEST', 'TYPE', 'PLATFORM'], listings.map(tableRow)));
      for (const l of listings) if (l.error) problems.push(tagProblem(l.tag, l.error));
      // A row describes the document; one listed as the other kind says so (as check does), not only by its TYPE.
      for (const l of listings) {
        if (l.summary?.listedAsOtherKind) printer.err(otherKindWarning(`tag ${quotedText(l.tag)}`, l.desc.mediaType, l.summary.listedAsOtherKind));
      }
    }
    problems.push(...damaged);
    for (const problem of problems) printer.err(`Error: ${problem}\n`);
    return problems.length > 0 ? 1 : 0;
  },
};

/** A tag like a digest: `sha256-<hex>`, a referrers fallback tag or cosign's, with its `.sig`/`.att`/`.sbom`. */
const DIGEST_TAG = /^(sha256-[a-f0-9]{64}|sha512-[a-f0-9]{128})(\.\w+)?$/;

/** Which tags `--last` and `--exclude-digest-tags` keep: those after `last` by name, and not digest-like. */
function tagFilter(last: string | undefined, excludeDigest: boolean): (tag: string) => boolean {
  return (tag) => (last === undefined || tag > last) && !(excludeDigest && DIGEST_TAG.test(tag));
}

/** A tag's error, led by the tag unless it names the tag already (a registry's read by it: `host/app:v1: …`). */
function tagProblem(tag: string, error: Error): string {
  if (shownName(tag) === tag && namesReference(error.message, tag)) return error.message;
  return `tag ${quotedText(tag)}: ${error.message}`;
}

function jsonRow({ tag, desc, summary: s, error }: TagListing): Record<string, unknown> {
  if (error || !s) return { name: tag, digest: desc.digest, mediaType: desc.mediaType, size: desc.size, error: error?.message ?? 'not read' };
  return {
    name: tag,
    digest: s.desc.digest,
    mediaType: s.desc.mediaType,
    size: s.desc.size,
    type: s.kind,
    platforms: s.platforms,
    ...(s.artifactType ? { artifactType: s.artifactType } : {}),
    // The document's own type, where mediaType (as listed) names the other kind: type describes the document.
    ...(s.listedAsOtherKind ? { documentMediaType: s.listedAsOtherKind } : {}),
  };
}

function tableRow({ tag, desc, summary: s, error }: TagListing): string[] {
  if (error || !s) return [shownName(tag), desc.digest, 'unknown', `error: ${brokenReason(error)}`];
  // An image whose config names no platform: "-", not its description ("image") again beside the type column.
  const platform = s.kind === 'artifact' ? '' : s.kind === 'image' && s.platforms.length === 0 ? '-' : s.description;
  return [shownName(tag), s.desc.digest, s.kind, platform];
}

/** What is wrong with a tag's manifest, short enough for a table cell; stderr has the whole message. */
function brokenReason(err: Error | undefined): string {
  if (isOciError(err, 'NOT_FOUND')) return 'manifest blob missing';
  if (isOciError(err, 'DIGEST_MISMATCH') || isOciError(err, 'SIZE_MISMATCH')) return 'manifest blob altered';
  if (isOciError(err, 'INVALID_MANIFEST')) return 'not a valid manifest';
  return 'manifest unreadable';
}
