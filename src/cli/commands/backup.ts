import { statSync } from 'node:fs';
import { copyTags, planCopy, tagsToCopy, type CopyPlan, type CopyTagsResult, type PlanDestination, type ReferrerFilter, type TagToCopy } from '../../oci/copy';
import { isDigest } from '../../oci/digest';
import { OciError } from '../../oci/errors';
import { OciLayoutStore } from '../../oci/layout';
import { beginLayoutTarExport } from '../../oci/layout/tarExport';
import { parseCosignTag } from '../../oci/referrers';
import { sharedSignal } from '../../oci/sharedSignal';
import { shownName } from '../../oci/shownName';
import type { ReadOnlyTarget } from '../../oci/target';
import { boolOpt, type Command, concurrencyOpt, formatOpt, FORMAT_OPTION, NO_TTY_OPTION, stringOpt, UsageError } from '../command';
import { byteSize, copyProgressPrinter } from '../copyProgress';
import { onlyOption, onlyOptions, referrersLeftJson, referrersLeftText } from '../onlyOption';
import type { Printer } from '../printer';
import { formatJson } from '../printer';
import { REGISTRY_OPTIONS } from '../registryOptions';
import { abortOnSigint } from '../sigint';
import { movedLine } from '../tagMoves';
import { openTarget, type OpenedTarget } from '../targets';

/** tagsToCopy, a missing named tag said with the place it is missing from. */
function tagsIn(from: ReadOnlyTarget, named: string[], where: string, signal: AbortSignal): Promise<TagToCopy[]> {
  return tagsToCopy(from, named.length > 0 ? named : undefined, {
    signal,
    missing: (tag, err) => new OciError('NOT_FOUND', `${where}: no tag ${shownName(tag)} to copy (${err.message})`, { cause: err }),
  });
}

/** `host/repo[:tag[,tag]...]`: the repository and the tags named; a digest is refused (a backup keeps tags). */
async function openRepository(p: Parameters<Command['run']>[0], raw: string): Promise<{ repo: OpenedTarget; named: string[] }> {
  const repo = await openTarget(p, raw, { layout: false, allowTagList: true });
  if (repo.reference && isDigest(repo.reference)) {
    throw new UsageError(`${raw}: a digest names no tag to keep; name the repository (every tag) or its tags: ${repo.path}[:TAG[,TAG]...]`);
  }
  return { repo, named: repo.reference ? [repo.reference, ...repo.extraTags] : [] };
}

const quiet = { onProgress: undefined, finish: () => undefined };
const tagsLine = (where: string, tags: readonly TagToCopy[]) => `Found ${tags.length} tag(s) in ${where}: ${tags.map((t) => shownName(t.tag)).join(', ')}\n`;

/** With --only, cosign's tags among those found go as the referrers they are (copyTags): said, so the counts add up. */
function cosignTagsLine(tags: readonly TagToCopy[], only: ReferrerFilter | undefined): string {
  const cosign = only ? tags.filter((t) => parseCosignTag(t.tag)) : [];
  return cosign.length ? `cosign's tags go as referrers under --only, not as tags: ${cosign.map((t) => t.tag).join(', ')}\n` : '';
}
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

function sayMoves(printer: Printer, result: CopyTagsResult): void {
  for (const m of result.moved) printer.err(movedLine(m.tag, m.from, m.to));
}

function resultJson(result: CopyTagsResult): object {
  return { tags: result.tags, referrers: result.referrers.length, referrersLeft: referrersLeftJson(result.referrersLeft), copied: result.copied, bytes: result.bytes, moved: result.moved };
}

