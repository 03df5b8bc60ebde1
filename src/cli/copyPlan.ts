// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { CopyPlan, IndexSubset, PlanDestination, PlannedItem } from '../oci/copy';
import type { Descriptor } from '../oci/descriptor';
import { OciError } from '../oci/errors';
import { INDEX_FILE, OCI_LAYOUT_FILE, OciLayoutStore } from '../oci/layout';
import { formatPlatform, shownPlatform } from '../oci/platform';
import { type PlatformPattern, parsePlatformPatterns } from '../oci/platformPattern';
import { parseLayoutReference } from '../oci/reference';
import { boolOpt, listOpt, type ParsedCommand, UsageError } from './command';
import { referrersLeftJson, referrersLeftText } from './onlyOption';
import { formatJson } from './printer';
import { isTarDestination } from './tarDestination';
import { openedTarget, openTarget } from './targets';

/** `--platform` (repeatable, comma lists, wildcards) and `--split-platforms`, as the copy options take them. */
export function platformOptions(p: ParsedCommand): { platforms?: PlatformPattern[]; splitPlatforms?: boolean } {
  const values = listOpt(p, 'platform');
  const split = boolOpt(p, 'split-platforms');
  if (split && values.length === 0) throw new UsageError('--split-platforms needs --platform: it splits the platforms picked from an index');
  return values.length ? { platforms: parsePlatformPatterns(values), splitPlatforms: split } : {};
}

/** The stderr line for an index rewritten to a platform subset: its new digest is what the tags name. */
export function subsetNotice(subset: IndexSubset, dryRun: boolean): string {
  return `${dryRun ? 'would rewrite' : 'rewrote'} index ${subset.from.digest} with ${subset.kept} of ${subset.of} platforms: new digest ${subset.desc.digest}\n`;
}

/**
 * The destination of `cp --dry-run`, opened without creating anything: a layout folder that is not there
 * yet (or a layout tar, always written afresh) answers that nothing is there. A layout folder is opened as the copy
 * opens it, for writing, so one that lost its `oci-layout` is planned for as the copy would write to it (the file
 * is written back only at a first write, which a plan never makes): `restoresLayoutFile` names that file.
 */
export async function dryRunDestination(
  p: ParsedCommand,
  raw: string,
): Promise<{ target: PlanDestination; reference?: string; extraTags: string[]; display(): string; restoresLayoutFile?: string }> {
  if (!boolOpt(p, 'to-oci-layout')) return openTarget(p, raw, { allowTagList: true });
  const ref = parseLayoutReference(raw, { allowTagList: true });
  // A folder with neither index.json nor oci-layout (an empty one) is made a new layout by the copy, as a missing one.
  const fresh = async () => !(await fsp.stat(ref.path).catch(() => undefined)) || !(await anyOf(ref.path, [INDEX_FILE, OCI_LAYOUT_FILE]));
  if (isTarDestination(raw) || (await fresh())) {
    const nothing: PlanDestination = {
      exists: async () => false,
      resolve: async (reference) => {
        throw new OciError('NOT_FOUND', `${reference}: not found`);
      },
      fetchBytes: async (desc) => {
        throw new OciError('NOT_FOUND', `${desc.digest}: not found`);
      },
    };
    return { ...openedTarget(undefined as never, { kind: 'layout', path: ref.path }, ref), target: nothing };
  }
  const dst = await openTarget(p, raw, { layout: true, write: true, allowTagList: true });
  return { ...dst, restoresLayoutFile: dst.target instanceof OciLayoutStore ? dst.target.restoresLayoutFile : undefined };
}

async function anyOf(dir: string, names: string[]): Promise<boolean> {
  for (const name of names) if (await fsp.stat(join(dir, name)).catch(() => undefined)) return true;
  return false;
}

const plain = (d: Descriptor) => ({
  mediaType: d.mediaType,
  digest: d.digest,
  size: d.size,
  ...(d.artifactType ? { artifactType: d.artifactType } : {}),
  ...(d.platform ? { platform: formatPlatform(d.platform) } : {}),
});
const item = (i: PlannedItem) => ({ kind: i.kind, ...plain(i.desc) });

/** `cp --dry-run --format json`: the shape README.md documents (every key always present). */
export function copyPlanJson(plan: CopyPlan, source: string, destination: string, restoresLayoutFile?: string): string {
  return formatJson({
    dryRun: true,
    source,
    destination,
    root: plain(plan.root),
    rewrittenIndex: plan.subset ? { from: plan.subset.from.digest, digest: plan.subset.desc.digest, platforms: plan.subset.kept, of: plan.subset.of } : null,
    split: plan.split ? plan.split.map((s) => ({ ...plain(s.desc), tags: s.tags })) : null,
    copy: plan.copy.map(item),
    existing: plan.existing.map(item),
    referrers: plan.referrers.map(plain),
    referrersLeft: referrersLeftJson(plan.referrersLeft),
    tags: plan.tags.map((t) => ({ tag: t.tag, digest: t.digest, current: t.current ?? null })),
    cosignTags: plan.cosignTags.map((t) => ({ tag: t.tag, digest: t.digest, subject: t.subject, current: t.current ?? null })),
    bytesToCopy: plan.bytesToCopy,
    bytesExisting: plan.bytesExisting,
    restoresLayoutFile: restoresLayoutFile ?? null,
  });
}

/** `cp --dry-run`: the same plan, for reading. */
export function copyPlanText(plan: CopyPlan, source: string, destination: string, restoresLayoutFile?: string): string {
  const count = (items: PlannedItem[]) => {
    const manifests = items.filter((i) => i.kind === 'manifest').length;
    return `${manifests} ${manifests === 1 ? 'manifest' : 'manifests'}, ${items.length - manifests} ${items.length - manifests === 1 ? 'blob' : 'blobs'}`;
  };
  const row = (i: PlannedItem) => `  ${i.kind.padEnd(8)} ${i.desc.digest} ${String(i.desc.size).padStart(12)} ${i.desc.mediaType}\n`;
  let out = `Dry run: nothing copied from ${source} to ${destination}\n`;
  out += `Root: ${plan.root.digest} ${plan.root.mediaType}\n`;
  for (const s of plan.split ?? []) out += `Platform ${shownPlatform(s.desc.platform!)}: ${s.desc.digest}${s.tags.length ? ` as ${s.tags.join(', ')}` : ''}\n`;
  out += `To copy: ${count(plan.copy)}, ${plan.bytesToCopy} bytes\n` + plan.copy.map(row).join('');
  out += `Already at the destination: ${count(plan.existing)}, ${plan.bytesExisting} bytes\n` + plan.existing.map(row).join('');
  if (plan.referrers.length) out += `Referrers: ${plan.referrers.length}\n` + plan.referrers.map((r) => `  ${r.digest} ${r.artifactType ?? r.mediaType}\n`).join('');
  out += referrersLeftText(plan.referrersLeft);
  for (const t of plan.tags) {
    const what = t.current === undefined ? 'new' : t.current === t.digest ? 'unchanged' : `moves from ${t.current}`;
    out += `Tag ${t.tag} -> ${t.digest} (${what})\n`;
  }
  for (const t of plan.cosignTags) {
    const what = t.current === undefined ? 'new' : t.current === t.digest ? 'unchanged' : `moves from ${t.current}, whose signatures the source's holds too`;
    out += `Cosign tag ${t.tag} -> ${t.digest} (${what})\n`;
  }
  if (restoresLayoutFile) out += `Would write back ${restoresLayoutFile}: missing from the layout\n`;
  out += `Bytes to transfer: ${plan.bytesToCopy}\n`;
  return out;
}
