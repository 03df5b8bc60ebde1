// Checks everything an image (or artifact) is made of, from its index down to each layer's bytes, and its
// referrers: what a release must pass before it ships. crane validate reads the bytes too; this also names the
// place of each problem (which platform, which JSON field) and goes on past the first.
import type { Descriptor } from '../descriptor';
import { isOciError } from '../errors';
import { diagnoseDocument, hasUrls, type BlobFacts, type Finding } from '../indexDocument';
import { isImageIndex, MediaType } from '../mediaType';
import { formatPlatform } from '../platform';
import { DOCKER_REFERENCE_DIGEST, DOCKER_REFERENCE_TYPE, isDockerReferenceEntry } from '../referrers/dockerReferences';
import { shortDigest } from '../reference';
import { semaphore } from '../semaphore';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { unusableDescriptor } from '../validate';
import { checkImageConfig } from './configChecks';
import { endOfLifeFindings } from './endOfLife';
import { layerPacking, readLayer, type ReadLayer } from './layerContent';
import { withRecentBytes } from './recentBytes';

/**
 * The kind of document a problem is in: an index or a manifest (an artifact's too), an image's config, a layout's
 * `index.json` (a damaged entry), or a registry's tag (one listed that cannot be resolved: no document).
 */
export type CheckDocument = 'index' | 'manifest' | 'config' | 'index.json' | 'tag';

export interface CheckProblem {
  /** `info`: worth knowing, no defect (a layout's garbage); it never sets the exit code, `--strict` or not. */
  severity: 'error' | 'warning' | 'info';
  code: string;
  /** The document the problem is in, as reached from the root: `v1 > linux/arm64 > config`. */
  where: string;
  /** What that document is, set where the problem is found (not told from `where`, whose names are free text). */
  document: CheckDocument;
  /** That document's digest; '' for a layout's index.json and a tag. */
  digest: string;
  /** The JSON path in it; '' for the document as a whole. */
  path: string;
  message: string;
  link?: string;
  /**
   * Where the document is listed in the index that refers to it (`manifests[1]` of `v1`), for a problem of its own
   * bytes: a document that cannot be read or shown is best marked at that entry. Absent for a root or a referrer.
   */
  listedIn?: ListedIn;
}

/** An index's entry that lists a document: the index as reached, its digest, the entry's JSON path. */
export interface ListedIn {
  where: string;
  digest: string;
  path: string;
}

export interface CheckCounts {
  indexes: number;
  manifests: number;
  configs: number;
  layers: number;
  /** Referrers found (each is counted among the manifests too). */
  referrers: number;
  /** Bytes of layers read and verified. */
  bytes: number;
}

export interface CheckReport {
  counts: CheckCounts;
  problems: CheckProblem[];
  /** Layers not read or whose diff_id could not be compared, by why: `zstd` (no zstd here), `foreign` (not stored: fetched from their urls). */
  uncompared: Record<string, number>;
}

export interface CheckOptions extends OpOptions {
  /** Follow each manifest's referrers, and theirs (default true). */
  referrers?: boolean;
  /** Layers: presence and size only, not read (as crane validate --fast). */
  fast?: boolean;
  /** Blobs read at once (default 4). */
  concurrency?: number;
  /** Where the blobs are, for messages: `in the layout L`, `in localhost:5000/app`. */
  where?: string;
  /** The time end-of-life dates are judged at (default: now). */
  now?: Date;
  /** Called as blobs are read (often: for each chunk of a layer); a display throttles it. */
  onProgress?: (counts: Readonly<CheckCounts>) => void;
}

// layers[2] before layers[10]; one collator, as localeCompare with options builds one per call. Made on first
// use: building one loads ICU's collation data, 72 million instructions that every CLI command paid at start-up.
let natural: Intl.Collator | undefined;
const NATURAL = { compare: (a: string, b: string) => (natural ??= new Intl.Collator('en', { numeric: true })).compare(a, b) };

