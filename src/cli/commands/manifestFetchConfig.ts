import { saveBlob } from '../../oci/artifacts/blobContent';
import { goIndent } from '../../oci/encoding/goJson';
import { OciError } from '../../oci/errors';
import { parseManifestContent } from '../../oci/graph/manifestContent';
import { otherKindDeclared } from '../../oci/mediaType';
import { boolOpt, type Command, LAYOUT_OPTION, stringOpt, UsageError } from '../command';
import { descriptorText } from '../descriptorOutput';
import { resolveReference } from '../targets';

export const manifestFetchConfig: Command = {
  path: 'manifest fetch-config',
  aliases: ['manifest get-config'],
  summary: 'Print the config blob of an image manifest, or write it to a file',
  usage: 'manifest fetch-config [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: ['manifold manifest fetch-config --oci-layout layout:v1 --platform linux/amd64 --pretty', 'manifold manifest fetch-config --plain-http localhost:5000/hello:v1 --output config.json'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    platform: { type: 'string', description: 'from an index, the manifest of this platform: os/arch[/variant][:os.version]', valueName: 'PLATFORM' },
    output: { type: 'string', short: 'o', description: 'write the config to a file (- for stdout)', valueName: 'FILE' },
    descriptor: { type: 'boolean', description: 'print the descriptor of the config instead (with --output FILE, after writing it there)' },
    pretty: { type: 'boolean', description: 'indent the config printed, or its descriptor (a file written gets the very bytes)' },
  },
  async run(p, printer) {
    const raw = p.positionals[0]!;
    const output = stringOpt(p, 'output');
    const showDescriptor = boolOpt(p, 'descriptor');
    if (showDescriptor && output === '-') throw new UsageError('--output - cannot be used with --descriptor at the same time');
    const { t, desc, warning } = await resolveReference(p, raw);
    if (warning) printer.err(warning);
    // The kind is the document's (parseManifestContent takes its own mediaType): an image listed under an index type
    // has its config; an index listed under an image type is an index, said with both types.
    const content = parseManifestContent(desc, await t.target.fetchBytes(desc));
    if (content.kind === 'index') {
      const own = otherKindDeclared(desc.mediaType, content);
      const listed = own ? ` is listed as ${desc.mediaType}, but its document is an image index (it declares ${own})` : '';
      throw new OciError('INVALID_ARGUMENT', `${raw}${listed}: an index has no config; choose a manifest with --platform`);
    }
    if (!content.config) throw new OciError('INVALID_MANIFEST', `${raw}: the manifest has no config`);
    if (showDescriptor) {
      // As oras: with --output FILE the config is written there too, then its descriptor printed.
      if (output) await saveBlob(t.target, content.config, output);
      printer.out(descriptorText(content.config, boolOpt(p, 'pretty')));
      return;
    }
    if (!output || output === '-') {
      const text = (await t.target.fetchBytes(content.config)).toString('utf8');
      if (!boolOpt(p, 'pretty')) return void printer.out(text);
      // As oras's json.Indent: a config that is not JSON is refused rather than indented as if it were.
      try {
        JSON.parse(text);
      } catch (err) {
        throw new OciError('INVALID_ARGUMENT', `${raw}: --pretty: the config ${content.config.digest} is not JSON (${(err as Error).message})`);
      }
      printer.out(goIndent(text) + '\n');
      return;
    }
    // As blob fetch: verified, written beside the name and renamed there.
    await saveBlob(t.target, content.config, output);
  },
};
