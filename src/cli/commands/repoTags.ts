import { listTagSummaries } from '../../oci/summary';
import { boolOpt, type Command, formatOpt, FORMAT_OPTION, LAYOUT_OPTION } from '../command';
import { formatJson, formatTable } from '../printer';
import { openTarget } from '../targets';

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
    const tags = await listTagSummaries(t.target, { all: boolOpt(p, 'all') });
    if (format === 'json') {
      printer.out(formatJson({
        tags: tags.map((s) => ({
          name: s.tag,
          digest: s.desc.digest,
          mediaType: s.desc.mediaType,
          size: s.desc.size,
          type: s.kind,
          platforms: s.platforms,
          ...(s.artifactType ? { artifactType: s.artifactType } : {}),
        })),
      }));
    } else if (format === 'text') {
      for (const s of tags) printer.out(`${s.tag}\n`);
    } else {
      printer.out(formatTable(['TAG', 'DIGEST', 'TYPE', 'PLATFORM'], tags.map((s) => [s.tag, s.desc.digest, s.kind, s.kind === 'artifact' ? '' : s.description])));
    }
  },
};
