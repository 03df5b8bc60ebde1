import { pullArtifact } from '../../oci/artifacts/pull';
import { parsePlatform } from '../../oci/platform';
import { shortDigest } from '../../oci/reference';
import { boolOpt, type Command, LAYOUT_OPTION, stringOpt } from '../command';
import { openTarget, requireReference } from '../targets';

export const pull: Command = {
  path: 'pull',
  summary: 'Pull the files of an artifact (layers with a title) into a folder',
  usage: 'pull [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest} [-o DIR]',
  examples: [
    'manifold pull --oci-layout layout:v1 -o out',
    'manifold pull --plain-http localhost:5000/hello:v1 -o out --keep-old-files',
    'manifold pull --oci-layout layout:v1 --platform linux/amd64 --include-subject -o out',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    output: { type: 'string', short: 'o', description: 'folder to write the files to (default: the current folder)', valueName: 'DIR' },
    platform: { type: 'string', description: 'from an index, the manifest of this platform: os/arch[/variant][:os.version]', valueName: 'PLATFORM' },
    'include-subject': { type: 'boolean', description: 'also pull the files of the subject (recursively)' },
    'keep-old-files': { type: 'boolean', short: 'k', description: 'refuse rather than overwrite files that exist' },
  },
  async run(p, printer) {
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw);
    const reference = requireReference(t, raw);
    const platform = stringOpt(p, 'platform');
    const result = await pullArtifact(t.target, {
      reference,
      output: stringOpt(p, 'output') ?? '.',
      platform: platform ? parsePlatform(platform) : undefined,
      includeSubject: boolOpt(p, 'include-subject'),
      keepOldFiles: boolOpt(p, 'keep-old-files'),
      onEvent: (e) => {
        if (e.type === 'downloaded') printer.out(`Downloaded  ${shortDigest(e.desc.digest)} ${e.name}\n`);
        else if (e.type === 'skipped-link') printer.err(`Skipped ${e.name}: links in folders are not created\n`);
      },
    });
    if (result.files.length === 0) {
      printer.out(`Skipped pulling layers without file name in "org.opencontainers.image.title"\nUse 'manifold cp' to copy every layer\n`);
    }
    printer.out(`Pulled [${t.kind}] ${t.display()}\nDigest: ${result.root.digest}\n`);
  },
};
