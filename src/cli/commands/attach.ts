// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { posix, win32 } from 'node:path';
import { parseAnnotations } from '../../oci/imageIndex';
import { hasWildcard, type PlatformPattern, parsePlatformPatterns } from '../../oci/platformPattern';
import { expandPlatformPatterns } from '../../oci/platformSelection';
import type { Platform } from '../../oci/descriptor';
import {
  attach as attachArtifacts,
  parseFileReference,
  readAnnotationFile,
  type AnnotationFile,
  type AttachedArtifact,
  type AttachFile,
  DOCKER_REFERENCE_TYPE,
  type SkippedSubject,
} from '../../oci/referrers';
import { boolOpt, type Command, concurrencyOpt, LAYOUT_OPTION, listOpt, NO_TTY_OPTION, stringOpt, UsageError } from '../command';
import { FORMAT_TEMPLATE_OPTION, outputFormat, printStructured } from '../outputFormat';
import { openTarget, requireReference } from '../targets';

export const attach: Command = {
  path: 'attach',
  summary: 'Attach files and annotations to a manifest, to platforms of an index, or to an index and all it holds',
  usage: 'attach [flags] --artifact-type TYPE {REGISTRY/REPO|--oci-layout DIR}{:tag|@digest} [FILE[:TYPE]]... [--platform P[=FILE[:TYPE]]]...',
  examples: [
    '# an end-of-life date on a multi-arch image and on each of its platform images, in one step',
    'manifold attach --oci-layout layout:v1 --artifact-type application/vnd.demo.lifecycle --recursive \\',
    '    --annotation vnd.demo.artifact.lifecycle.end-of-life.date=2027-01-01',
    '# a signature for the index and one for each platform: FILEs go to the index, P=FILE to that platform',
    'manifold attach --oci-layout layout:v1 --artifact-type application/vnd.demo.signature a1.sig \\',
    '    --platform linux/amd64=b1.sig --platform linux/arm64=c1.sig',
    '# as oras: a bare --platform sends the FILEs to that platform instead of the index',
    'manifold attach --oci-layout layout:v1 --artifact-type application/spdx+json --platform linux/amd64 sbom.json',
    '# a file with its own layer media type, annotations from oras\'s annotation file ($manifest, $config, per file)',
    'manifold attach --oci-layout layout:v1 --artifact-type doc/example --annotation-file annotations.json hi.txt:text/plain',
  ],
  minArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    'artifact-type': { type: 'string', description: 'artifact type of the artifacts made (required)', valueName: 'TYPE' },
    annotation: { type: 'string', short: 'a', multiple: true, description: 'manifest annotation of every artifact made', valueName: 'KEY=VALUE' },
    'annotation-file': { type: 'string', description: 'oras annotation file: {"$manifest": {...}, "$config": {...}, "FILE": {...}}', valueName: 'FILE' },
    platform: {
      type: 'string',
      multiple: true,
      description:
        'P: attach the FILEs to the index\'s P manifest instead; P=FILE[:TYPE]: attach FILE to P\'s manifest (the FILEs still go to the index); P may be a comma list and use * for any part (linux/*, */arm64)',
      valueName: 'P[=FILE]',
    },
    recursive: {
      type: 'boolean',
      short: 'r',
      description: 'attach to the index and to every manifest below it (nested indexes too), skipping buildx attestation manifests',
    },
    'disable-path-validation': { type: 'boolean', description: 'allow absolute file paths (they become the file titles)' },
    'export-manifest': { type: 'string', description: 'also write the artifact manifest made to this file (one artifact: not with --recursive or several platforms)', valueName: 'FILE' },
    concurrency: { type: 'string', description: 'files read and sent at a time (default 3)', valueName: 'N' },
    ...FORMAT_TEMPLATE_OPTION,
    ...NO_TTY_OPTION,
  },
  async run(p, printer) {
    const out = outputFormat(p, ['text', 'json', 'go-template']);
    const format = out.format;
    const concurrency = concurrencyOpt(p, 3);
    const artifactType = stringOpt(p, 'artifact-type');
    if (artifactType === undefined) throw new UsageError('required flag "artifact-type" not set');
    const annotationArgs = listOpt(p, 'annotation');
    const annotationFilePath = stringOpt(p, 'annotation-file');
    if (annotationFilePath !== undefined && annotationArgs.length > 0) throw new UsageError('--annotation and --annotation-file cannot be both specified');

    const [raw, ...fileArgs] = p.positionals as [string, ...string[]];
    // Values may be lists and wildcards (linux/*=sbom.json); wildcards become platforms once the subject is read.
    const bare: PlatformPattern[] = [];
    const perPattern: { patterns: PlatformPattern[]; file: AttachFile }[] = [];
    for (const value of listOpt(p, 'platform')) {
      const eq = value.indexOf('=');
      if (eq === -1) bare.push(...parsePlatformPatterns([value]));
      else perPattern.push({ patterns: parsePlatformPatterns([value.slice(0, eq)]), file: parseFileReference(value.slice(eq + 1)) });
    }
    const exportPath = stringOpt(p, 'export-manifest');
    // Refused before anything is made: the file holds one manifest, and these make several (JSON lists each).
    if (exportPath !== undefined && (boolOpt(p, 'recursive') || perPattern.length > 0 || bare.length > 1 || hasWildcard(bare))) {
      throw new UsageError('--export-manifest writes the one artifact manifest attach makes: not with --recursive or several platforms (--format json lists every artifact made)');
    }
    const files = fileArgs.map(parseFileReference);
    const allFiles = [...files, ...perPattern.map((e) => e.file)];
    if (!boolOpt(p, 'disable-path-validation')) {
      const absolute = allFiles.filter((f) => posix.isAbsolute(f.path) || win32.isAbsolute(f.path)).map((f) => f.path);
      if (absolute.length > 0) {
        throw new UsageError(`absolute file path detected: ${absolute.join(', ')}; if it is intended, use --disable-path-validation`);
      }
    }

    let annotations: Record<string, string> = parseAnnotations(annotationArgs);
    let configAnnotations: Record<string, string> | undefined;
    if (annotationFilePath !== undefined) {
      const fromFile: AnnotationFile = await readAnnotationFile(annotationFilePath);
      annotations = fromFile.manifest;
      configAnnotations = fromFile.config;
      for (const f of allFiles) if (fromFile.files[f.path]) f.annotations = fromFile.files[f.path];
    }

    const t = await openTarget(p, raw, { write: true });
    const subject = requireReference(t, raw);
    const wild = hasWildcard([...bare, ...perPattern.flatMap((e) => e.patterns)]);
    const root = wild ? await t.target.resolve(subject) : undefined;
    const expand = (patterns: PlatformPattern[]): Promise<Platform[]> => (root ? expandPlatformPatterns(t.target, root, patterns) : Promise.resolve(patterns.map((q) => q.exact!)));
    const platforms = await expand(bare);
    const perPlatformFiles: { platform: Platform; files: AttachFile[] }[] = [];
    for (const { patterns, file } of perPattern) {
      for (const platform of await expand(patterns)) {
        const key = JSON.stringify(platform);
        const entry = perPlatformFiles.find((e) => JSON.stringify(e.platform) === key);
        // A copy each: one file may go to several platforms, each attach made on its own.
        if (entry) entry.files.push({ ...file });
        else perPlatformFiles.push({ platform, files: [{ ...file }] });
      }
    }
    const result = await attachArtifacts(t.target, {
      subject,
      artifactType,
      files,
      annotations,
      configAnnotations,
      platforms,
      recursive: boolOpt(p, 'recursive'),
      perPlatformFiles,
      concurrency,
      onEvent: (e) => {
        if (e.type !== 'attached') return;
        // Printed as each artifact is stored, so a long run shows progress and an interrupted one what it did.
        if (format === 'text') printer.out(`Attached to [${t.kind}] ${t.display(e.artifact.subject.digest)}\nDigest: ${e.artifact.desc.digest}\n`);
      },
    });
    if (exportPath !== undefined) await fsp.writeFile(exportPath, result.artifacts[0]!.raw);
    // After the artifacts, one line per attestation entry --recursive left out: what it is, and what it describes.
    if (format === 'text') for (const s of result.skipped) printer.out(`Skipped [${t.kind}] ${t.display(s.subject.digest)} (${referenceType(s)} of ${s.describes})\n`);
    if (format === 'json') printStructured(printer, out, attachJson(t.path, result.artifacts, result.skipped));
    if (format === 'go-template') printStructured(printer, out, attachTemplateData(attachJson(t.path, result.artifacts, result.skipped)));
  },
};

