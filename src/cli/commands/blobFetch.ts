import { pipeToStdout } from '../printer';
import { saveBlob } from '../../oci/artifacts/blobContent';
import { parseDigest } from '../../oci/digest';
import { boolOpt, type Command, LAYOUT_OPTION, NO_TTY_OPTION, stringOpt, UsageError } from '../command';
import { descriptorText } from '../descriptorOutput';
import { openTarget, requireReference } from '../targets';
import { abortOnSigint } from '../sigint';

export const blobFetch: Command = {
  path: 'blob fetch',
  summary: 'Write a blob to a file or stdout, verified against its digest',
  usage: 'blob fetch [flags] {--output FILE|--descriptor} {REGISTRY/REPO|--oci-layout DIR}@digest',
  examples: ['manifold blob fetch --oci-layout layout@sha256:... --output layer.tar.gz', 'manifold blob fetch --plain-http localhost:5000/hello@sha256:... --descriptor'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    output: { type: 'string', short: 'o', description: 'file to write (- for stdout)', valueName: 'FILE' },
    descriptor: { type: 'boolean', description: 'print the descriptor of the blob' },
    pretty: { type: 'boolean', description: 'indent the descriptor printed with --descriptor' },
    ...NO_TTY_OPTION,
  },
  async run(p, printer) {
    const raw = p.positionals[0]!;
    const output = stringOpt(p, 'output');
    if (!output && !boolOpt(p, 'descriptor')) throw new UsageError('either --output or --descriptor must be given');
    const t = await openTarget(p, raw);
    const digest = requireReference(t, raw);
    parseDigest(digest);
    const desc = await t.target.resolveBlob(digest);
    if (boolOpt(p, 'descriptor')) printer.out(descriptorText(desc, boolOpt(p, 'pretty')));
    if (!output) return;
    if (output === '-') {
      await pipeToStdout(await t.target.fetch(desc));
      return;
    }
    // Written beside the name and renamed there once verified: a mismatch leaves nothing under it.
    await abortOnSigint((signal) => saveBlob(t.target, desc, output, { signal }));
  },
};
