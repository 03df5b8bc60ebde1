// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { type ImageSpecVersion, pushArtifact, type PushArtifactResult } from '../../oci/artifacts/push';
import type { Platform } from '../../oci/descriptor';
import { parsePlatform } from '../../oci/platform';
import { isDigest } from '../../oci/digest';
import { parseAnnotations } from '../../oci/imageIndex';
import { parseFileReference, readAnnotationFile } from '../../oci/referrers';
import { boolOpt, type Command, concurrencyOpt, LAYOUT_OPTION, listOpt, NO_TTY_OPTION, stringOpt, UsageError } from '../command';
import { FORMAT_TEMPLATE_OPTION, outputFormat, printStructured } from '../outputFormat';
import { abortOnSigint } from '../sigint';
import { openTarget, type OpenedTarget } from '../targets';
import { tagMoveReporter } from '../tagMoves';

export const push: Command = {
  path: 'push',
  summary: 'Push files (folders as tar+gzip) as an artifact to a registry or an OCI image layout',
  usage: 'push [flags] {REGISTRY/REPO|--oci-layout DIR}[:tag[,tag]...] [FILE[:TYPE]]...',
  examples: [
    'manifold push --oci-layout layout:v1 hi.txt',
    'manifold push --plain-http localhost:5000/hello:v1 --artifact-type application/vnd.demo hi.txt:text/plain docs/',
    'manifold push --oci-layout layout:v1 --config config.json:application/vnd.me.config hi.txt',
    'manifold push --oci-layout layout:v1,latest --annotation-file annotations.json --export-manifest manifest.json hi.txt',
    'manifold push --oci-layout layout:v1 --image-spec v1.0 --artifact-type application/vnd.demo hi.txt',
    'manifold push --oci-layout layout:arm --artifact-platform linux/arm/v5 hi.txt',
  ],
  minArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    'artifact-type': { type: 'string', description: `artifact type (${'application/vnd.unknown.artifact.v1'} when neither it nor --config is given)`, valueName: 'TYPE' },
    annotation: { type: 'string', short: 'a', multiple: true, description: 'manifest annotation', valueName: 'KEY=VALUE' },
    'annotation-file': { type: 'string', description: 'oras annotation file: {"$manifest": {...}, "$config": {...}, "FILE": {...}}', valueName: 'FILE' },
    config: { type: 'string', description: 'config file, with its media type (without --artifact-type the manifest is image-spec 1.0, as oras makes it)', valueName: 'FILE[:TYPE]' },
    'image-spec': {
      type: 'string',
      description: 'v1.1 (an artifactType field) or v1.0 (none: the artifact type is the config\'s media type); default v1.1, or v1.0 when --config is given without --artifact-type, as oras',
      valueName: 'VERSION',
    },
    'artifact-platform': {
      type: 'string',
      description: 'the platform the artifact is for, written as its config (an image config holding only the platform), as oras 1.3; not with --config',
      valueName: 'os[/arch][/variant][:os.version]',
    },
    'export-manifest': { type: 'string', description: 'also write the manifest pushed to this file', valueName: 'FILE' },
    'disable-path-validation': { type: 'boolean', description: 'allow absolute file paths and .. (they become the file titles)' },
    concurrency: { type: 'string', description: 'files read and sent at a time (default 3)', valueName: 'N' },
    // oras's --force makes its copy check below a manifest the destination says it has; ours never trusts that.
    force: {
      type: 'boolean',
      description: 'check every blob at the destination, even under a manifest it already has, and send what is missing: what push always does here (as oras --force); taken for oras scripts',
    },
    ...FORMAT_TEMPLATE_OPTION,
    ...NO_TTY_OPTION,
  },
  async run(p, printer) {
    const out = outputFormat(p, ['text', 'json', 'go-template']);
    const concurrency = concurrencyOpt(p, 3);
    const annotationArgs = listOpt(p, 'annotation');
    const annotationFilePath = stringOpt(p, 'annotation-file');
    if (annotationFilePath !== undefined && annotationArgs.length > 0) throw new UsageError('--annotation and --annotation-file cannot be both specified');
    const [raw, ...fileArgs] = p.positionals as [string, ...string[]];
    const files = fileArgs.map(parseFileReference);
    const configArg = stringOpt(p, 'config');
    const config = configArg !== undefined ? parseFileReference(configArg) : undefined;
    // Empty (an unset variable in a script) is no type given, as oras reads it: the default applies.
    const artifactType = stringOpt(p, 'artifact-type') || undefined;
    const platformArg = stringOpt(p, 'artifact-platform');
    const platform = platformArg !== undefined ? artifactPlatform(platformArg) : undefined;
    const imageSpec = imageSpecFlag(stringOpt(p, 'image-spec'), { config: config !== undefined, artifactType: artifactType !== undefined, platform: platform !== undefined });

    let annotations: Record<string, string> = parseAnnotations(annotationArgs);
    let configAnnotations: Record<string, string> | undefined;
    if (annotationFilePath !== undefined) {
      const fromFile = await readAnnotationFile(annotationFilePath);
      annotations = fromFile.manifest;
      configAnnotations = fromFile.config;
      for (const f of files) if (fromFile.files[f.path]) f.annotations = fromFile.files[f.path];
    }

    const t = await openTarget(p, raw, { create: true, allowTagList: true });
    if (t.reference !== undefined && isDigest(t.reference)) throw new UsageError(`${raw}: push takes a tag, not a digest`);
    const tags = t.reference !== undefined ? [t.reference, ...t.extraTags] : [];
    const reportMoves = await tagMoveReporter(t, tags, printer);
    // Ctrl-C stops the push through its own error paths: a folder's packed copy (TMPDIR) and a layout's temp files
    // are removed, upload sessions cancelled, rather than left behind by a process ended at once.
    const result = await abortOnSigint((signal) => pushArtifact(t.target, {
      tags,
      files,
      artifactType,
      config: config ? { path: config.path, mediaType: config.mediaType } : undefined,
      imageSpec,
      platform,
      annotations,
      configAnnotations,
      disablePathValidation: boolOpt(p, 'disable-path-validation'),
      concurrency,
      signal,
    }));
    const exportPath = stringOpt(p, 'export-manifest');
    if (exportPath !== undefined) await fsp.writeFile(exportPath, result.raw);
    if (out.format !== 'text') {
      printStructured(printer, out, pushJson(t, result));
      await reportMoves();
      return;
    }
    for (const tag of t.extraTags) printer.out(`Tagged ${tag}\n`);
    printer.out(`Pushed [${t.kind}] ${t.display()}\nArtifactType: ${result.desc.artifactType}\nDigest: ${result.desc.digest}\n`);
    await reportMoves();
  },
};

