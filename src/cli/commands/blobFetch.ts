import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parseDigest } from '../../oci/digest';
import { encodeDescriptor } from '../../oci/encoding/goJson';
import { boolOpt, type Command, LAYOUT_OPTION, stringOpt, UsageError } from '../command';
import { openTarget, requireReference } from '../targets';

export const blobFetch: Command = {
  path: 'blob fetch',
  summary: 'Write a blob to a file or stdout, verified against its digest',
  usage: 'blob fetch [flags] --oci-layout DIR@digest {--output FILE|-|--descriptor}',
  examples: ['manifold blob fetch --oci-layout layout@sha256:... --output layer.tar.gz'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    output: { type: 'string', short: 'o', description: 'file to write (- for stdout)', valueName: 'FILE' },
    descriptor: { type: 'boolean', description: 'print the descriptor of the blob' },
  },
  async run(p, printer) {
    const raw = p.positionals[0]!;
    const output = stringOpt(p, 'output');
    if (!output && !boolOpt(p, 'descriptor')) throw new UsageError('either --output or --descriptor must be given');
    const t = await openTarget(p, raw);
    const digest = requireReference(t, raw);
    parseDigest(digest);
    const desc = await t.target.resolveBlob(digest);
    if (boolOpt(p, 'descriptor')) printer.out(encodeDescriptor(desc) + '\n');
    if (!output) return;
    const stream = await t.target.fetch(desc);
    if (output === '-') {
      await pipeline(stream, process.stdout, { end: false });
      return;
    }
    // A blob that fails verification must not be left behind under the name the user asked for.
    const temp = `${output}.manifold-partial`;
    try {
      await pipeline(stream, createWriteStream(temp));
      await rename(temp, output);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  },
};
