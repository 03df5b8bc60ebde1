import { DEFAULT_GRACE_MS, pruneLayout, type PruneReport } from '../../oci/layout/prune';
import { shownName } from '../../oci/shownName';
import { boolOpt, type Command, formatOpt, FORMAT_OPTION, stringOpt, UsageError } from '../command';
import { formatJson } from '../printer';

export const prune: Command = {
  path: 'prune',
  aliases: ['gc'],
  summary: 'Remove from a layout every blob nothing in index.json reaches, leftover temp files and lock leftovers',
  usage: 'prune [flags] --oci-layout DIR',
  examples: ['manifold prune --oci-layout layout --dry-run', 'manifold prune --oci-layout layout --untagged --format json'],
  minArgs: 1,
  maxArgs: 1,
  options: {
    'oci-layout': { type: 'boolean', description: 'the argument is an OCI image layout folder (required: prune works on layouts)' },
    'dry-run': { type: 'boolean', description: 'print what would be removed and the bytes freed; change nothing' },
    untagged: { type: 'boolean', description: 'also drop untagged index.json entries that are not referrers of something kept' },
    grace: {
      type: 'string',
      valueName: 'DURATION',
      description: `keep blobs and temp files modified within this long (another process may be writing them): 90s, 10m, 1h, 0 (default ${DEFAULT_GRACE_MS / 60_000}m)`,
    },
    ...FORMAT_OPTION,
  },
  async run(p, printer) {
    const format = formatOpt(p);
    if (!boolOpt(p, 'oci-layout')) throw new UsageError('prune works on OCI image layouts: pass --oci-layout DIR (a registry collects its own garbage)');
    const dir = p.positionals[0]!;
    const grace = stringOpt(p, 'grace');
    const report = await pruneLayout(dir, {
      dryRun: boolOpt(p, 'dry-run'),
      untagged: boolOpt(p, 'untagged'),
      graceMs: grace === undefined ? undefined : parseDuration(grace),
    });
    printer.out(format === 'json' ? formatJson(report) : pruneText(report));
  },
};

/** `90s`, `10m`, `1h`, `500ms`, or a number of seconds; an error names `flag`. */
export function parseDuration(text: string, flag = '--grace'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} ${JSON.stringify(text)}: not a duration (e.g. 90s, 10m, 1h, 0)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

export function pruneText(r: PruneReport): string {
  const lines: string[] = [];
  const verb = r.dryRun ? 'Would' : '';
  const say = (dry: string, done: string): string => (r.dryRun ? `${verb} ${dry}` : done);
  for (const u of r.untagged) {
    const platforms = u.platforms.length > 0 ? ` (${u.platforms.map(shownName).join(', ')})` : '';
    lines.push(`${say('drop', 'Dropped')} untagged ${u.digest} ${u.mediaType}${platforms}`);
  }
  const what = { blob: 'blob', temp: 'temp file', lock: 'lock leftover' } as const;
  for (const f of r.removed) {
    lines.push(`${say('remove', 'Removed')} ${what[f.kind]} ${f.kind === 'blob' ? f.digest : f.path} (${plural(f.size, 'byte')})`);
  }
  for (const f of r.young) lines.push(`Kept ${f.digest} (${plural(f.size, 'byte')}): unreachable, but modified within the grace period`);
  const counts = (['blob', 'temp', 'lock'] as const).map((k) => plural(r.removed.filter((f) => f.kind === k).length, what[k])).join(', ');
  if (r.restoresLayoutFile) lines.push(`${say('write back', 'Wrote back')} ${r.restoresLayoutFile}: missing from the layout`);
  lines.push(`${say('free', 'Freed')} ${plural(r.bytes, 'byte')}: ${counts}`);
  return lines.join('\n') + '\n';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
