import { ANNOTATION_CREATED, ANNOTATION_TITLE, type Descriptor, type ImageManifest, type Platform } from '../descriptor';
import { OciError } from '../errors';
import { checkManifestSize } from '../manifestLimit';
import { EMPTY_JSON, isImageIndex, isValidMediaType } from '../mediaType';
import { inOrder } from '../inOrder';
import { inIndexBatch, type OpOptions, type Target } from '../target';
import { artifactPacker, createdTimestamp, emptyDescriptor } from './pack';
import { makeStager, publisher, type PublishEvent, type Staged } from '../artifacts/stager';
import { checkFile, checkReadable, fileLayer, type AttachFile } from './attachFiles';
import { asDeclaredKindOf } from '../graph/declaredKind';
import { DigestReads } from '../digestReads';
import { selectSubjectPlatform, subjectTree } from './subjects';

export interface AttachOptions extends OpOptions {
  /** The subject: a tag or a digest in `target`. */
  subject: string;
  artifactType: string;
  /**
   * Files for the subject itself; with `platforms`, for those children instead; with `recursive`, for the
   * subject and every manifest below it.
   */
  files?: AttachFile[];
  /** Annotations of every artifact made. */
  annotations?: Record<string, string>;
  /** Annotations of the (empty) config descriptor: `$config` in oras's annotation file. */
  configAnnotations?: Record<string, string>;
  /** Attach `files` to these children of the index rather than to the index. */
  platforms?: Platform[];
  /**
   * Attach `files` to the subject and to every manifest below it, nested indexes too; buildx attestation entries
   * (and what is below them) are skipped and listed in `skipped`.
   */
  recursive?: boolean;
  /** Files for one platform's child only, in the same artifact as what else that child gets. */
  perPlatformFiles?: { platform: Platform; files: AttachFile[] }[];
  onEvent?: (event: AttachEvent) => void;
  /** Files read, and blobs stored, at a time (ATTACH_CONCURRENCY unless given). */
  concurrency?: number;
  /** The clock behind `org.opencontainers.image.created`. */
  now?: () => Date;
}

/** One artifact made: its manifest, and the subject it refers to. */
export interface AttachedArtifact {
  /** The manifest's descriptor, with its artifact type and annotations (as the referrers API lists it). */
  desc: Descriptor;
  raw: Buffer;
  manifest: ImageManifest;
  /** The subject as its index lists it (platform included) or as it resolved. */
  subject: Descriptor;
  /** 1-based positions of the subject below the resolved reference; [] for the reference itself. */
  position: number[];
}

export type AttachEvent =
  | { type: 'resolved'; ref: string; desc: Descriptor }
  | PublishEvent
  | { type: 'attached'; artifact: AttachedArtifact };

/** An index entry `recursive` left out: buildx's attestation manifest (a docker reference) of a sibling. */
export interface SkippedSubject {
  /** The entry as its index lists it (platform unknown/unknown, the docker reference annotations). */
  subject: Descriptor;
  /** 1-based positions of the entry below the resolved reference. */
  position: number[];
  /** The digest of the image it describes (`vnd.docker.reference.digest`). */
  describes: string;
}

export interface AttachResult {
  /** The resolved reference. */
  root: Descriptor;
  artifacts: AttachedArtifact[];
  /**
   * With `recursive`, the buildx attestation entries not attached to, in tree order: they are metadata of the image
   * they name, and an SBOM or signature of them would only show up as noise in coverage and discover. Empty otherwise.
   */
  skipped: SkippedSubject[];
}

export { createdTimestamp, emptyDescriptor };

/** Files read, and blobs stored, at a time unless told (oras attach's default). */
export const ATTACH_CONCURRENCY = 3;
const MANIFEST_CONCURRENCY = 64;

interface Plan {
  subject: Descriptor;
  position: number[];
  files: AttachFile[];
}

/**
 * Attaches OCI 1.1 artifacts (an image manifest with `artifactType`, the empty config, the files as layers and
 * `subject`) to a manifest, to some of its platforms, or to it and everything below it, in one step. Everything
 * that can be refused is checked first (media types, files, the subject, each platform, the manifests' size), so a refusal writes
 * nothing; then blobs are pushed, each once, then the manifests.
 */
