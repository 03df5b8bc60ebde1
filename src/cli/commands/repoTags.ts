import { describeTags, listTargetTags, type TagListing } from '../../oci/graph';
import type { ManifestSummary } from '../../oci/summary';
import { boolOpt, type Command, formatOpt, FORMAT_OPTION, LAYOUT_OPTION } from '../command';
import { formatJson, formatTable } from '../printer';
import { openTarget } from '../targets';
import type { ReadOnlyTarget } from '../../oci/target';

export const repoTags: Command = {
  path: 'repo tags',
  aliases: ['repo ls', 'repository tags'],
  summary: 'List the tags of a layout with each one\'s digest, type and platforms',
  usage: 'repo tags [flags] --oci-layout DIR',
  examples: ['manifold repo tags --oci-layout layout', 'manifold repo tags --oci-layout layout --format json'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    ...FORMAT_OPTION,
    all: { type: 'boolean', description: 'also list the sha256-<hex> tags of referrer fallback indexes' },
  },
  async run(p, printer) {
    const format = formatOpt(p, ['table', 'json', 'text']);
    const t = await openTarget(p, p.positionals[0]!);
    const listings = await listTargetTags(t.target, { all: boolOpt(p, 'all') });
    if (format === 'text') {
      // Names only: nothing to read beyond the listing.
      for (const l of listings) printer.out(`${l.tag}\n`);
      return;
    }
    const tags = await described(t.target, listings);
    if (format === 'json') {
      printer.out(formatJson({
        tags: tags.map(({ tag, summary: s }) => ({
          name: tag,
          digest: s.desc.digest,
          mediaType: s.desc.mediaType,
          size: s.desc.size,
          type: s.kind,
          platforms: s.platforms,
          ...(s.artifactType ? { artifactType: s.artifactType } : {}),
        })),
      }));
    } else {
      printer.out(formatTable(['TAG', 'DIGEST', 'TYPE', 'PLATFORM'], tags.map(({ tag, summary: s }) => [tag, s.desc.digest, s.kind, s.kind === 'artifact' ? '' : s.description])));
    }
  },
};

/** Every listing described; a tag whose content cannot be read fails the command, naming the blob. */
async function described(target: ReadOnlyTarget, listings: TagListing[]): Promise<Array<{ tag: string; summary: ManifestSummary }>> {
  await describeTags(target, listings);
  return listings.map((l) => {
    if (l.error) throw l.error;
    return { tag: l.tag, summary: l.summary! };
  });
}