// A child, config or layer the parent's findings already call missing or broken is not read again.
const BLOCKING = new Set(['blob-missing', 'blob-unreadable', 'size-mismatch', 'invalid-digest', 'missing-field', 'wrong-type']);

/**
 * One check, over one or more roots (a layout's every entry shares it): each blob is read once, however many
 * images list it.
 */
export class GraphCheck {
  private readonly counts: CheckCounts = { indexes: 0, manifests: 0, configs: 0, layers: 0, referrers: 0, bytes: 0 };
  private readonly problems: CheckProblem[] = [];
  private readonly uncompared: Record<string, number> = {};
  private readonly visited = new Set<string>();
  /** What each document read declares itself (its mediaType, its kind), by digest: the entries listing it are compared. */
  private readonly declared = new Map<string, BlobFacts>();
  private readonly blobs = new Map<string, Promise<Buffer>>();
  private readonly layers = new Map<string, Promise<ReadLayer>>();
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;

  private readonly target: ReadOnlyTarget;

  constructor(
    target: ReadOnlyTarget,
    private readonly options: CheckOptions = {},
  ) {
    this.target = withRecentBytes(target);
    this.limit = semaphore(Math.max(1, options.concurrency ?? 4));
  }

  /** Where the blobs are, for messages (`in the layout L`), as the check was told. */
  get where(): string | undefined {
    return this.options.where;
  }

  /** The check's signal: a caller that lists the roots (a repository's tags) stops with it. */
  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  /** Checks `desc` and all below it, naming it `label` in problems. */
  async add(desc: Descriptor, label: string): Promise<void> {
    await this.visit(desc, label);
  }

  /** What the document `digest` declares itself, once checked and parsed; undefined if it could not be read. */
  declaredBy(digest: string): BlobFacts | undefined {
    return this.declared.get(digest);
  }

  /** Adds a problem found by the caller (a layout's index.json), in the same order and form. */
  note(problem: CheckProblem): void {
    this.problems.push(problem);
  }