/**
 * `--image-spec`, checked against the other flags as oras checks it, before any file is read; undefined when not
 * given (the core's default: v1.0 with a config and no artifact type, else v1.1).
 */
function imageSpecFlag(given: string | undefined, has: { config: boolean; artifactType: boolean; platform: boolean }): ImageSpecVersion | undefined {
  if (given !== undefined && given !== 'v1.1' && given !== 'v1.0') throw new UsageError(`unknown --image-spec ${JSON.stringify(given)}: use v1.1 or v1.0`);
  if (has.config && has.platform) throw new UsageError('--config and --artifact-platform cannot both be given: the platform is written as the config');
  if (given === 'v1.1' && has.config && !has.artifactType) throw new UsageError('--image-spec v1.1 with --config needs --artifact-type (or use --image-spec v1.0)');
  const spec = given ?? (has.config && !has.artifactType ? 'v1.0' : 'v1.1');
  if (spec === 'v1.0' && has.config && has.artifactType) throw new UsageError('--artifact-type and --config cannot both be given for --image-spec v1.0 (the config\'s media type is the artifact type)');
  if (spec === 'v1.0' && has.platform && has.artifactType) throw new UsageError('--artifact-type cannot be given with --artifact-platform for --image-spec v1.0 (its config is the platform); use --image-spec v1.1, or no --artifact-type');
  return given as ImageSpecVersion | undefined;
}

/** Go's name for this machine's architecture, which oras puts in a platform given as `os` alone. */
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };

/** `--artifact-platform os[/arch][/variant][:os.version]`; `os` alone takes this machine's architecture, as oras does. */
function artifactPlatform(text: string): Platform {
  const spec = text.split(':')[0]!;
  const withArch = spec !== '' && !spec.includes('/') ? `${spec}/${GOARCH[process.arch] ?? process.arch}${text.slice(spec.length)}` : text;
  try {
    return parsePlatform(withArch);
  } catch {
    throw new UsageError(`--artifact-platform ${JSON.stringify(text)}: expected os[/arch][/variant][:os.version]`);
  }
}

/** oras's `push --format json`: the manifest's descriptor, where it is, and the tags that name it. */
export function pushJson(t: OpenedTarget, result: PushArtifactResult): unknown {
  return {
    reference: `${t.path}@${result.desc.digest}`,
    mediaType: result.desc.mediaType,
    digest: result.desc.digest,
    size: result.desc.size,
    annotations: result.desc.annotations,
    artifactType: result.desc.artifactType,
    referenceAsTags: result.tags.map((tag) => t.display(tag)),
  };
}
