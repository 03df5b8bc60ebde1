import { startOciServer, type OciServer } from '../../integration/support';

/** The in-memory OCI server of `startHeldServer`, and how many requests it has held at once. */
export interface HeldServer {
  server: OciServer;
  /** The most requests held at the same time (a test sets it back to 0 between two runs). */
  peak: number;
}

/**
 * Held requests are let go together once none has come for this long: a command that may have N in flight sends
 * them within it even on a loaded machine (a fixed 30 ms hold each saw 3 of 6 while CI and a browser test ran).
 */
const QUIET_MS = 150;

/**
 * An OCI server that holds each request `held` picks until no other has come for QUIET_MS, counting those held
 * at once: how a test sees how many round trips of a kind (blob GETs, upload POSTs) a command has in flight together.
 */
export async function startHeldServer(held: (request: { method: string; path: string }) => boolean): Promise<HeldServer> {
  let waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const counted: HeldServer = {
    server: await startOciServer({
      hold: (request) => {
        if (!held(request)) return undefined;
        return new Promise<void>((resolve) => {
          waiting.push(resolve);
          counted.peak = Math.max(counted.peak, waiting.length);
          clearTimeout(timer);
          timer = setTimeout(() => {
            const released = waiting;
            waiting = [];
            for (const r of released) r();
          }, QUIET_MS);
        });
      },
    }),
    peak: 0,
  };
  return counted;
}
