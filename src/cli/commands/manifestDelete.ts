import { damagedEntriesOf } from '../../oci/graph';
import { boolOpt, type Command, LAYOUT_OPTION, UsageError } from '../command';
import { type OpenedTarget, openTarget, requireReference } from '../targets';

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
    const reference = requireReference(t, raw);
    let desc;
    try {
      desc = await t.target.resolve(reference);
    } catch (err) {
      if (await removeDamaged(t, reference, boolOpt(p, 'force'), printer.out)) return;
      throw err;
    }
    if (!boolOpt(p, 'force')) {
      throw new UsageError(`deleting ${t.display(desc.digest)} removes it and all tags that name it; pass --force to confirm`);
    }
    await t.target.delete(desc);
    printer.out(`Deleted [${t.kind}] ${t.display(desc.digest)}\n`);
  },
};

/**
 * A tag whose index.json entry is damaged names no manifest that can be trusted: deleting it removes that
 * entry (an untag) and no blob. Returns false when the tag is not a damaged entry's.
 */
async function removeDamaged(t: OpenedTarget, tag: string, force: boolean, out: (text: string) => void): Promise<boolean> {
  const damaged = (await damagedEntriesOf(t.target)).filter((d) => d.tag === tag).pop();
  if (!damaged) return false;
  if (!force) throw new UsageError(`deleting ${t.display()} removes its damaged entry (${damaged.error.message}); no blob is deleted; pass --force to confirm`);
  await t.target.untag(tag);
  out(`Removed damaged entry: ${damaged.error.message}\nNo blob deleted: a damaged entry's descriptor is not trusted\n`);
  return true;
}
