import type { Descriptor } from '../descriptor';
import { childDescriptor, fetchManifest } from '../graph/childDescriptor';
import { inOrder } from '../inOrder';
import type { OpOptions, ReadOnlyTarget } from '../target';
import type { IndexEventHandler } from './events';

/**
 * How many sources are fetched at once. On a registry each source is two or three round trips (resolve, manifest,
 * config): oras makes them one source after another, so 50 platforms 30 ms away wait 50 x 90 ms. Eight is the
 * registry client's own connection limit, so more would only queue. A layout reads on the spot either way.
 */
export const SOURCES_AT_ONCE = 8;

/**
 * The descriptors a new index lists for `sources` (manifests by tag or digest), in their order, each with the
 * platform its config declares. Up to SOURCES_AT_ONCE are fetched at once; the events still come in the sources'
 * order (`fetching`, `fetched`, and `added` when `added` is set), as when fetched one by one, and the error is the
 * first source's in order that fails.
 */
export function fetchChildren(target: ReadOnlyTarget, sources: readonly string[], options: OpOptions, emit: IndexEventHandler, { added = false } = {}): Promise<Descriptor[]> {
  let op: OpOptions | undefined;
  return inOrder<string, { desc: Descriptor; child: Descriptor }>(
    sources,
    {
      atOnce: SOURCES_AT_ONCE,
      signal: options.signal,
      before: (ref) => emit({ type: 'fetching', ref }),
      after: ({ desc, child }, ref) => {
        emit({ type: 'fetched', ref, desc });
        if (added) emit({ type: 'added', ref, desc: child });
      },
    },
    async (source, signal) => {
      op ??= { ...options, signal }; // the same signal for every source
      const fetched = await fetchManifest(target, source, 'manifest', op);
      return { desc: fetched.desc, child: await childDescriptor(target, fetched, op) };
    },
  ).then((done) => done.map((d) => d.child));
}
