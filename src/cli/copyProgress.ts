import { titleOf } from '../oci/descriptor';
import type { CopyEvent } from '../oci/copy';
import { shortDigest } from '../oci/reference';
import { shownName } from '../oci/shownName';
import type { Printer } from './printer';

/**
 * Prints copy events as `oras cp` does: a line per blob or manifest (`Copying`, `Copied`, `Exists`,
 * `Mounted`), and on a terminal a status line with the bytes moved, redrawn at most ten times a second.
 */
export function copyProgressPrinter(printer: Printer): { onProgress: (e: CopyEvent) => void; finish(): void } {
  const tty = printer.terminal === true;
  const done = new Map<string, number>();
  const sizes = new Map<string, number>();
  let lastDraw = 0;
  let statusShown = false;
  // A title as other names are shown (quoted when it holds what cannot be seen); the media type when there is none.
  const label = (e: CopyEvent) => {
    const title = titleOf(e.desc);
    return `${shortDigest(e.desc.digest)} ${title ? shownName(title) : e.desc.mediaType}`;
  };
  const clear = () => {
    if (statusShown) process.stderr.write('\r\x1b[K');
    statusShown = false;
  };
  const draw = () => {
    let moved = 0;
    let total = 0;
    for (const [digest, size] of sizes) {
      total += size;
      moved += done.get(digest) ?? 0;
    }
    const pct = total ? Math.floor((moved / total) * 100) : 100;
    process.stderr.write(`\r\x1b[K${bar(pct)} ${pct}% ${byteSize(moved)}/${byteSize(total)} (${sizes.size - [...done.entries()].filter(([d, n]) => n >= (sizes.get(d) ?? 0)).length} in flight)`);
    statusShown = true;
  };
  const line = (text: string) => {
    if (tty) clear();
    printer.out(text + '\n');
  };
  return {
    onProgress(e) {
      switch (e.type) {
        case 'copying':
          sizes.set(e.desc.digest, e.desc.size);
          if (!tty) line(`Copying ${label(e)}`);
          break;
        case 'bytes':
          done.set(e.desc.digest, e.bytes);
          if (tty && Date.now() - lastDraw > 100) {
            lastDraw = Date.now();
            draw();
          }
          break;
        case 'copied':
          done.set(e.desc.digest, e.desc.size);
          line(`Copied  ${label(e)}`);
          break;
        case 'mounted':
          done.set(e.desc.digest, e.desc.size);
          line(`Mounted ${label(e)}`);
          break;
        case 'exists':
          line(`Exists  ${label(e)}`);
          break;
        case 'retry':
          done.delete(e.desc.digest);
          printer.err(`Retrying ${shortDigest(e.desc.digest)} (attempt ${e.attempt + 1}): ${(e.error as Error)?.message ?? String(e.error)}\n`);
          break;
      }
    },
    finish() {
      if (tty) clear();
    },
  };
}

/** `12.3 KiB`, `4.0 MiB`: sizes in progress lines and summaries. */
export function byteSize(n: number): string {
  return n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}

function bar(pct: number): string {
  const width = 20;
  const full = Math.round((pct / 100) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}
