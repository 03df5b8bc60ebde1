import type { Descriptor, ImageManifest, Platform } from '../descriptor';
import { platformFromConfig } from '../graph/childDescriptor';
import { readDeclaredKind, withDocumentRead } from '../graph/declaredKind';
import { isImageIndex } from '../mediaType';
import { coverageLabel } from '../referrers/coverage';
import { selectSubjectPlatform, subjectTree } from '../referrers/subjects';
import { semaphore } from '../semaphore';
import type { VerifyKey } from '../signatures/publicKeys';
import type { ReadOnlyTarget } from '../target';
import { type ManifestAttestations, verifyAttestations, type VerifyAttestationOptions } from './verifyAttestations';

/** Manifests verified at once, as verify's. */
const VERIFY_CONCURRENCY = 4;

export interface VerifyImageAttestationOptions extends VerifyAttestationOptions {
  /** Verify this platform's manifest of an index (or an image declaring it) instead of the reference. */
  platform?: Platform;
  /** For an index: it and every manifest below it (buildx attestation entries are not platforms). */
  recursive?: boolean;
}

export interface AttestedManifest extends ManifestAttestations {
  /** 1-based positions below the reference; [] for the reference itself. */
  position: number[];
  /** `index`, `linux/amd64`, `manifest`, `[2.1] linux/arm64` (as coverage labels rows). */
  label: string;
}

export interface ImageAttestations {
  /** The reference's manifest, as its document declares its kind. */
  root: Descriptor;
  /** The type the reference listed it by, when its document declares the other kind. */
  listedAs?: string;
  manifests: AttestedManifest[];
}

/**
 * The attestations of what `reference` names (with `recursive`, of each manifest of an index), verified with
 * `keys`. The manifests are chosen as signatures/verifyImage.ts chooses them for `verify`.
 */
export async function verifyImageAttestations(
  target: ReadOnlyTarget,
  reference: string,
  keys: readonly VerifyKey[],
  options: VerifyImageAttestationOptions = {},
): Promise<ImageAttestations> {
  const op = { signal: options.signal };
  const resolved = await target.resolve(reference, op);
  const read = await readDeclaredKind(target, resolved, op);
  const root = read?.desc ?? resolved;
  let subjects: Array<{ desc: Descriptor; position: number[] }>;
  if (options.platform) subjects = [{ desc: await selectSubjectPlatform(target, resolved, options.platform, op), position: [] }];
  else if (options.recursive) subjects = (await subjectTree(withDocumentRead(target, read), root, op)).filter((e) => e.describes === undefined);
  else subjects = [{ desc: root, position: [] }];
  // A single image is labelled by its config's platform.
  if (!options.platform && subjects.length === 1) subjects[0] = { ...subjects[0]!, desc: await withOwnPlatform(target, read?.doc, subjects[0]!.desc, op) };
  const limit = semaphore(VERIFY_CONCURRENCY);
  const manifests = await Promise.all(
    subjects.map((s) => limit(async (): Promise<AttestedManifest> => ({ ...(await verifyAttestations(target, s.desc, keys, options)), position: s.position, label: coverageLabel(s) }))),
  );
  return { root, ...(read?.listed ? { listedAs: read.listed } : {}), manifests };
}

async function withOwnPlatform(target: ReadOnlyTarget, doc: Record<string, unknown> | undefined, desc: Descriptor, op: { signal?: AbortSignal }): Promise<Descriptor> {
  if (desc.platform || isImageIndex(desc.mediaType) || !doc) return desc;
  const platform = await platformFromConfig(target, doc as unknown as ImageManifest, op).catch(() => undefined);
  return platform ? { ...desc, platform } : desc;
}
