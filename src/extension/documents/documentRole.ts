import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type * as vscode from 'vscode';
import { kindByName } from '../../oci/indexDocument';
import { isImageIndex } from '../../oci/mediaType';
import { DOCUMENT_SCHEME, parseDocumentQuery } from '../present/documentUri';
import { storedOfFormatted } from './formattedIndex';
import { parseStoredIndexUri } from './indexUri';

/** How a document is checked: what it must be, and the layout whose blobs it points at. */
export interface DocumentRole {
  expect?: 'index' | 'manifest';
  /** The layout folder (or `.tar`) for the layout checks. */
  layout?: string;
  /** The document is that layout's own index.json. */
  layoutIndex?: boolean;
  /** Checked only if its text reads as an index or manifest. */
  byContent: boolean;
}

/** Finds the layout a file is in (an ancestor folder with `oci-layout`); results are kept until `forget()`. */
export class LayoutFinder {
  private readonly known = new Map<string, Promise<boolean>>();

  isLayout(dir: string): Promise<boolean> {
    let found = this.known.get(dir);
    if (!found) {
      found = stat(join(dir, 'oci-layout')).then((s) => s.isFile(), () => false);
      this.known.set(dir, found);
    }
    return found;
  }

  async layoutAbove(file: string): Promise<string | undefined> {
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if (await this.isLayout(dir)) return dir;
      if (dirname(dir) === dir) return undefined;
    }
  }

  forget(): void {
    this.known.clear();
  }
}

/** undefined: not a document Manifold checks. */
export async function roleOf(uri: vscode.Uri, finder: LayoutFinder): Promise<DocumentRole | undefined> {
  // The formatted view of a stored index is checked as that index is.
  const stored = parseStoredIndexUri(storedOfFormatted(uri) ?? uri);
  if (stored) return { expect: 'index', layout: stored.layout, byContent: false };
  if (uri.scheme === DOCUMENT_SCHEME) {
    // The tree's read-only documents: manifests and indexes of a layout (configs and listings are not checked).
    try {
      const req = parseDocumentQuery(uri.query);
      if (req.view !== 'manifest') return undefined;
      return { expect: isImageIndex(req.mediaType) ? 'index' : 'manifest', layout: req.layout, byContent: false };
    } catch {
      return undefined;
    }
  }
  if (uri.scheme === 'untitled') return { byContent: true };
  if (uri.scheme !== 'file') return undefined;
  const path = uri.fsPath;
  if (basename(path) === 'index.json' && (await finder.isLayout(dirname(path)))) {
    return { expect: 'index', layout: dirname(path), layoutIndex: true, byContent: false };
  }
  const layout = await finder.layoutAbove(path);
  const named = kindByName(path);
  return named ? { expect: named, layout, byContent: false } : { layout, byContent: true };
}