export const backup: Command = {
  path: 'backup',
  summary: 'Back up tags of a registry repository, with their referrers, into a layout folder or a layout tar',
  usage: 'backup [flags] --output {DIR|OUT.tar} REGISTRY/REPO[:tag[,tag]...]',
  examples: [
    '# every tag of the repository (not the sha256-<hex> referrer tags), with signatures, SBOMs and the rest',
    'manifold backup --output backup localhost:5000/app --include-referrers --plain-http',
    'manifold backup --output app.tar localhost:5000/app:v1,v2 --include-referrers --plain-http',
    '# into a layout folder that has an earlier backup: only what is new is fetched; a tag that moved is said on stderr',
    'manifold backup -o backup localhost:5000/app --include-referrers --plain-http --format json',
    '# the images and their signatures, not the SBOMs: what is left is said (--dry-run says it first)',
    'manifold backup -o signed localhost:5000/app --include-referrers --only signature --plain-http --dry-run',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    output: { type: 'string', short: 'o', description: 'the layout folder to write (made if missing; one there keeps its other tags), or a new layout tar when it ends in .tar', valueName: 'PATH' },
    'include-referrers': { type: 'boolean', description: "also back up the referrers (signatures, SBOMs, ...) of each tag and of what it holds, recursively, and cosign's .sig, .att, .sbom tags of them" },
    ...onlyOptions('with --include-referrers: '),
    'dry-run': { type: 'boolean', description: 'say what would be pulled (manifests, blobs, bytes, what the folder has already, referrers carried and left, tags that would move) and write nothing' },
    concurrency: { type: 'string', description: 'tags copied at a time, and transfers within each (default 3)', valueName: 'N' },
    ...FORMAT_OPTION,
    ...REGISTRY_OPTIONS,
    ...NO_TTY_OPTION,
  },
  async run(p, printer) {
    const output = stringOpt(p, 'output');
    if (!output) throw new UsageError('--output is required: the layout folder or the .tar to write');
    const format = formatOpt(p);
    const started = Date.now();
    const { repo, named } = await openRepository(p, p.positionals[0]!);
    const referrers = boolOpt(p, 'include-referrers');
    const { only } = await onlyOption(p, referrers, '--only picks among the referrers --include-referrers backs up; add --include-referrers');
    const toTar = /\.tar$/i.test(output) && !statSync(output, { throwIfNoEntry: false })?.isDirectory();
    // oras's lines per blob on stdout, as cp prints them: not in JSON, which is the whole of stdout.
    const progress = format === 'json' ? quiet : copyProgressPrinter(printer);
    await abortOnSigint(async (signal) => {
      const tags = await tagsIn(repo.target, named, repo.path, signal);
      if (tags.length === 0) throw new OciError('NOT_FOUND', `${repo.path}: no tags to back up (the sha256-<hex> tags of referrers are not backed up as tags)`);
      if (format === 'text') printer.out(tagsLine(repo.path, tags) + cosignTagsLine(tags, only));
      if (boolOpt(p, 'dry-run')) {
        const dst = toTar ? NOTHING_THERE : await layoutThere(output);
        return dryRun(printer, format, repo.target, tags, dst, { verb: 'pull', destination: output, referrers, only, signal });
      }
      // A tar: a fresh layout staged beside it, written as a deterministic tar once everything is there and verified.
      const tar = toTar ? await beginLayoutTarExport(output) : undefined;
      try {
        const dst = tar?.store ?? (await OciLayoutStore.open(output, { create: true }));
        // From a registry every manifest would be read twice; each copy still checks what it stores.
        const result = await copyTags(repo.target, tags, dst, {
          signal,
          concurrency: concurrencyOpt(p, 3),
          referrers,
          ...(only ? { only } : {}),
          checkFirst: false,
          onProgress: progress.onProgress,
        });
        progress.finish();
        const written = await tar?.finish({ signal });
        if (format === 'json') {
          printer.out(formatJson({ repository: repo.path, output, ...resultJson(result), tar: written ? { size: written.size, digest: written.digest } : null }));
        } else {
          for (const t of result.tags) printer.out(`Pulled tag ${shownName(t.tag)} with ${t.referrers} referrer(s)\n`);
          printer.out(referrersLeftText(result.referrersLeft));
          if (written) printer.out(`Exported to ${output} (${byteSize(written.size)}, ${written.digest})\n`);
          printer.out(`Successfully backed up ${result.tags.length} tag(s) from ${repo.path} to ${output} in ${seconds(started)}\n`);
        }
        sayMoves(printer, result);
      } finally {
        progress.finish();
        await tar?.abort();
      }
    });
  },
};

