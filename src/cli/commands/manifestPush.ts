// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { readStdin } from '../stdin';
import { digestOf } from '../../oci/digest';
import type { Descriptor } from '../../oci/descriptor';
import { OciError } from '../../oci/errors';
import { checkManifestSize } from '../../oci/manifestLimit';
import { isManifestMediaType, MediaType } from '../../oci/mediaType';
import { boolOpt, type Command, LAYOUT_OPTION, stringOpt } from '../command';
import { descriptorText } from '../descriptorOutput';
import { openTarget } from '../targets';
import { tagMoveReporter } from '../tagMoves';
import { checkManifestBytes, malformedJson } from '../../oci/validate';
import { isJsonObject } from '../../oci/jsonObject';

export const manifestPush: Command = {
  path: 'manifest push',
  summary: 'Store a manifest or index document from a file (- for stdin) and tag it',
  usage: 'manifest push [flags] {REGISTRY/REPO|--oci-layout DIR}[:tag[,tag]...] FILE',
  examples: ['manifold manifest push --oci-layout layout:v1 index.json', 'manifold manifest push --oci-layout layout:v2 index.json --descriptor --pretty'],
  minArgs: 2,
  maxArgs: 2,
  options: {
    ...LAYOUT_OPTION,
    'media-type': { type: 'string', description: 'media type of the document, when it does not say', valueName: 'TYPE' },
    descriptor: { type: 'boolean', description: 'print the descriptor of the manifest pushed, instead of the lines' },
    pretty: { type: 'boolean', description: 'indent the descriptor printed with --descriptor' },
  },
  async run(p, printer) {
    const [raw, file] = p.positionals as [string, string];
    const bytes = file === '-' ? await readStdin() : await readManifestFile(file);
    let json: { mediaType?: unknown };
    const text = bytes.toString('utf8');
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new OciError('INVALID_MANIFEST', `${file}: ${malformedJson(text, err)}`);
    }
    // `in` below, and every field read, need an object: `null`, `5` or `"x"` is no document of either kind.
    if (!isJsonObject(json)) throw new OciError('INVALID_MANIFEST', `${file}: the document is ${jsonKind(json)}, not a JSON object: it is not an image index or manifest`);
    const declared = typeof json?.mediaType === 'string' ? json.mediaType : undefined;
    const given = stringOpt(p, 'media-type');
    if (given && declared && given !== declared) throw new OciError('INVALID_ARGUMENT', `${file}: --media-type ${given} differs from the document's mediaType ${declared}`);
    const mediaType = given ?? declared ?? ('manifests' in json ? MediaType.ImageIndex : MediaType.ImageManifest);
    if (!isManifestMediaType(mediaType)) throw new OciError('INVALID_ARGUMENT', `${file}: ${mediaType} is not a manifest media type`);
    // A layout would store and tag it, and no reader would read it back.
    checkManifestSize(`manifest ${file}`, bytes.length);
    const desc: Descriptor = { mediaType, digest: digestOf(bytes), size: bytes.length };
    const t = await openTarget(p, raw, { create: true, allowTagList: true });
    // The checks the layout runs on push, said of the file given rather than of a digest the user never saw.
    if (t.kind === 'oci-layout') checkManifestBytes(bytes, desc, file);
    await t.target.push(desc, bytes);
    const tags = [...(t.reference ? [t.reference] : []), ...t.extraTags];
    const reportMoves = await tagMoveReporter(t, tags, printer);
    for (const tag of tags) await t.target.tag(desc, tag);
    if (boolOpt(p, 'descriptor')) {
      printer.out(descriptorText(desc, boolOpt(p, 'pretty')));
      await reportMoves();
      return;
    }
    printer.out(`Pushed [${t.kind}] ${t.display()}\n`);
    for (const tag of t.extraTags) printer.out(`Tagged ${tag}\n`);
    printer.out(`Digest: ${desc.digest}\n`);
    await reportMoves();
  },
};

/** The file read, its error led by its name (`EISDIR: illegal operation on a directory` names none). */
async function readManifestFile(file: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_ARGUMENT';
    throw new OciError(code, `${file}: ${(err as Error).message}`, { cause: err });
  }
}

const jsonKind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);