export async function attach(target: Target, options: AttachOptions): Promise<AttachResult> {
  const emit = options.onEvent ?? (() => {});
  const op: OpOptions = { signal: options.signal };
  if (!options.artifactType) throw new OciError('INVALID_ARGUMENT', 'an artifact type is required (--artifact-type)');
  if (!isValidMediaType(options.artifactType)) throw new OciError('INVALID_ARGUMENT', `${options.artifactType}: invalid media type`);
  const common = options.files ?? [];
  const perPlatform = options.perPlatformFiles ?? [];
  const bare = options.platforms ?? [];
  const annotations = { ...(options.annotations ?? {}) };
  if (common.length === 0 && perPlatform.every((p) => p.files.length === 0) && Object.keys(annotations).length === 0) {
    throw new OciError('INVALID_ARGUMENT', 'neither file nor annotation provided: give files to attach or --annotation');
  }
  for (const f of [...common, ...perPlatform.flatMap((p) => p.files)]) checkFile(f);

  // Where each file goes; nothing is written yet.
  let root = await target.resolve(options.subject, op);
  const walks = options.recursive || bare.length > 0 || perPlatform.length > 0;
  // An index listed under an image type (a hand-edited index.json) is walked as the index its document declares.
  let rootBytes: Buffer | undefined;
  if (walks && !isImageIndex(root.mediaType)) root = asDeclaredKindOf(root, (rootBytes = await target.fetchBytes(root, op)));
  const needsTree = isImageIndex(root.mediaType) && walks;
  // Every artifact names its subject by digest, size and media type: a subject nothing below reads (a tree, a
  // platform) is read back as resolved, so one stored damaged (bytes not matching its digest) is refused naming
  // the blob rather than referred to, and it is named by its own mediaType (a layout's index.json entry may
  // claim another). A layout just read it to resolve it: no second read.
  if (!needsTree && bare.length === 0 && perPlatform.length === 0) root = withOwnMediaType(root, rootBytes ?? (await target.fetchBytes(root, op)));
  emit({ type: 'resolved', ref: options.subject, desc: root });
  const plans = new Map<string, Plan>();
  const planFor = (subject: Descriptor, position: number[]): Plan => {
    let plan = plans.get(subject.digest);
    if (!plan) plans.set(subject.digest, (plan = { subject, position, files: [] }));
    return plan;
  };
  const addFiles = (plan: Plan, files: AttachFile[]) => {
    for (const f of files) if (!plan.files.includes(f)) plan.files.push(f);
  };
  // The tree and each platform named are read through one DigestReads: the index is read once, not once more per
  // platform (a registry: one GET, not 1 + N).
  const reading = new DigestReads().over(target);
  const tree = needsTree ? await subjectTree(reading, root, op) : [{ desc: root, position: [] as number[] }];
  const positionOf = new Map(tree.map((e) => [e.desc.digest, e.position]));
  const childFor = async (platform: Platform): Promise<Plan> => {
    const child = await selectSubjectPlatform(reading, root, platform, op);
    return planFor(child, child.digest === root.digest ? [] : (positionOf.get(child.digest) ?? []));
  };
  const attestations: SkippedSubject[] = [];
  if (options.recursive) {
    for (const entry of tree) {
      if (entry.describes !== undefined) attestations.push({ subject: entry.desc, position: entry.position, describes: entry.describes });
      else addFiles(planFor(entry.desc, entry.position), common);
    }
  } else if (bare.length > 0) {
    for (const p of bare) addFiles(await childFor(p), common);
  } else if (common.length > 0 || perPlatform.length === 0) {
    addFiles(planFor(root, []), common);
  }
  for (const { platform, files } of perPlatform) addFiles(await childFor(platform), files);
  // An attestation entry named on purpose (--platform unknown/unknown=FILE) is attached to, so not skipped.
  const skipped = attestations.filter((s) => !plans.has(s.subject.digest));

  // Every file is checked before the first read, so a missing one refuses the whole command; then each is
  // read once, hashed as it is staged (a layout's temp file, a registry's upload session), and nothing is
  // visible under its digest until every file is read and every manifest packed.
  const files = [...new Set([...plans.values()].flatMap((plan) => plan.files))];
  for (const f of files) await checkReadable(f);
  const atOnce = options.concurrency ?? ATTACH_CONCURRENCY;
  const stager = await makeStager(target, { signal: options.signal });
  const staged = new Map<AttachFile, Staged>();
  try {
    await inOrder(files, { atOnce, signal: options.signal }, async (f, signal) => void staged.set(f, await stager.file(f.path, signal)));

    if (!(ANNOTATION_CREATED in annotations)) annotations[ANNOTATION_CREATED] = createdTimestamp((options.now ?? (() => new Date()))());
    const config = emptyDescriptor(options.configAnnotations);
    // Manifests are packed (and size-checked) before any blob is published, in plan order, and pushed together
    // later: a layout lists each referrer in index.json, and groups concurrent index.json updates.
    // One packer per set of files: with --recursive every plan has the same, and only the subject differs.
    const packers = new Map<string, ReturnType<typeof artifactPacker>>();
    const packed = [...plans.values()].map((plan) => {
      const key = plan.files.map((f) => files.indexOf(f)).join(',');
      let pack = packers.get(key);
      if (!pack) {
        pack = artifactPacker({ artifactType: options.artifactType, config, layers: plan.files.map((f) => fileLayer(f, staged.get(f)!)), annotations });
        packers.set(key, pack);
      }
      const { desc, raw, manifest } = pack(plan.subject);
      checkManifestSize('artifact manifest', raw.length);
      return { desc, raw, manifest, subject: plan.subject, position: plan.position };
    });
    const publish = publisher(target, op, emit);
    await publish('config', config, EMPTY_JSON);
    // A few at a time, as oras copies with a small concurrency: each blob ends in an fsync or a PUT.
    await inOrder(files, { atOnce, signal: options.signal }, (f) => {
      const layer = fileLayer(f, staged.get(f)!);
      return publish(layer.annotations![ANNOTATION_TITLE]!, layer, staged.get(f)!);
    });
    return { root, artifacts: await pushManifests(target, packed, op, emit), skipped };
  } finally {
    for (const one of staged.values()) await one.discard().catch(() => undefined);
    await stager.dispose();
  }
}

