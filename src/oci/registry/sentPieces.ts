import { stream } from '../nodeStream';
import { giveBack } from '../lentBuffers';

/**
 * The smallest piece given back for reuse (lentBuffers.ts) once undici asks for the next one. undici sends an
 * iterable body by writing each piece to the socket and, when the write says the socket is full, waiting for
 * its 'drain' before it asks for the next piece. A write says so whenever what is queued reaches the socket's
 * highWaterMark (64 KiB for undici's plain sockets, 16 KiB for TLS), and 'drain' comes only when the queue is
 * empty: every byte of a piece at least that large is with the kernel before the next is asked for. A smaller
 * piece may still be queued then: it is left to the garbage collector. Twice the mark, in case a socket is
 * made with a larger one.
 */
let giveBackMin: number | undefined;
const giveBackMinimum = (): number => (giveBackMin ??= 2 * Math.max(64 << 10, stream().getDefaultHighWaterMark(false)));

/**
 * For an async iterable that is a request body given to undici as it is (not wrapped in a stream, which would
 * read ahead): call when undici has asked for the piece after `piece` (a generator resumed by next(), not
 * stopped by return()). Gives it back for reuse when that is provably safe.
 */
export function pieceSent(piece: Uint8Array): void {
  if (piece.length >= giveBackMinimum()) giveBack(piece);
}