const referenceType = (s: SkippedSubject): string => s.subject.annotations?.[DOCKER_REFERENCE_TYPE] ?? '';

/**
 * `--format json`: every artifact made, each with oras's attach fields and the subject it refers to; then every
 * buildx attestation entry --recursive skipped (empty without it), with its docker reference type and the digest it describes.
 */
export function attachJson(path: string, artifacts: AttachedArtifact[], skipped: SkippedSubject[] = []): unknown {
  return {
    artifacts: artifacts.map((a) => ({
      reference: `${path}@${a.desc.digest}`,
      mediaType: a.desc.mediaType,
      digest: a.desc.digest,
      size: a.desc.size,
      ...(a.desc.annotations && Object.keys(a.desc.annotations).length > 0 ? { annotations: a.desc.annotations } : {}),
      artifactType: a.desc.artifactType,
      subject: {
        reference: `${path}@${a.subject.digest}`,
        mediaType: a.subject.mediaType,
        digest: a.subject.digest,
        size: a.subject.size,
        ...(a.subject.platform ? { platform: a.subject.platform } : {}),
      },
    })),
    skipped: skipped.map((s) => ({
      reference: `${path}@${s.subject.digest}`,
      mediaType: s.subject.mediaType,
      digest: s.subject.digest,
      size: s.subject.size,
      ...(s.subject.platform ? { platform: s.subject.platform } : {}),
      referenceType: referenceType(s),
      describes: s.describes,
    })),
  };
}

/**
 * What a template gets: the JSON, and when one artifact was made (attach without --recursive) its fields at the
 * top too, where oras's own attach JSON has them, so oras's templates (`{{.digest}}`) print the same.
 */
function attachTemplateData(json: unknown): unknown {
  const { artifacts } = json as { artifacts: Record<string, unknown>[] };
  if (artifacts.length !== 1) return json;
  const { subject: _subject, ...own } = artifacts[0]!;
  return { ...own, ...(json as Record<string, unknown>) };
}
