import type { Descriptor, Platform } from '../descriptor';
import { withOwnPlatform } from '../graph/childDescriptor';
import { readDeclaredKind, withDocumentRead } from '../graph/declaredKind';
import { CosignTagLookup } from '../referrers/cosignTags';
import { coverageLabel } from '../referrers/coverage';
import { selectSubjectPlatform, subjectTree } from '../referrers/subjects';
import { semaphore } from '../semaphore';
import type { ReadOnlyTarget } from '../target';
import type { VerifyKey } from './publicKeys';
import { type ManifestVerification, verifySignatures, type VerifyOptions } from './verify';

/** Manifests verified at once: coverage's pace, well under the registry client's 8 connections. */
const VERIFY_CONCURRENCY = 4;

export interface VerifyImageOptions extends VerifyOptions {
  /** Verify this platform's manifest of an index (or an image declaring it) instead of the reference. */
  platform?: Platform;
  /** For an index: it and every manifest below it (nested indexes too; buildx attestation entries are not platforms). */
  recursive?: boolean;
}

export interface VerifiedManifest extends ManifestVerification {
  /** 1-based positions below the reference; [] for the reference itself. */
  position: number[];
  /** `index`, `linux/amd64`, `manifest`, `[2.1] linux/arm64` (as coverage labels rows). */
  label: string;
}

export interface ImageVerification {
  /** The reference's manifest, as its document declares its kind. */
  root: Descriptor;
  /** The type the reference listed it by, when its document declares the other kind. */
  listedAs?: string;
  manifests: VerifiedManifest[];
}

/** The signatures of what `reference` names (with `recursive`, of each manifest of an index), verified with `keys`. */
export async function verifyImage(target: ReadOnlyTarget, reference: string, keys: readonly VerifyKey[], options: VerifyImageOptions = {}): Promise<ImageVerification> {
  const op = { signal: options.signal };
  const resolved = await target.resolve(reference, op);
  const read = await readDeclaredKind(target, resolved, op);
  const root = read?.desc ?? resolved;
  let subjects: Array<{ desc: Descriptor; position: number[] }>;
  if (options.platform) subjects = [{ desc: await selectSubjectPlatform(target, resolved, options.platform, op), position: [] }];
  else if (options.recursive) subjects = (await subjectTree(withDocumentRead(target, read), root, op)).filter((e) => e.describes === undefined);
  else subjects = [{ desc: root, position: [] }];
  // A single image (with or without --recursive) is labelled by its config's platform.
  if (!options.platform && subjects.length === 1) subjects[0] = { ...subjects[0]!, desc: await withOwnPlatform(target, read?.doc, subjects[0]!.desc, op) };
  // A few manifests at a time, in order (each is a referrers listing, a tag look-up and a read or two on a registry).
  // One tag lookup for all: a 50-platform index costs a listing of the tags, not 50 look-ups of `.sig` by name.
  const limit = semaphore(VERIFY_CONCURRENCY);
  const each = { ...options, cosignTags: options.cosignTags ?? new CosignTagLookup(target, op) };
  const manifests = await Promise.all(
    subjects.map((s) => limit(async (): Promise<VerifiedManifest> => ({ ...(await verifySignatures(target, s.desc, keys, each)), position: s.position, label: coverageLabel(s) }))),
  );
  return { root, ...(read?.listed ? { listedAs: read.listed } : {}), manifests };
}
