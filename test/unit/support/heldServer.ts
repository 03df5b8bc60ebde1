import { startOciServer, type OciServer } from '../../integration/support';

/** The in-memory OCI server of `startHeldServer`, and how many requests it has held at once. */
export interface HeldServer {
  server: OciServer;
  /** The most requests held at the same time (a test sets it back to 0 between two runs). */
  peak: number;
}

/**
 * An OCI server that holds each request `held` picks for 30 ms, counting those held at once: how a test sees how
 * many round trips of a kind (blob GETs, upload POSTs) a command has in flight together.
 */
export async function startHeldServer(held: (request: { method: string; path: string }) => boolean): Promise<HeldServer> {
  let inFlight = 0;
  const counted: HeldServer = {
    server: await startOciServer({
      hold: (request) => {
        if (!held(request)) return undefined;
        counted.peak = Math.max(counted.peak, ++inFlight);
        return new Promise<void>((resolve) => setTimeout(resolve, 30)).then(() => void inFlight--);
      },
    }),
    peak: 0,
  };
  return counted;
}
