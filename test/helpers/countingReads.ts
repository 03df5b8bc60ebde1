import { isManifestMediaType } from '../../src/oci/mediaType';

/**
 * `target`, counting what reads a manifest: resolve, fetch or fetchBytes of a manifest's descriptor, and the listing of
 * a manifest's referrers.
 */
export function countingReads<T extends object>(target: T): { target: T; reads: string[] } {
  const reads: string[] = [];
  const wrapped = new Proxy(target, {
    get(t, key, receiver) {
      const value = Reflect.get(t, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const [first] = args as [{ mediaType?: string; digest?: string } | string];
        if (key === 'resolve') reads.push(`resolve ${String(first)}`);
        else if (key === 'referrers' && typeof first === 'object') reads.push(`referrers ${first.digest}`);
        else if ((key === 'fetch' || key === 'fetchBytes') && typeof first === 'object' && isManifestMediaType(first.mediaType ?? '')) reads.push(`${key} ${first.digest}`);
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
  return { target: wrapped, reads };
}
