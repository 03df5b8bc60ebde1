import type { Descriptor } from '../descriptor';
import { childDescriptor, fetchManifest } from '../graph/childDescriptor';
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
 * order (`fetching`, `fetched`, and `added` when `added` is set), as when fetched one by one. The error is the first
 * source's in order that fails; the fetches after it are stopped.
 */
export async function fetchChildren(target: ReadOnlyTarget, sources: readonly string[], options: OpOptions, emit: IndexEventHandler, { added = false } = {}): Promise<Descriptor[]> {
  const stop = new AbortController();
  const fetchOptions: OpOptions = { ...options, signal: options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal };
  const one = async (source: string) => {
    const fetched = await fetchManifest(target, source, 'manifest', fetchOptions);
    return { desc: fetched.desc, child: await childDescriptor(target, fetched, fetchOptions) };
  };
  const started: Promise<{ desc: Descriptor; child: Descriptor }>[] = [];
  const children: Descriptor[] = [];
  try {
    for (let i = 0; i < sources.length; i++) {
      while (started.length < Math.min(sources.length, i + SOURCES_AT_ONCE)) {
        const fetching = one(sources[started.length]!);
        fetching.catch(() => {}); // awaited in its turn; one after a failure is only stopped
        started.push(fetching);
      }
      const ref = sources[i]!;
      emit({ type: 'fetching', ref });
      const { desc, child } = await started[i]!;
      emit({ type: 'fetched', ref, desc });
      if (added) emit({ type: 'added', ref, desc: child });
      children.push(child);
    }
  } catch (err) {
    stop.abort();
    await Promise.allSettled(started);
    throw err;
  }
  return children;
}
