import { createIndex, parseAnnotations } from '../../oci/imageIndex';
import { boolOpt, type Command, listOpt, stringOpt, LAYOUT_OPTION } from '../command';
import { indexEventPrinter, noteDuplicates, writeIndexOutput } from '../indexOutput';
import { openTarget } from '../targets';
import { tagMoveReporter } from '../tagMoves';

export const indexCreate: Command = {
  path: 'manifest index create',
  aliases: ['manifest index pack'],
  summary: 'Create an index from manifests in the same repository or layout, each with its platform, and store it',
  usage: 'manifest index create [flags] {REGISTRY/REPO|--oci-layout DIR}[:tag[,tag]...] SOURCE...',
  examples: [
    'manifold manifest index create --oci-layout layout:v1 linux-amd64 linux-arm64',
    'manifold manifest index create --oci-layout layout:v1,latest linux-amd64 sha256:99e4...',
    'manifold manifest index create --oci-layout layout linux-amd64 --output - --pretty',
  ],
  minArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    'artifact-type': { type: 'string', description: 'artifact type of the index', valueName: 'TYPE' },
    annotation: { type: 'string', short: 'a', multiple: true, description: 'index annotation key=value', valueName: 'KEY=VALUE' },
    tag: { type: 'string', multiple: true, description: 'a further tag for the index', valueName: 'TAG' },
    output: { type: 'string', short: 'o', description: 'write the index to a file (- for stdout) instead of storing it', valueName: 'FILE' },
    pretty: { type: 'boolean', description: 'indent the JSON written by --output' },
  },
  async run(p, printer) {
    const [raw, ...sources] = p.positionals as [string, ...string[]];
    const annotations = parseAnnotations(listOpt(p, 'annotation'));
    const output = stringOpt(p, 'output');
    const t = await openTarget(p, raw, { create: output === undefined, allowTagList: true });
    const tags = [...(t.reference ? [t.reference] : []), ...t.extraTags, ...listOpt(p, 'tag')];
    const quiet = output === '-';
    const reportMoves = await tagMoveReporter(t, output === undefined ? tags : [], printer);
    const result = await createIndex(t.target, {
      sources,
      artifactType: stringOpt(p, 'artifact-type'),
      annotations,
      tags,
      push: output === undefined,
      onEvent: quiet ? undefined : indexEventPrinter(printer, 'create', `[${t.kind}] ${t.display()}`, tags[0]),
    });
    if (output !== undefined) await writeIndexOutput(printer, output, result.raw, boolOpt(p, 'pretty'));
    if (!quiet) printer.out(`Digest: ${result.desc.digest}\n`);
    noteDuplicates(printer, result.index);
    await reportMoves();
  },
};
