import type { Descriptor } from '../descriptor';
import { type CheckedSubject, type CheckedSubjectOptions, checkedSubjects } from '../referrers/checkedSubjects';
import { CosignTagLookup } from '../referrers/cosignTags';
import { semaphore } from '../semaphore';
import type { VerifyKey } from '../signatures/keys/publicKeys';
import type { ReadOnlyTarget } from '../target';
import { type ManifestAttestations, verifyAttestations, type VerifyAttestationOptions } from './verifyAttestations';

/** Manifests verified at once, as verify's. */
const VERIFY_CONCURRENCY = 4;

export interface VerifyImageAttestationOptions extends VerifyAttestationOptions, CheckedSubjectOptions {}

/** A manifest checked: where it sits below the reference and its label, as coverage's row. */
export interface AttestedManifest extends ManifestAttestations, Pick<CheckedSubject, 'position' | 'label'> {}

export interface ImageAttestations {
  /** The reference's manifest, as its document declares its kind. */
  root: Descriptor;
  /** The type the reference listed it by, when its document declares the other kind. */
  listedAs?: string;
  manifests: AttestedManifest[];
}

/**
 * The attestations of what `reference` names (with `recursive`, of each manifest of an index), verified with
 * `keys`. The manifests are chosen as for `verify` (checkedSubjects).
 */
export async function verifyImageAttestations(
  target: ReadOnlyTarget,
  reference: string,
  keys: readonly VerifyKey[],
  options: VerifyImageAttestationOptions = {},
): Promise<ImageAttestations> {
  const { root, listedAs, subjects } = await checkedSubjects(target, reference, options);
  // One tag lookup for all: a 50-platform index costs a listing of the tags, not 50 look-ups of `.att` by name.
  const each = { ...options, cosignTags: options.cosignTags ?? new CosignTagLookup(target, { signal: options.signal }) };
  const limit = semaphore(VERIFY_CONCURRENCY);
  const manifests = await Promise.all(
    subjects.map((s) => limit(async (): Promise<AttestedManifest> => ({ ...(await verifyAttestations(target, s.desc, keys, each)), position: s.position, label: s.label }))),
  );
  return { root, ...(listedAs ? { listedAs } : {}), manifests };
}