  report(): CheckReport {
    const seen = new Set<string>();
    const problems = this.problems.filter((p) => {
      const key = `${p.digest} ${p.path} ${p.code} ${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    // Walks run side by side: sorted so the same damage reads the same every time, the root first.
    problems.sort((a, b) => NATURAL.compare(a.where, b.where) || NATURAL.compare(a.path, b.path));
    return { counts: { ...this.counts }, problems, uncompared: { ...this.uncompared } };
  }

  private progress(): void {
    this.options.onProgress?.(this.counts);
  }

  private problem(severity: CheckProblem['severity'], code: string, where: string, document: CheckDocument, digest: string, path: string, message: string, link?: string, listedIn?: ListedIn): void {
    this.problems.push({ severity, code, where, document, digest, path, message, ...(link ? { link } : {}), ...(listedIn ? { listedIn } : {}) });
  }

  private async visit(desc: Descriptor, label: string, listedIn?: ListedIn): Promise<void> {
    if (this.visited.has(desc.digest)) return;
    this.visited.add(desc.digest);
    const { signal } = this.options;
    // What the parent says it is, until its bytes say otherwise.
    let kind: CheckDocument = isImageIndex(desc.mediaType) ? 'index' : 'manifest';
    let raw: Buffer;
    try {
      raw = await this.limit(() => this.target.fetchBytes(desc, { signal }));
    } catch (err) {
      if (signal?.aborted) throw err;
      this.problem('error', isOciError(err, 'NOT_FOUND') ? 'blob-missing' : 'blob-unreadable', label, kind, desc.digest, '', (err as Error).message, undefined, listedIn);
      return;
    }
    const { doc, findings } = await diagnoseDocument(raw.toString('utf8'), { signal, layout: this.target, where: this.options.where, concurrency: this.options.concurrency });
    // The bytes tell what it is: an image listed under an index type (which the entry's check reports) is still
    // an image, whose config and layers are checked.
    if (doc.kind !== 'unknown') kind = doc.kind;
    for (const f of findings) this.problem(f.severity, f.code, label, kind, desc.digest, f.path, f.message, f.link, listedIn);
    if (doc.kind === 'unknown') return;
    const json = doc.json as Record<string, unknown>;
    this.declared.set(desc.digest, { kind: doc.kind, ...(typeof json.mediaType === 'string' ? { mediaType: json.mediaType } : {}) });
    for (const f of endOfLifeFindings(json.annotations, this.options.now ?? new Date(), json.subject !== undefined)) this.problem(f.severity, f.code, label, kind, desc.digest, f.path, f.message);
    const blocked = (at: string) => findings.some((f: Finding) => f.severity === 'error' && BLOCKING.has(f.code) && (f.path === at || f.path.startsWith(`${at}.`) || f.path.startsWith(`${at}[`)));
    const work: Array<Promise<void>> = [];
    if (kind === 'index') {
      this.counts.indexes++;
      const children = Array.isArray(json.manifests) ? json.manifests : [];
      children.forEach((child, i) => {
        const at = `manifests[${i}]`;
        if (blocked(at) || unusableDescriptor(child, ['manifests', i])) return;
        work.push(this.visit(child as Descriptor, `${label} > ${childLabel(child as Descriptor, i)}`, { where: label, digest: desc.digest, path: at }));
      });
    } else {
      this.counts.manifests++;
      work.push(this.checkImageParts(json, label, desc.digest, blocked));
    }
    if (json.subject !== undefined && !blocked('subject') && !unusableDescriptor(json.subject, ['subject'])) work.push(this.checkSubject(json.subject as Descriptor, label, kind, desc.digest));
    if (this.options.referrers !== false) work.push(this.visitReferrers(desc, label, kind));
    this.progress();
    await Promise.all(work);
  }

  private async checkSubject(subject: Descriptor, label: string, kind: CheckDocument, digest: string): Promise<void> {
    if (await this.target.exists(subject, { signal: this.options.signal })) return;
    this.problem('warning', 'subject-missing', label, kind, digest, 'subject', `subject ${subject.digest} is not ${this.options.where ?? 'here'}: this artifact refers to nothing that is stored with it`);
  }

  private async visitReferrers(desc: Descriptor, label: string, kind: CheckDocument): Promise<void> {
    const found: Descriptor[] = [];
    try {
      for await (const r of this.target.referrers(desc, { signal: this.options.signal })) found.push(r);
    } catch (err) {
      if (this.options.signal?.aborted) throw err;
      this.problem('error', 'referrers-unreadable', label, kind, desc.digest, '', `its referrers cannot be listed: ${(err as Error).message}`);
      return;
    }
    await Promise.all(
      found.map((r) => {
        if (!this.visited.has(r.digest)) this.counts.referrers++;
        return this.visit(r, `${label} > ${r.artifactType ?? 'referrer'} ${shortDigest(r.digest)}`);
      }),
    );
  }

  /** An image's (or artifact's) config and layers; an image config's diff_ids against the layers unpacked. */
  private async checkImageParts(json: Record<string, unknown>, label: string, digest: string, blocked: (at: string) => boolean): Promise<void> {
    const layers = (Array.isArray(json.layers) ? json.layers : []) as Descriptor[];
    const config = json.config as Descriptor | undefined;
    const imageConfig = config?.mediaType === MediaType.ImageConfig || config?.mediaType === MediaType.DockerConfig;
    let diffIds: string[] | undefined;
    if (config && !blocked('config') && !unusableDescriptor(config, ['config'])) {
      this.counts.configs++;
      const where = `${label} > config`;
      try {
        const raw = await this.blob(config);
        if (imageConfig) {
          const checked = checkImageConfig(raw, layers.length, `config ${config.digest}`);
          // An image config is binding on what a runtime unpacks and runs: an image of filesystem layers. Manifests
          // that only borrow its media type for data layers (buildx's attestations, older artifacts) get warnings.
          const runnable = layers.some((l) => layerPacking(l?.mediaType) !== undefined);
          for (const p of checked.problems) this.problem(runnable ? 'error' : 'warning', p.code, where, 'config', config.digest, p.path, p.message, p.link);
          diffIds = checked.diffIds;
        }
      } catch (err) {
        if (this.options.signal?.aborted) throw err;
        this.problem('error', 'blob-unreadable', label, 'manifest', digest, 'config', (err as Error).message);
      }
      this.progress();
    }
    await Promise.all(
      layers.map(async (layer, i) => {
        const at = `layers[${i}]`;
        if (blocked(at) || unusableDescriptor(layer, ['layers', i])) return;
        this.counts.layers++;
        if (this.options.fast) return;
        if (hasUrls(layer) && !(await this.target.exists(layer, { signal: this.options.signal }))) {
          this.uncompared.foreign = (this.uncompared.foreign ?? 0) + 1; // not stored: fetched from its urls
          return;
        }
        const packing = imageConfig ? layerPacking(layer.mediaType) : undefined;
        let read: ReadLayer;
        try {
          read = await this.layer(layer, packing);
        } catch (err) {
          if (this.options.signal?.aborted) throw err;
          this.problem('error', isOciError(err, 'NOT_FOUND') ? 'blob-missing' : 'blob-unreadable', label, 'manifest', digest, at, (err as Error).message);
          return;
        }
        this.progress();
        if (read.unpackError) {
          this.problem('error', 'layer-unpack', label, 'manifest', digest, at, `layer ${layer.digest} does not unpack as ${packing}: ${read.unpackError.message}`);
        } else if (packing && !read.diffId) {
          this.uncompared[packing] = (this.uncompared[packing] ?? 0) + 1;
        } else if (read.diffId && diffIds && diffIds[i] !== read.diffId) {
          this.problem('error', 'diff-id-mismatch', `${label} > config`, 'config', config!.digest, `rootfs.diff_ids[${i}]`, `${diffIds[i]} is not layer ${i} unpacked: its content's digest is ${read.diffId}`);
        }
      }),
    );
  }

  /** A config's bytes, verified; read once however many manifests share it. */
  private blob(desc: Descriptor): Promise<Buffer> {
    let p = this.blobs.get(desc.digest);
    if (!p) {
      p = this.limit(() => this.target.fetchBytes(desc, { signal: this.options.signal }));
      this.blobs.set(desc.digest, p);
    }
    return p;
  }

  private layer(desc: Descriptor, packing: ReturnType<typeof layerPacking>): Promise<ReadLayer> {
    const key = `${desc.digest} ${packing ?? ''}`;
    let p = this.layers.get(key);
    if (!p) {
      p = this.limit(() => readLayer(this.target, desc, packing, { signal: this.options.signal, onBytes: (n) => {
            this.counts.bytes += n;
            this.progress();
          },
        }));
      this.layers.set(key, p);
    }
    return p;
  }
}

/** `linux/arm64`, `attestation-manifest of 1234567890ab`, `index [2]`: how an index's child is named in problems. */
function childLabel(child: Descriptor, i: number): string {
  if (isDockerReferenceEntry(child)) return `${child.annotations![DOCKER_REFERENCE_TYPE]} of ${shortDigest(child.annotations![DOCKER_REFERENCE_DIGEST]!)}`;
  if (child.platform && typeof child.platform.os === 'string') return formatPlatform(child.platform);
  return isImageIndex(child.mediaType) ? `index [${i}]` : `manifests[${i}]`;
}

/** Checks `desc` (named `label`) and everything below it. */
export async function checkGraph(target: ReadOnlyTarget, desc: Descriptor, label: string, options: CheckOptions = {}): Promise<CheckReport> {
  const check = new GraphCheck(target, options);
  await check.add(desc, label);
  return check.report();
}