export const restore: Command = {
  path: 'restore',
  summary: 'Restore tags of a layout folder or layout tar, with their referrers, to a registry repository',
  usage: 'restore [flags] --input {DIR|IN.tar} REGISTRY/REPO[:tag[,tag]...]',
  examples: [
    '# every tag of the layout, with its referrers',
    'manifold restore --input layout localhost:5000/app --plain-http',
    'manifold restore --input transfer.tar localhost:5000/app:v1,v2 --exclude-referrers --plain-http',
    '# what would be pushed and what the registry has already, changing nothing',
    'manifold restore --input transfer.tar localhost:5000/app --dry-run --plain-http',
    '# with only the signatures and SBOMs among the referrers',
    'manifold restore --input layout localhost:5000/app --only signature,sbom --plain-http',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    input: { type: 'string', description: 'the layout folder or layout tar to restore from', valueName: 'PATH' },
    'exclude-referrers': { type: 'boolean', description: 'restore the tags without their referrers' },
    ...onlyOptions(),
    'dry-run': { type: 'boolean', description: 'say what would be pushed (manifests, blobs, bytes, what is there already, tags that would move) and push nothing' },
    concurrency: { type: 'string', description: 'tags copied at a time, and transfers within each (default 5)', valueName: 'N' },
    ...FORMAT_OPTION,
    ...REGISTRY_OPTIONS,
    ...NO_TTY_OPTION,
  },
  async run(p, printer) {
    const input = stringOpt(p, 'input');
    if (!input) throw new UsageError('--input is required: the layout folder or layout tar to restore from');
    const format = formatOpt(p);
    const started = Date.now();
    const kind = statSync(input, { throwIfNoEntry: false });
    if (!kind) throw new OciError('NOT_FOUND', `${input}: no such layout folder or layout tar`);
    const src = kind.isFile() ? await OciLayoutStore.openTar(input) : await OciLayoutStore.open(input);
    const { repo, named } = await openRepository(p, p.positionals[0]!);
    const referrers = !boolOpt(p, 'exclude-referrers');
    const { only } = await onlyOption(p, referrers, '--only picks among the referrers restore carries; --exclude-referrers carries none: drop one of them');
    await abortOnSigint(async (signal) => {
      if (kind.isFile() && format === 'text') printer.out(`Loaded backup archive: ${input} (${byteSize(kind.size)})\n`);
      const tags = await tagsIn(src, named, input, signal);
      if (tags.length === 0) throw new OciError('NOT_FOUND', `${input}: no tags to restore (an untagged manifest is restored only as a referrer of a tag)`);
      if (format === 'text') printer.out(tagsLine('the backup', tags) + cosignTagsLine(tags, only));
      if (boolOpt(p, 'dry-run')) return dryRun(printer, format, src, tags, repo.target, { verb: 'push', destination: repo.path, referrers, only, signal });
      const progress = format === 'json' ? quiet : copyProgressPrinter(printer);
      try {
        const result = await copyTags(src, tags, repo.target, { signal, concurrency: concurrencyOpt(p, 5), referrers, ...(only ? { only } : {}), onProgress: progress.onProgress });
        progress.finish();
        if (format === 'json') printer.out(formatJson({ input, repository: repo.path, ...resultJson(result) }));
        else {
          for (const t of result.tags) printer.out(`Pushed tag ${shownName(t.tag)} and ${t.referrers} referrer(s)\n`);
          printer.out(referrersLeftText(result.referrersLeft));
          printer.out(`Successfully restored ${result.tags.length} tag(s) to ${repo.path} in ${seconds(started)}\n`);
        }
        sayMoves(printer, result);
      } finally {
        progress.finish();
      }
    });
  },
};

