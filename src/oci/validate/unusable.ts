import type { Descriptor } from '../descriptor';
import { OciError } from '../errors';
import { descriptorProblems } from './parse';
import { formatPath, type PathSegment, type ProblemCode } from './problems';

// What makes a descriptor unusable to follow; other findings (a media type off RFC 6838, a URL) leave it usable.
const UNUSABLE: ReadonlySet<ProblemCode> = new Set<ProblemCode>(['wrong-type', 'missing-field', 'invalid-digest', 'invalid-size']);

/**
 * Why a descriptor read leniently (a layer, an index's child) cannot be used, with its JSON path below `at`
 * (`layers[0].size: size must be a number, not a string`); undefined when it can.
 */
export function unusableDescriptor(value: unknown, at: PathSegment[]): string | undefined {
  const problem = descriptorProblems(value, at).find((p) => p.severity === 'error' && UNUSABLE.has(p.code));
  return problem && `${formatPath(problem.segments)}: ${problem.message}`;
}

/** An index's child picked to be used as listed (fetched, copied, attached to): refused, named, when it cannot be. */
export function usableChild(indexDigest: string, children: readonly unknown[], at: number): Descriptor {
  const problem = unusableDescriptor(children[at], ['manifests', at]);
  if (problem) throw new OciError('INVALID_MANIFEST', `index ${indexDigest}: ${problem}`);
  return children[at] as Descriptor;
}
