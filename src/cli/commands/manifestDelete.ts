import type { Descriptor } from '../../oci/descriptor';
import { damagedEntriesOf, planDeleteWithReferrers, runDeletePlan, type DeletePlan } from '../../oci/graph';
import { shownPlatform } from '../../oci/platform';
import { boolOpt, type Command, LAYOUT_OPTION, UsageError } from '../command';
import { descriptorText } from '../descriptorOutput';
import { type OpenedTarget, openTarget, requireReference } from '../targets';

export const manifestDelete: Command = {
  path: 'manifest delete',
  aliases: ['manifest rm'],
  summary: 'Delete a manifest and every tag that names it',
  usage: 'manifest delete [flags] {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest}',
  examples: ['manifold manifest delete --oci-layout layout:v1 --force', 'manifold manifest delete --oci-layout layout:v1 --force --descriptor --pretty', 'manifold manifest delete --plain-http localhost:5000/app:v2 --force', 'manifold manifest delete --oci-layout layout:v1 --include-referrers   # prints the plan, then asks'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    force: { type: 'boolean', short: 'f', description: 'delete without asking' },
    descriptor: { type: 'boolean', description: 'print the descriptor of the manifest deleted, instead of a line (needs --force)' },
    pretty: { type: 'boolean', description: 'indent the descriptor printed with --descriptor' },
    'include-referrers': {
      type: 'boolean',
      description: "also delete the referrers whose subject it is (recursively), and for an index on a layout its children nothing else reaches; prints the plan, then asks unless --force",
    },
  },
  async run(p, printer) {
    const raw = p.positionals[0]!;
    const showDescriptor = boolOpt(p, 'descriptor');
    // As oras: what is printed is the deletion's only answer, so there is no question to ask before it.
    if (showDescriptor && !boolOpt(p, 'force')) throw new UsageError('must apply --force to confirm the deletion if the descriptor is outputted');
    // The plan is printed as text: a descriptor after it would not be the JSON a script reads.
    if (showDescriptor && boolOpt(p, 'include-referrers')) throw new UsageError('--descriptor cannot be used with --include-referrers (which prints the plan of what it deletes)');
    const t = await openTarget(p, raw, { write: true });
    const reference = requireReference(t, raw);
    let desc;
    try {
      desc = await t.target.resolve(reference);
    } catch (err) {
      if (await removeDamaged(t, reference, boolOpt(p, 'force'), showDescriptor, printer.out)) return;
      throw err;
    }
    if (boolOpt(p, 'include-referrers')) {
      const plan = await planDeleteWithReferrers(t.target, desc);
      printer.out(planText(plan, (d) => t.display(d)));
      if (!boolOpt(p, 'force')) {
        if (!process.stdin.isTTY) throw new UsageError(`${raw}: confirm the deletion with --force (standard input is not a terminal, so there is no one to ask)`);
        const { createInterface } = require('node:readline/promises') as typeof import('node:readline/promises'); // only when asking
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question(`Delete these ${plan.deletions.length} manifests? [y/N] `).finally(() => rl.close());
        if (!/^y(es)?$/i.test(answer.trim())) return;
      }
      await runDeletePlan(t.target, plan, {
        // Missing: a referrer a fallback tag lists but that is not stored, or one another process deleted meanwhile.
        onDeleted: (d, missing) => printer.out(`${missing ? 'Missing' : 'Deleted'} [${t.kind}] ${t.display(d.digest)}\n`),
      });
      return;
    }
    if (!boolOpt(p, 'force')) {
      throw new UsageError(`deleting ${t.display(desc.digest)} removes it and all tags that name it; pass --force to confirm`);
    }
    await t.target.delete(desc);
    printer.out(showDescriptor ? descriptorText(desc, boolOpt(p, 'pretty')) : `Deleted [${t.kind}] ${t.display(desc.digest)}\n`);
  },
};

/**
 * A tag whose index.json entry is damaged names no manifest that can be trusted: deleting it removes that
 * entry (an untag) and no blob. Returns false when the tag is not a damaged entry's.
 */
async function removeDamaged(t: OpenedTarget, tag: string, force: boolean, showDescriptor: boolean, out: (text: string) => void): Promise<boolean> {
  const damaged = (await damagedEntriesOf(t.target)).filter((d) => d.tag === tag).pop();
  if (!damaged) return false;
  if (showDescriptor) throw new UsageError(`${t.display()}: its index.json entry is damaged (${damaged.error.message}), so there is no descriptor to print; delete it without --descriptor`);
  if (!force) throw new UsageError(`deleting ${t.display()} removes its damaged entry (${damaged.error.message}); no blob is deleted; pass --force to confirm`);
  await t.target.untag(tag);
  out(`Removed damaged entry: ${damaged.error.message}\nNo blob deleted: a damaged entry's descriptor is not trusted\n`);
  return true;
}

/** The plan, one manifest a line, in the order they will be deleted. */
export function planText(plan: DeletePlan, display: (digest: string) => string): string {
  const what = (d: Descriptor): string => {
    const kind = d.artifactType ?? d.mediaType;
    return d.platform ? `${kind} ${shownPlatform(d.platform)}` : kind;
  };
  const lines = [`Deleting ${plural(plan.deletions.length, 'manifest')}:`];
  for (const { desc, role, of } of plan.deletions) {
    const why = role === 'manifest' ? '' : role === 'child' ? `, child of ${of}` : role === 'fallback' ? `, fallback tag listing the referrers of ${of}` : `, referrer of ${of}`;
    lines.push(`  ${display(desc.digest)} (${what(desc)}${why})`);
  }
  for (const k of plan.kept) lines.push(`Keeping ${display(k.digest)} (${what(k)}): reached from elsewhere`);
  if (!plan.childrenConsidered) lines.push('An index\'s child manifests are kept: a registry does not say what else reaches them');
  lines.push('Configs and layers stay until unreachable content is collected (manifold prune, on a layout)');
  return lines.join('\n') + '\n';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
