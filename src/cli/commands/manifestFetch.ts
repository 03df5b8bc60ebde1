// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { goIndent } from '../../oci/encoding/goJson';
import { isValidMediaType } from '../../oci/mediaType';
import { boolOpt, type Command, LAYOUT_OPTION, listOpt, type ParsedCommand, stringOpt, UsageError } from '../command';
import { descriptorText } from '../descriptorOutput';
import { otherKindOf, otherKindWarning } from '../otherKind';
import { resolveReference } from '../targets';

export const manifestFetch: Command = {
  path: 'manifest fetch',
  aliases: ['manifest get'],
  summary: 'Print a manifest, or its descriptor',
  usage: 'manifest fetch [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: ['manifold manifest fetch --oci-layout layout:v1 --pretty', 'manifold manifest fetch --plain-http localhost:5000/app:v1 --media-type application/vnd.oci.image.index.v1+json', 'manifold manifest fetch --oci-layout layout:v1 --platform linux/arm64 --descriptor', 'manifold manifest fetch --plain-http localhost:5000/app:v1 --pretty'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    pretty: { type: 'boolean', description: 'indent the JSON' },
    descriptor: { type: 'boolean', description: 'print the descriptor instead of the manifest' },
    platform: {
      type: 'string',
      multiple: true,
      description: 'from an index, the manifest of this platform: os/arch[/variant][:os.version]; * for any part (*/arm64) and lists too, as long as they pick one',
      valueName: 'PLATFORM',
    },
    output: { type: 'string', short: 'o', description: 'write the manifest to a file (- for stdout)', valueName: 'FILE' },
    'media-type': {
      type: 'string',
      multiple: true,
      description: 'from a registry, ask for the manifest in these media types only (its Accept header; default every manifest type)',
      valueName: 'TYPE[,TYPE]',
    },
  },
  async run(p, printer) {
    const { t, desc, warning } = await resolveReference(p, p.positionals[0]!, { manifestMediaTypes: acceptedTypes(p) });
    if (warning) printer.err(warning);
    const pretty = boolOpt(p, 'pretty');
    const output = stringOpt(p, 'output');
    const toFile = output !== undefined && output !== '' && output !== '-';
    if (boolOpt(p, 'descriptor') && output === '-') throw new UsageError('--descriptor cannot be used with --output - at the same time');
    if (toFile) {
      // The file gets the manifest's very bytes, so it still matches its digest: --pretty is for reading, as oras
      // ignores it when writing a file. With --descriptor, the descriptor is printed as well.
      await fsp.writeFile(output, await t.target.fetchBytes(desc));
      if (!boolOpt(p, 'descriptor')) return;
    }
    if (boolOpt(p, 'descriptor')) {
      printer.out(descriptorText(desc, pretty));
      // The descriptor as listed (as oras prints it); a layout's entry of the other kind than its document is said
      // (a read of a local file; one that cannot be read is check's to name, not this listing's).
      if (t.source.kind === 'layout') {
        const own = otherKindOf(desc.mediaType, await t.target.fetchBytes(desc).catch(() => Buffer.alloc(0)));
        if (own) printer.err(otherKindWarning(t.display(), desc.mediaType, own));
      }
      return;
    }
    const text = (await t.target.fetchBytes(desc)).toString('utf8');
    printer.out(pretty ? goIndent(text) + '\n' : text);
  },
};

/** `--media-type TYPE[,TYPE]` (repeatable, as oras's string slice): each a valid media type; a layout has no Accept to send. */
function acceptedTypes(p: ParsedCommand): string[] | undefined {
  const given = listOpt(p, 'media-type');
  if (given.length === 0) return undefined;
  if (boolOpt(p, 'oci-layout')) throw new UsageError('--media-type cannot be used with --oci-layout: it is the Accept header sent to a registry, and a layout stores each manifest in one media type');
  const types = given.flatMap((v) => v.split(',')).map((t) => t.trim());
  for (const type of types) if (!isValidMediaType(type)) throw new UsageError(`--media-type ${JSON.stringify(type)}: not a media type (type/subtype)`);
  return types;
}
