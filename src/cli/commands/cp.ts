import { copy, planCopy } from '../../oci/copy';
import { isDigest } from '../../oci/digest';
import { boolOpt, type Command, concurrencyOpt, formatOpt, FORMAT_OPTION, NO_TTY_OPTION, UsageError } from '../command';
import { copyPlanJson, copyPlanText, dryRunDestination, platformOptions, subsetNotice } from '../copyPlan';
import { copyProgressPrinter } from '../copyProgress';
import { onlyOption, onlyOptions } from '../onlyOption';
import { REGISTRY_OPTIONS, sideOptions, sideView } from '../registryOptions';
import { isTarDestination, openTarDestination } from '../tarDestination';
import { openTarget, requireReference } from '../targets';
import { movedLine, tagMoveReporter } from '../tagMoves';

export const cp: Command = {
  path: 'cp',
  aliases: ['copy'],
  summary: 'Copy an image or artifact, with its referrers (-r), between registries and layouts',
  usage: 'cp [flags] {REGISTRY/REPO|--from-oci-layout DIR}{:tag|@digest} {REGISTRY/REPO|--to-oci-layout DIR}[:tag[,tag]...]',
  examples: [
    'manifold cp --from-oci-layout layout:v1 localhost:5000/app:v1 -r --plain-http',
    'manifold cp localhost:5000/app:v1 --to-oci-layout backup:v1 -r --plain-http',
    'manifold cp ghcr.io/org/app:v1 localhost:5000/app:v1,latest --platform linux/arm64',
    'manifold cp --from-oci-layout --to-oci-layout layout:v1 other:v1',
    'manifold cp --from-oci-layout --to-oci-layout layout:v1 out.tar:v1 -r',
    '# with only the signatures and SBOMs among the referrers (and the signatures of those SBOMs)',
    'manifold cp --from-oci-layout --to-oci-layout layout:v1 signed:v1 -r --only signature,sbom',
    '# a new index with only the linux platforms (its digest is printed), or each platform alone as v1-linux-amd64, ...',
    'manifold cp --plain-http localhost:5000/app:v1 localhost:5000/mirror:v1 --platform \'linux/*\'',
    'manifold cp --plain-http localhost:5000/app:v1 localhost:5000/mirror:v1 --platform linux/amd64,linux/arm64 --split-platforms',
    '# what a copy would do, without doing it',
    'manifold cp --from-oci-layout layout:v1 localhost:5000/app:v1 -r --plain-http --dry-run --format json',
  ],
  minArgs: 2,
  maxArgs: 2,
  options: {
    recursive: { type: 'boolean', short: 'r', description: "also copy the referrers, recursively (those of each child of an index too), and what cosign's sha256-<hex>.sig, .att, .sbom tags name, tagged alike" },
    ...onlyOptions('with -r: '),
    platform: {
      type: 'string',
      multiple: true,
      description: 'from an index, copy only these platforms: os/arch[/variant][:os.version], comma lists too, * for any part (linux/*, */arm64, linux/arm/*); one picked is copied as itself, several under a new index of just those',
      valueName: 'PLATFORM',
    },
    'split-platforms': { type: 'boolean', description: 'copy each platform picked from an index alone (one picked too), tagged TAG-os-arch[-variant], and no index' },
    'dry-run': { type: 'boolean', description: 'print what would be copied (manifests, blobs, referrers, what is there already, bytes) and change nothing' },
    ...FORMAT_OPTION,
    'from-oci-layout': { type: 'boolean', description: 'SRC is an OCI image layout folder or tar: DIR[:tag|@digest]' },
    'to-oci-layout': { type: 'boolean', description: 'DST is an OCI image layout folder, or a new layout tar when it ends in .tar: DIR[:tag[,tag]...]' },
    concurrency: { type: 'string', description: 'transfers at a time (default 3)', valueName: 'N' },
    ...REGISTRY_OPTIONS,
    ...sideOptions('from'),
    ...sideOptions('to'),
    ...NO_TTY_OPTION,
  },
  async run(p, printer) {
    const [rawSrc, rawDst] = p.positionals as [string, string];
    const concurrency = concurrencyOpt(p, 3);
    const format = formatOpt(p);
    const platforms = platformOptions(p);
    const referrers = { referrers: boolOpt(p, 'recursive'), ...(await onlyOption(p, boolOpt(p, 'recursive'), '--only picks among the referrers -r copies; add -r')) };
    // Each side with its own registry flags over the shared ones (`--from-plain-http` for a local registry, say).
    const from = sideView(p, 'from');
    const to = sideView(p, 'to');
    const src = await openTarget(from, rawSrc, { layout: boolOpt(p, 'from-oci-layout') });
    const srcReference = requireReference(src, rawSrc);
    if (boolOpt(p, 'dry-run')) {
      const dst = await dryRunDestination(to, rawDst);
      const tags = dst.reference ? [dst.reference, ...dst.extraTags] : isDigest(srcReference) ? [] : [srcReference];
      const plan = await planCopy(src.target, srcReference, dst.target, tags.length === 1 && isDigest(tags[0]!) ? [] : tags, { ...referrers, ...platforms });
      if (plan.subset) printer.err(subsetNotice(plan.subset, true));
      printer.out((format === 'json' ? copyPlanJson : copyPlanText)(plan, src.display(), dst.display(), dst.restoresLayoutFile));
      return;
    }
    if (format === 'json') throw new UsageError('--format json is for --dry-run; a copy prints text');
    // A .tar destination: a fresh layout of what is copied, written as a deterministic tar when the copy is done.
    const tarDst = boolOpt(p, 'to-oci-layout') && isTarDestination(rawDst) ? await openTarDestination(rawDst) : undefined;
    const dst = tarDst?.opened ?? (await openTarget(to, rawDst, { layout: boolOpt(p, 'to-oci-layout'), create: true, allowTagList: true }));
    // No tag at the destination: the source's tag, as oras does; a digest source is stored by digest only.
    let tags = dst.reference ? [dst.reference, ...dst.extraTags] : isDigest(srcReference) ? [] : [srcReference];
    if (tags.length === 1 && isDigest(tags[0]!)) tags = [];
    const progress = copyProgressPrinter(printer);
    const controller = new AbortController();
    const onSigint = () => controller.abort(new Error('cancelled'));
    process.once('SIGINT', onSigint);
    try {
      const reportMoves = await tagMoveReporter(dst, tags, printer);
      const result = await copy(src.target, srcReference, dst.target, tags, {
        ...referrers,
        ...platforms,
        concurrency,
        signal: controller.signal,
        onProgress: progress.onProgress,
      });
      progress.finish();
      if (result.subset) printer.err(subsetNotice(result.subset, false));
      const written = await tarDst?.export.finish({ signal: controller.signal, roots: result.split ? result.split.map((s) => s.desc) : [result.root] });
      const shown = tags[0] ?? result.root.digest;
      for (const part of result.split ?? []) printer.out(`Copied [${src.kind}] ${src.display(part.desc.digest)} => [${dst.kind}] ${dst.display(part.tags[0] ?? part.desc.digest)}\nDigest: ${part.desc.digest}\n`);
      if (!result.split) {
        printer.out(`Copied [${src.kind}] ${src.display()} => [${dst.kind}] ${dst.display(shown)}\n`);
        printer.out(`Digest: ${result.root.digest}\n`);
      }
      if (written) printer.out(`Wrote ${dst.path} (${written.size} bytes, ${written.digest})\n`);
      await reportMoves();
      // A cosign tag -r moved (the source's manifest holds every signature the destination's did), said as a tag's move.
      if (dst.kind === 'oci-layout') {
        for (const t of result.cosignTags) if (t.current && t.current !== t.digest) printer.err(movedLine(t.tag, t.current, t.digest));
      }
    } finally {
      await tarDst?.export.abort();
      progress.finish();
      process.removeListener('SIGINT', onSigint);
    }
  },
};
