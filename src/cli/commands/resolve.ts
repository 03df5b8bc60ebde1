import { boolOpt, type Command, LAYOUT_OPTION } from '../command';
import { resolveReference } from '../targets';

export const resolve: Command = {
  path: 'resolve',
  summary: 'Print the digest a tag names',
  usage: 'resolve [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: ['manifold resolve --oci-layout layout:v1', 'manifold resolve --oci-layout layout:v1 --platform linux/arm64 --full-reference', 'manifold resolve --plain-http localhost:5000/app:v1'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    platform: { type: 'string', description: 'from an index, the manifest of this platform', valueName: 'PLATFORM' },
    'full-reference': { type: 'boolean', short: 'l', description: 'print DIR@digest' },
  },
  async run(p, printer) {
    const { t, desc, warning } = await resolveReference(p, p.positionals[0]!);
    if (warning) printer.err(warning);
    printer.out(`${boolOpt(p, 'full-reference') ? t.display(desc.digest) : desc.digest}\n`);
  },
};
