import type { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor';
import { isBlobMounter, withMembers, type OpOptions, type PushOptions, type Target } from '../target';

/**
 * `dst`, where a push of content already being pushed through it (by another copy running beside this one) waits
 * for that push instead of sending it again, and tells its caller so (onJoined: that copy counts it as found there,
 * not as pushed, so a copyTags run counts each push once), and an existence check of it waits to answer yes. Tags
 * copied at once share layers and child manifests: two PUTs of one manifest at once made distribution 2.8 (filesystem
 * storage, which writes a manifest in place) answer one of them "digest invalid". A failed push is forgotten (a retry
 * sends it again); a tagged push (TagPusher) is not shared.
 */
export function sharedPushes<T extends Target>(dst: T): T {
  const pushing = new Map<string, Promise<unknown>>();
  function once<R>(digest: string, options: PushOptions | undefined, push: () => Promise<R>, spare?: () => void): Promise<R> {
    const running = pushing.get(digest) as Promise<R> | undefined;
    if (running) {
      spare?.();
      options?.onJoined?.();
      return running;
    }
    const started = push();
    pushing.set(digest, started);
    started.catch(() => pushing.delete(digest));
    return started;
  }
  const overrides: Record<string, unknown> = {
    // A stream handed over for a push that is not made is closed, not left holding its file or connection.
    push: (desc: Descriptor, content: Readable | Uint8Array, options?: PushOptions) =>
      once(desc.digest, options, () => dst.push(desc, content, options), () => void (content instanceof Uint8Array ? undefined : content.destroy())),
    exists: async (desc: Descriptor, options?: OpOptions) => {
      const running = pushing.get(desc.digest);
      if (running && (await running.then(() => true, () => false))) return true;
      return dst.exists(desc, options);
    },
  };
  if (isBlobMounter(dst)) {
    overrides.pushBlob = (desc: Descriptor, open: () => Promise<Readable>, options?: PushOptions & { mountFrom?: string }) =>
      once(desc.digest, options, () => dst.pushBlob(desc, open, options));
  }
  return withMembers(dst, overrides);
}