/** A backup's destination that is not a layout yet (a new folder, a tar written afresh): nothing is there. */
const NOTHING_THERE: PlanDestination = {
  exists: async () => false,
  resolve: async (reference) => {
    throw new OciError('NOT_FOUND', `${reference}: not found`);
  },
  fetchBytes: async (desc) => {
    throw new OciError('NOT_FOUND', `${desc.digest}: not found`);
  },
};

/** The layout folder a backup would write into, opened to read only; none there yet (or an empty folder): nothing there. */
async function layoutThere(dir: string): Promise<PlanDestination> {
  const has = (name: string) => statSync(`${dir}/${name}`, { throwIfNoEntry: false }) !== undefined;
  return has('index.json') || has('oci-layout') ? OciLayoutStore.open(dir) : NOTHING_THERE;
}

interface DryRunOptions {
  verb: 'push' | 'pull';
  destination: string;
  referrers: boolean;
  only?: ReferrerFilter;
  signal: AbortSignal;
}

/**
 * backup and restore --dry-run: each tag's copy plan, summed; nothing is written. cosign's tags, with --only, are
 * judged as the referrers they are, as the copy does (copyTags): what is left is said once, after the tags.
 */
async function dryRun(printer: Printer, format: string, src: ReadOnlyTarget, given: TagToCopy[], dst: PlanDestination, o: DryRunOptions): Promise<void> {
  const tags = o.only ? given.filter((t) => !parseCosignTag(t.tag)) : given;
  // A plan reads eight things at a time on each side, each read with its listeners on the signal (as copyTags allows).
  const signal = sharedSignal(o.signal, 16);
  const plans = [];
  const left = new Map<string, CopyPlan['referrersLeft'][number]>();
  const cosignCarried = new Set<string>();
  for (const { tag, desc } of tags) {
    const plan = await planCopy(src, desc.digest, dst, [tag], { signal, referrers: o.referrers, ...(o.only ? { only: o.only } : {}) });
    for (const l of plan.referrersLeft) left.set(`${l.desc.digest} ${l.tag ?? ''}`, l);
    for (const t of plan.cosignTags) cosignCarried.add(t.tag);
    plans.push({ tag, digest: desc.digest, referrers: plan.referrers.length, toPush: plan.copy.length, there: plan.existing.length, bytesToPush: plan.bytesToCopy, current: plan.tags[0]?.current ?? null });
  }
  for (const t of given) if (parseCosignTag(t.tag) && o.only && !cosignCarried.has(t.tag) && !left.has(`${t.desc.digest} ${t.tag}`)) left.set(`${t.desc.digest} ${t.tag}`, { desc: t.desc, tag: t.tag });
  if (format === 'json') {
    const key = o.verb === 'push' ? 'repository' : 'output';
    printer.out(formatJson({ [key]: o.destination, dryRun: true, tags: plans, referrersLeft: referrersLeftJson([...left.values()]) }));
    return;
  }
  for (const t of plans) {
    const moves = t.current && t.current !== t.digest ? `; the tag there names ${t.current} now and would move` : '';
    const what = t.toPush === 0 ? `nothing to ${o.verb}` : `${t.toPush} blob(s) and manifest(s) to ${o.verb}, ${byteSize(t.bytesToPush)}`;
    printer.out(o.verb === 'push' ? `Would push tag ${shownName(t.tag)} and ${t.referrers} referrer(s): ${what}; ${t.there} there already${moves}\n` : `Would pull tag ${shownName(t.tag)} with ${t.referrers} referrer(s): ${what}; ${t.there} there already${moves}\n`);
  }
  printer.out(referrersLeftText([...left.values()]));
  printer.out(o.verb === 'push' ? `Dry run: nothing pushed to ${o.destination}\n` : `Dry run: nothing written to ${o.destination}\n`);
}
