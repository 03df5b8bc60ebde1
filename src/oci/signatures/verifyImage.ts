import type { Descriptor } from '../descriptor';
import { type CheckedSubject, type CheckedSubjectOptions, checkedSubjects } from '../referrers/checkedSubjects';
import { CosignTagLookup } from '../referrers/cosignTags';
import { semaphore } from '../semaphore';
import type { ReadOnlyTarget } from '../target';
import type { VerifyKey } from './keys/publicKeys';
import { type ManifestVerification, verifySignatures, type VerifyOptions } from './verify';

/** Manifests verified at once: coverage's pace, well under the registry client's 8 connections. */
const VERIFY_CONCURRENCY = 4;

export interface VerifyImageOptions extends VerifyOptions, CheckedSubjectOptions {}

/** A manifest checked: where it sits below the reference and its label, as coverage's row. */
export interface VerifiedManifest extends ManifestVerification, Pick<CheckedSubject, 'position' | 'label'> {}

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
  const { root, listedAs, subjects } = await checkedSubjects(target, reference, options);
  // A few manifests at a time, in order (each is a referrers listing, a tag look-up and a read or two on a registry).
  // One tag lookup for all: a 50-platform index costs a listing of the tags, not 50 look-ups of `.sig` by name.
  const limit = semaphore(VERIFY_CONCURRENCY);
  const each = { ...options, cosignTags: options.cosignTags ?? new CosignTagLookup(target, op) };
  const manifests = await Promise.all(
    subjects.map((s) => limit(async (): Promise<VerifiedManifest> => ({ ...(await verifySignatures(target, s.desc, keys, each)), position: s.position, label: s.label }))),
  );
  return { root, ...(listedAs ? { listedAs } : {}), manifests };
}
