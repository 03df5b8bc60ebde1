// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import type { Descriptor } from '../../oci/descriptor';
import { encodeDescriptor, goIndent, goQuote, goStringify } from '../../oci/encoding/goJson';
import { isValidMediaType } from '../../oci/mediaType';
import { boolOpt, type Command, LAYOUT_OPTION, listOpt, type ParsedCommand, stringOpt, UsageError } from '../command';
import { descriptorText } from '../descriptorOutput';
import { FORMAT_TEMPLATE_OPTION, outputFormat, printStructured } from '../outputFormat';
import { otherKindOf, otherKindWarning } from '../otherKind';
import { resolveReference } from '../targets';

export const manifestFetch: Command = {
  path: 'manifest fetch',
  aliases: ['manifest get'],
  summary: 'Print a manifest, or its descriptor',
  usage: 'manifest fetch [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: ['manifold manifest fetch --oci-layout layout:v1 --pretty', 'manifold manifest fetch --plain-http localhost:5000/app:v1 --media-type application/vnd.oci.image.index.v1+json', 'manifold manifest fetch --oci-layout layout:v1 --platform linux/arm64 --descriptor', 'manifold manifest fetch --plain-http localhost:5000/app:v1 --pretty', "manifold manifest fetch --oci-layout layout:v1 --format go-template --template '{{.digest}} {{.size}}'"],
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
    ...FORMAT_TEMPLATE_OPTION,
  },
  async run(p, printer) {
    const { t, desc, warning } = await resolveReference(p, p.positionals[0]!, { manifestMediaTypes: acceptedTypes(p) });
    if (warning) printer.err(warning);
    const pretty = boolOpt(p, 'pretty');
    const output = stringOpt(p, 'output');
    const toFile = output !== undefined && output !== '' && output !== '-';
    const out = outputFormat(p, ['text', 'json', 'go-template']);
    if (out.format !== 'text') {
      // As oras: the JSON (and the template's data) holds the descriptor and the manifest, so neither --descriptor
      // nor --pretty goes with it, and standard output is its own.
      if (boolOpt(p, 'descriptor')) throw new UsageError('--format and --descriptor cannot be used at the same time');
      if (pretty) throw new UsageError('--format and --pretty cannot be used at the same time');
      if (output === '-') throw new UsageError(`--output - cannot be used with --format ${out.format} at the same time`);
      const bytes = await t.target.fetchBytes(desc);
      if (toFile) await fsp.writeFile(output, bytes);
      const text = fetchedJson(t.path, desc, bytes);
      if (out.format === 'json') printer.out(text);
      else printStructured(printer, out, JSON.parse(text));
      return;
    }
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

/**
 * oras's `manifest fetch --format json`: `reference` (REPO@digest), the descriptor's mediaType, digest, size,
 * annotations and artifactType, and the manifest as `content` (an `any` to Go: its keys sorted), indented by
 * Go's encoder. What is no JSON is `content: null`, as oras gives it.
 */
function fetchedJson(path: string, desc: Descriptor, bytes: Buffer): string {
  const own: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size, ...(desc.annotations ? { annotations: desc.annotations } : {}), ...(desc.artifactType ? { artifactType: desc.artifactType } : {}) };
  let content = 'null';
  try {
    content = goStringify(JSON.parse(bytes.toString('utf8')));
  } catch {
    // not JSON: null
  }
  return `${goIndent(`{"reference":${goQuote(`${path}@${desc.digest}`)},${encodeDescriptor(own).slice(1, -1)},"content":${content}}`)}\n`;
}
