import type { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor';
import type { OpOptions, Target } from '../target';

/**
 * `dst`, where a push of content already being pushed through it (by another copy running beside this one) waits
 * for that push instead of sending it again, and an existence check of it waits to answer yes. Tags copied at once
 * share layers and child manifests: two PUTs of one manifest at once made distribution 2.8 (filesystem storage,
 * which writes a manifest in place) answer one of them "digest invalid". A failed push is forgotten (a retry
 * sends it again); a tagged push (TagPusher) is not shared.
 */
export function sharedPushes<T extends Target>(dst: T): T {
  const pushing = new Map<string, Promise<unknown>>();
  function once<R>(digest: string, push: () => Promise<R>, spare?: () => void): Promise<R> {
    const running = pushing.get(digest) as Promise<R> | undefined;
    if (running) {
      spare?.();
      return running;
    }
    const started = push();
    pushing.set(digest, started);
    started.catch(() => pushing.delete(digest));
    return started;
  }
  return new Proxy(dst, {
    get(t, prop) {
      if (prop === 'push') {
        // A stream handed over for a push that is not made is closed, not left holding its file or connection.
        return (desc: Descriptor, content: Readable | Uint8Array, options?: OpOptions) =>
          once(desc.digest, () => t.push(desc, content, options), () => void (content instanceof Uint8Array ? undefined : content.destroy()));
      }
      if (prop === 'pushBlob' && typeof (t as Partial<{ pushBlob: unknown }>).pushBlob === 'function') {
        const pushBlob = (t as unknown as { pushBlob: (...args: unknown[]) => Promise<unknown> }).pushBlob.bind(t);
        return (desc: Descriptor, ...rest: unknown[]) => once(desc.digest, () => pushBlob(desc, ...rest));
      }
      if (prop === 'exists') {
        return async (desc: Descriptor, options?: OpOptions) => {
          const running = pushing.get(desc.digest);
          if (running && (await running.then(() => true, () => false))) return true;
          return t.exists(desc, options);
        };
      }
      const value: unknown = Reflect.get(t, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
    },
  });
}
