import { pullArtifact } from '../../oci/artifacts/pull';
import { shownName } from '../../oci/shownName';
import { parsePlatformPatterns } from '../../oci/platformPattern';
import { selectOnePlatform } from '../../oci/platformSelection';
import { shortDigest } from '../../oci/reference';
import { resolve as resolvePath } from 'node:path';
import { boolOpt, type Command, concurrencyOpt, LAYOUT_OPTION, listOpt, NO_TTY_OPTION, stringOpt } from '../command';
import { FORMAT_TEMPLATE_OPTION, outputFormat, printStructured } from '../outputFormat';
import { otherKindWarning } from '../otherKind';
import { openTarget, requireReference } from '../targets';
import { abortOnSigint } from '../sigint';

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
    platform: {
      type: 'string',
      multiple: true,
      description: 'from an index, the manifest of this platform: os/arch[/variant][:os.version]; * for any part (*/arm64) and lists too, as long as they pick one',
      valueName: 'PLATFORM',
    },
    'include-subject': { type: 'boolean', description: 'also pull the files of the subject (recursively)' },
    'keep-old-files': { type: 'boolean', short: 'k', description: 'refuse rather than overwrite files that exist' },
    concurrency: { type: 'string', description: 'files downloaded at a time (default 3; folders one at a time)', valueName: 'N' },
    ...FORMAT_TEMPLATE_OPTION,
    ...NO_TTY_OPTION,
  },
  async run(p, printer) {
    const out = outputFormat(p, ['text', 'json', 'go-template']);
    const format = out.format;
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw);
    let reference = requireReference(t, raw);
    const platforms = listOpt(p, 'platform');
    // The files of one manifest go into one folder: the values must pick one platform, then pulled by digest.
    // A reference listed as the other kind of its document is said, as repo tags says it; the platform is picked from what it declares.
    const onListedAs = (listed: string, declared: string) => printer.err(otherKindWarning(t.display(), listed, declared));
    if (platforms.length) reference = (await selectOnePlatform(t.target, await t.target.resolve(reference), parsePlatformPatterns(platforms), { onListedAs })).digest;
    const output = stringOpt(p, 'output') ?? '.';
    const result = await abortOnSigint((signal) => pullArtifact(t.target, {
      reference,
      output,
      includeSubject: boolOpt(p, 'include-subject'),
      keepOldFiles: boolOpt(p, 'keep-old-files'),
      concurrency: concurrencyOpt(p, 3),
      signal,
      onEvent: (e) => {
        if (format !== 'text') return;
        if (e.type === 'downloaded') printer.out(`Downloaded  ${shortDigest(e.desc.digest)} ${shownName(e.name)}\n`);
        else if (e.type === 'skipped-link') printer.err(`Skipped ${shownName(e.name)}: links in folders are not created\n`);
      },
    }));
    if (format !== 'text') {
      // As oras's `pull --format json`: the manifest pulled and each file written, with its absolute path.
      printStructured(
        printer,
        out,
        {
          reference: `${t.path}@${result.root.digest}`,
          files: result.files.map((f) => ({
            path: resolvePath(output, f.name),
            reference: `${t.path}@${f.desc.digest}`,
            mediaType: f.desc.mediaType,
            digest: f.desc.digest,
            size: f.desc.size,
            ...(f.desc.annotations ? { annotations: f.desc.annotations } : {}),
          })),
        },
      );
      return;
    }
    if (result.files.length === 0) {
      printer.out(`Skipped pulling layers without file name in "org.opencontainers.image.title"\nUse 'manifold cp' to copy every layer\n`);
    }
    printer.out(`Pulled [${t.kind}] ${t.display()}\nDigest: ${result.root.digest}\n`);
  },
};
