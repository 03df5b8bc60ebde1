import { createReadStream } from 'node:fs';
import { checkUnchanged, createStaging, stageFile, statSource } from '../../oci/artifacts/files';
import type { Descriptor } from '../../oci/descriptor';
import { isDigest } from '../../oci/digest';
import { OciError } from '../../oci/errors';
import { isValidMediaType, MediaType } from '../../oci/mediaType';
import { boolOpt, type Command, LAYOUT_OPTION, NO_TTY_OPTION, stringOpt, UsageError } from '../command';
import { descriptorText } from '../descriptorOutput';
import { openTarget } from '../targets';

export const blobPush: Command = {
  path: 'blob push',
  summary: 'Push a file as a blob',
  usage: 'blob push [flags] {REGISTRY/REPO|--oci-layout DIR}[@digest] FILE',
  examples: ['manifold blob push --oci-layout layout hi.txt', 'manifold blob push --plain-http localhost:5000/hello hi.txt --descriptor', 'manifold blob push --oci-layout layout hi.txt --descriptor --pretty'],
  minArgs: 2,
  maxArgs: 2,
  options: {
    ...LAYOUT_OPTION,
    'media-type': { type: 'string', description: `media type of the descriptor printed with --descriptor (default ${MediaType.ImageLayer})`, valueName: 'TYPE' },
    size: { type: 'string', description: 'the blob size: refused when the file has another', valueName: 'BYTES' },
    descriptor: { type: 'boolean', description: 'print the descriptor of the blob' },
    pretty: { type: 'boolean', description: 'indent the descriptor printed with --descriptor' },
    ...NO_TTY_OPTION,
  },
  async run(p, printer) {
    const [raw, file] = p.positionals as [string, string];
    if (file === '-') throw new UsageError('reading a blob from stdin is not supported; give a file');
    const mediaType = stringOpt(p, 'media-type') ?? MediaType.ImageLayer;
    if (!isValidMediaType(mediaType)) throw new UsageError(`${mediaType}: invalid media type`);
    const sizeArg = stringOpt(p, 'size');
    const t = await openTarget(p, raw, { create: true });
    if (t.reference !== undefined && !isDigest(t.reference)) throw new UsageError(`${raw}: a blob is named by its digest, not a tag`);
    // The file is read once: straight into the target's staging when it has one, else into a private copy,
    // hashed as it is written; it becomes visible only once its size and digest are checked.
    const check = (staged: { digest: string; size: number }) => {
      if (sizeArg !== undefined && Number(sizeArg) !== staged.size) throw new OciError('SIZE_MISMATCH', `${file}: ${staged.size} bytes, not the ${sizeArg} given with --size`);
      if (t.reference !== undefined && t.reference !== staged.digest) throw new OciError('DIGEST_MISMATCH', `${file}: has digest ${staged.digest}, not ${t.reference}`);
      return { mediaType, digest: staged.digest, size: staged.size } as Descriptor;
    };
    let desc: Descriptor;
    if (t.target.stage) {
      const before = await statSource(file);
      if (!before.isFile()) throw new OciError('INVALID_ARGUMENT', `${file}: not a regular file`);
      const staged = await t.target.stage(createReadStream(file));
      try {
        checkUnchanged(file, before, await statSource(file), staged.size);
        desc = check(staged);
        if (await t.target.exists(desc)) await staged.abort();
        else await staged.commit();
      } catch (err) {
        await staged.abort();
        throw err;
      }
    } else {
      const staging = await createStaging();
      try {
        const staged = await stageFile(file, staging);
        desc = check(staged);
        if (!(await t.target.exists(desc))) await t.target.push(desc, createReadStream(staged.path));
      } finally {
        await staging.dispose();
      }
    }
    if (boolOpt(p, 'descriptor')) {
      printer.out(descriptorText(desc, boolOpt(p, 'pretty')));
      return;
    }
    printer.out(`Pushed [${t.kind}] ${t.display()}\nDigest: ${desc.digest}\n`);
  },
};
