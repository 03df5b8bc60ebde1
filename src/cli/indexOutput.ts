import { writeFile } from 'node:fs/promises';
import { goIndent } from '../oci/encoding/goJson';
import type { IndexEvent } from '../oci/imageIndex';
import { isDigest } from '../oci/digest';
import { shortDigest } from '../oci/reference';
import type { Printer } from './printer';

/** Prints index events with oras's prompts; `pushedAs` names where the index went (`[oci-layout] dir:v1`). */
export function indexEventPrinter(printer: Printer, mode: 'create' | 'update', pushedAs: string, firstTag?: string): (e: IndexEvent) => void {
  const line = (prompt: string, ...rest: string[]) => printer.out(`${prompt.padEnd(9)} ${rest.join(' ')}\n`);
  return (e) => {
    switch (e.type) {
      case 'fetching':
        return line('Fetching', e.ref);
      case 'fetched':
        return isDigest(e.ref) ? line('Fetched', e.ref) : line('Fetched', e.desc.digest, e.ref);
      case 'added':
        return isDigest(e.ref) ? line('Added', e.ref) : line('Added', e.desc.digest, e.ref);
      case 'merged':
        return isDigest(e.ref) ? line('Merged', e.ref) : line('Merged', e.desc.digest, e.ref);
      case 'removed':
        return e.what ? line('Removed', e.digest, e.what) : line('Removed', e.digest);
      case 'packed':
        return mode === 'create' ? line('Packed', shortDigest(e.desc.digest), e.desc.mediaType) : line('Updated', e.desc.digest);
      case 'pushed':
        return line('Pushed', pushedAs);
      case 'tagged':
        if (e.tag !== firstTag) printer.out(`Tagged ${e.tag}\n`);
        return;
    }
  };
}

/** `--output FILE|-`: the document instead of storing it, indented with `--pretty`. */
export async function writeIndexOutput(printer: Printer, output: string, raw: Buffer, pretty: boolean): Promise<void> {
  const bytes = pretty ? Buffer.from(goIndent(raw.toString('utf8')) + '\n') : raw;
  if (output === '-') printer.out(bytes.toString('utf8'));
  else await writeFile(output, bytes);
}
