import type { Descriptor, Platform } from '../descriptor';
import { withOwnPlatform } from '../graph/childDescriptor';
import { readDeclaredKind, withDocumentRead } from '../graph/declaredKind';
import type { OpOptions, ReadOnlyTarget } from '../target';
import { coverageLabel } from './coverage';
import { selectSubjectPlatform, subjectTree } from './subjects';

export interface CheckedSubjectOptions extends OpOptions {
  /** This platform's manifest of an index (or an image declaring it) instead of the reference. */
  platform?: Platform;
  /** For an index: it and every manifest below it (nested indexes too; buildx attestation entries are not platforms). */
  recursive?: boolean;
}

export interface CheckedSubject {
  desc: Descriptor;
  /** 1-based positions below the reference; [] for the reference itself. */
  position: number[];
  /** `index`, `linux/amd64`, `manifest`, `[2.1] linux/arm64` (as coverage labels rows). */
  label: string;
}

/**
 * The manifests `verify` and `verify-attestation` check for `reference`: it, one platform's manifest, or (recursive)
 * an index and every manifest below it; with the reference's manifest as its document declares its kind.
 */
export async function checkedSubjects(
  target: ReadOnlyTarget,
  reference: string,
  options: CheckedSubjectOptions = {},
): Promise<{ root: Descriptor; listedAs?: string; subjects: CheckedSubject[] }> {
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
  return { root, ...(read?.listed ? { listedAs: read.listed } : {}), subjects: subjects.map((s) => ({ desc: s.desc, position: s.position, label: coverageLabel(s) })) };
}
