import type { CheckProblem } from '../check';
import type { Descriptor } from '../descriptor';
import { isImageIndex } from '../mediaType';
import type { CheckedSubject } from './checkedSubjects';

/** Where a problem of a checked manifest sits: Check's fields other than its severity, code and message. */
export type CheckedPlace = Pick<CheckProblem, 'where' | 'document' | 'digest' | 'path'>;

/**
 * Where verify's and verify-attestation's results of the manifests of `report` are marked: a platform at its entry
 * in the index that lists it (`manifests[1]`), the reference itself at its own document. `rootName` is what the
 * reference is called (its tag, or its short digest), as Check Image calls it.
 */
export function checkedPlaces(
  report: { root: Descriptor; manifests: ReadonlyArray<Pick<CheckedSubject, 'position' | 'label'> & { subject: Descriptor }> },
  rootName: string,
): (m: Pick<CheckedSubject, 'position'> & { subject: Descriptor }) => CheckedPlace {
  const byPosition = new Map(report.manifests.map((m) => [m.position.join('.'), m]));
  const whereOf = (position: readonly number[]): string => {
    if (position.length === 0) return rootName;
    const m = byPosition.get(position.join('.'));
    return `${rootName} > ${m?.label ?? position.join('.')}`;
  };
  const docOf = (position: readonly number[]): Descriptor | undefined => (position.length === 0 ? report.root : byPosition.get(position.join('.'))?.subject);
  return (m) => {
    const parent = m.position.length > 0 ? docOf(m.position.slice(0, -1)) : undefined;
    return parent
      ? { where: whereOf(m.position.slice(0, -1)), document: 'index', digest: parent.digest, path: `manifests[${m.position[m.position.length - 1]! - 1}]` }
      : { where: rootName, document: isImageIndex(m.subject.mediaType) ? 'index' : 'manifest', digest: m.subject.digest, path: '' };
  };
}
