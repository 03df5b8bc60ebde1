import { isDigest } from '../../oci/digest';
import { parsePlatformPatterns } from '../../oci/platformPattern';
import { parseAnnotationChanges, updateIndex } from '../../oci/imageIndex';
import { boolOpt, type Command, listOpt, stringOpt, LAYOUT_OPTION, UsageError } from '../command';
import { indexEventPrinter, noteDuplicates, writeIndexOutput } from '../indexOutput';
import { openTarget, requireReference } from '../targets';
import { tagMoveReporter } from '../tagMoves';

export const indexUpdate: Command = {
  path: 'manifest index update',
  summary: 'Update an index: remove, add and merge manifests, set or remove annotations, retag',
  usage: 'manifest index update [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest} [{--add|--merge|--remove|--remove-platform} REF]...',
  examples: [
    'manifold manifest index update --oci-layout layout:v1 --add linux-arm64 --remove sha256:99e4...',
    'manifold manifest index update --oci-layout layout:v2 --merge v2-windows',
    'manifold manifest index update --oci-layout layout:v1 --remove-platform linux/arm/v7 --remove-platform windows/*',
    'manifold manifest index update --oci-layout layout:v1 --annotation org.example.eol=2027-01-01 --annotation old.key-',
    'manifold manifest index update --oci-layout layout@sha256:99e4... --add linux-amd64 --tag v2.1.0 --tag v2',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    add: { type: 'string', multiple: true, description: 'manifest (tag or digest) to add', valueName: 'REF' },
    remove: { type: 'string', multiple: true, description: 'manifest to remove; must be a digest', valueName: 'DIGEST' },
    'remove-platform': {
      type: 'string',
      multiple: true,
      description: 'remove every manifest of this platform (* for any part: windows/*), with its buildx attestations (repeatable, or a comma list)',
      valueName: 'PLATFORM',
    },
    merge: { type: 'string', multiple: true, description: 'index whose manifests are added', valueName: 'REF' },
    annotation: { type: 'string', short: 'a', multiple: true, description: 'set key=value, or remove key- , on the index', valueName: 'KEY=VALUE' },
    'artifact-type': { type: 'string', description: 'new artifact type of the index ("" removes it)', valueName: 'TYPE' },
    tag: { type: 'string', multiple: true, description: 'a further tag for the updated index', valueName: 'TAG' },
    output: { type: 'string', short: 'o', description: 'write the index to a file (- for stdout) instead of storing it', valueName: 'FILE' },
    pretty: { type: 'boolean', description: 'indent the JSON written by --output' },
  },
  async run(p, printer) {
    const raw = p.positionals[0]!;
    const output = stringOpt(p, 'output');
    const tags = listOpt(p, 'tag');
    if (output !== undefined && tags.length > 0) throw new UsageError('--tag and --output cannot be used together');
    for (const d of listOpt(p, 'remove')) {
      // oras's --remove takes digests only; a platform typed there gets pointed at the flag that takes one.
      if (!isDigest(d)) throw new UsageError(`remove: ${d} is not a digest${/^[^/:@]+\/[^/:@]+/.test(d) ? `; to remove a platform, use --remove-platform ${d}` : ''}`);
    }
    const removePlatforms = parsePlatformPatterns(listOpt(p, 'remove-platform'));
    const annotations = parseAnnotationChanges(listOpt(p, 'annotation'));
    const t = await openTarget(p, raw, { write: output === undefined });
    const index = requireReference(t, raw);
    const quiet = output === '-';
    const reportMoves = await tagMoveReporter(t, output === undefined ? [...(isDigest(index) ? [] : [index]), ...tags] : [], printer);
    const result = await updateIndex(t.target, {
      index,
      add: listOpt(p, 'add'),
      remove: listOpt(p, 'remove'),
      removePlatforms,
      merge: listOpt(p, 'merge'),
      annotations,
      artifactType: stringOpt(p, 'artifact-type'),
      tags,
      push: output === undefined,
      // Pushed to a digest reference: oras names the folder only, as no tag moved.
      onEvent: quiet ? undefined : indexEventPrinter(printer, 'update', `[${t.kind}] ${isDigest(index) ? t.path : t.display()}`, isDigest(index) ? undefined : index),
    });
    if (!result.changed) {
      printer.out('Nothing to update as no change is requested\n');
      return;
    }
    if (!('raw' in result)) return;
    if (output !== undefined) await writeIndexOutput(printer, output, result.raw, boolOpt(p, 'pretty'));
    if (!quiet) printer.out(`Digest: ${result.desc.digest}\n`);
    noteDuplicates(printer, result.index);
    await reportMoves();
  },
};
