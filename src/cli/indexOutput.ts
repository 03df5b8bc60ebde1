// fs.promises, not node:fs/promises: loaded on first use, not at every CLI start (cliStartup.test.ts).
import { promises as fsp } from 'node:fs';
import { goIndent } from '../oci/encoding/goJson';
import type { ImageIndex } from '../oci/descriptor';
import type { IndexEvent } from '../oci/imageIndex';
import { duplicateEntries } from '../oci/indexDocument';
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
  else await fsp.writeFile(output, bytes);
}

/**
 * On stderr, each entry of the index that repeats an earlier one (oras writes them without a word; the bytes
 * stay oras's): the same manifest again, or a second manifest for a platform clients pick the first of.
 */
export function noteDuplicates(printer: Printer, index: ImageIndex): void {
  for (const d of duplicateEntries(index.manifests)) {
    if (d.code === 'duplicate-digest') {
      printer.err(`note: manifests[${d.row}] lists ${shortDigest(d.digest)} again (as manifests[${d.first}]): clients use the first entry, so this one only adds weight\n`);
    } else {
      printer.err(`note: manifests[${d.row}] is a second ${d.platform} manifest (${shortDigest(d.digest)}): clients pull the first, manifests[${d.first}], so this one is never used\n`);
    }
  }
}
