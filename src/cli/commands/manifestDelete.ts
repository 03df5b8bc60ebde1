import { boolOpt, type Command, LAYOUT_OPTION, UsageError } from '../command';
import { openTarget, requireReference } from '../targets';

export const manifestDelete: Command = {
  path: 'manifest delete',
  aliases: ['manifest rm'],
  summary: 'Delete a manifest and every tag that names it',
  usage: 'manifest delete [flags] --oci-layout DIR{:tag|@digest}',
  examples: ['manifold manifest delete --oci-layout layout:v1 --force'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    force: { type: 'boolean', short: 'f', description: 'delete without asking' },
  },
  async run(p, printer) {
    const raw = p.positionals[0]!;
    const t = await openTarget(p, raw);
    const desc = await t.target.resolve(requireReference(t, raw));
    if (!boolOpt(p, 'force')) {
      throw new UsageError(`deleting ${t.display(desc.digest)} removes it and all tags that name it; pass --force to confirm`);
    }
    await t.target.delete(desc);
    printer.out(`Deleted [${t.kind}] ${t.display(desc.digest)}\n`);
  },
};
