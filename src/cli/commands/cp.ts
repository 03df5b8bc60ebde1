import { copy } from '../../oci/copy';
import { isDigest } from '../../oci/digest';
import { parsePlatform } from '../../oci/platform';
import { boolOpt, type Command, stringOpt, UsageError } from '../command';
import { copyProgressPrinter } from '../copyProgress';
import { REGISTRY_OPTIONS } from '../registryOptions';
import { isTarDestination, openTarDestination } from '../tarDestination';
import { openTarget, requireReference } from '../targets';
import { tagMoveReporter } from '../tagMoves';

export const cp: Command = {
  path: 'cp',
  aliases: ['copy'],
  summary: 'Copy an image or artifact, with its referrers (-r), between registries and layouts',
  usage: 'cp [flags] SRC DST',
  examples: [
    'manifold cp --from-oci-layout layout:v1 localhost:5000/app:v1 -r --plain-http',
    'manifold cp localhost:5000/app:v1 --to-oci-layout backup:v1 -r --plain-http',
    'manifold cp ghcr.io/org/app:v1 localhost:5000/app:v1,latest --platform linux/arm64',
    'manifold cp --from-oci-layout --to-oci-layout layout:v1 other:v1',
    'manifold cp --from-oci-layout --to-oci-layout layout:v1 out.tar:v1 -r',
  ],
  minArgs: 2,
  maxArgs: 2,
  options: {
    recursive: { type: 'boolean', short: 'r', description: 'also copy the referrers, recursively (those of each child of an index too)' },
    platform: { type: 'string', description: 'from an index, copy only this platform: os/arch[/variant][:os.version]', valueName: 'PLATFORM' },
    'from-oci-layout': { type: 'boolean', description: 'SRC is an OCI image layout folder or tar: DIR[:tag|@digest]' },
    'to-oci-layout': { type: 'boolean', description: 'DST is an OCI image layout folder, or a new layout tar when it ends in .tar: DIR[:tag[,tag]...]' },
    concurrency: { type: 'string', description: 'transfers at a time (default 3)', valueName: 'N' },
    ...REGISTRY_OPTIONS,
  },
  async run(p, printer) {
    const [rawSrc, rawDst] = p.positionals as [string, string];
    const concurrency = stringOpt(p, 'concurrency') === undefined ? 3 : Number(stringOpt(p, 'concurrency'));
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, got ${stringOpt(p, 'concurrency')}`);
    const platformText = stringOpt(p, 'platform');
    const platform = platformText ? parsePlatform(platformText) : undefined;
    const src = await openTarget(p, rawSrc, { layout: boolOpt(p, 'from-oci-layout') });
    const srcReference = requireReference(src, rawSrc);
    // A .tar destination: a fresh layout of what is copied, written as a deterministic tar when the copy is done.
    const tarDst = boolOpt(p, 'to-oci-layout') && isTarDestination(rawDst) ? await openTarDestination(rawDst) : undefined;
    const dst = tarDst?.opened ?? (await openTarget(p, rawDst, { layout: boolOpt(p, 'to-oci-layout'), create: true, allowTagList: true }));
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
        referrers: boolOpt(p, 'recursive'),
        platform,
        concurrency,
        signal: controller.signal,
        onProgress: progress.onProgress,
      });
      progress.finish();
      const written = await tarDst?.export.finish({ signal: controller.signal, roots: [result.root] });
      const shown = tags[0] ?? result.root.digest;
      printer.out(`Copied [${src.kind}] ${src.display()} => [${dst.kind}] ${dst.display(shown)}\n`);
      printer.out(`Digest: ${result.root.digest}\n`);
      if (written) printer.out(`Wrote ${dst.path} (${written.size} bytes, ${written.digest})\n`);
      await reportMoves();
    } finally {
      await tarDst?.export.abort();
      progress.finish();
      process.removeListener('SIGINT', onSigint);
    }
  },
};