/** `desc` with the mediaType its bytes declare, when they are JSON that declares one. */
function withOwnMediaType(desc: Descriptor, bytes: Buffer): Descriptor {
  let own: unknown;
  try {
    own = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown } | null)?.mediaType;
  } catch {
    return desc;
  }
  return typeof own === 'string' && own !== desc.mediaType ? { ...desc, mediaType: own } : desc;
}

/** Pushes the manifests together, reporting each in plan order once it is stored. */
async function pushManifests(target: Target, packed: AttachedArtifact[], op: OpOptions, emit: (event: AttachEvent) => void): Promise<AttachedArtifact[]> {
  const stored = packed.map(() => deferred());
  // One batch: a layout lists every referrer in index.json, rewritten once for all of them when the last is stored.
  // A push started goes on when another fails (inOrder's signal is not handed on), so what it stored is reported.
  const pushing = inIndexBatch(target, (batched) => inOrder(packed.map((a, i) => [a, i] as const), { atOnce: MANIFEST_CONCURRENCY }, async ([a, i]) => {
    try {
      await target.push({ mediaType: a.desc.mediaType, digest: a.desc.digest, size: a.desc.size }, a.raw, { ...batched, encodedFrom: a.manifest });
      stored[i]!.resolve();
    } catch (err) {
      stored[i]!.reject(err);
      throw err;
    }
  }), op);
  pushing.catch(() => undefined); // awaited below; the first failure is reported through `stored`
  const artifacts: AttachedArtifact[] = [];
  // Reported in plan order, each once it is stored, so an interrupted run shows exactly what it made.
  for (let i = 0; i < packed.length; i++) {
    // On a failure, what was stored is listed (the batch's write) before the error goes on.
    await stored[i]!.promise.catch((err: unknown) => pushing.then(() => Promise.reject(err), () => Promise.reject(err)));
    artifacts.push(packed[i]!);
    emit({ type: 'attached', artifact: packed[i]! });
  }
  await pushing;
  return artifacts;
}

function deferred(): { promise: Promise<void>; resolve(): void; reject(err: unknown): void } {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined); // a failure after an earlier one is not also unhandled
  return { promise, resolve, reject };
}
