// The `manifold:` URIs of read-only documents: what to show is in the query, a readable name in the path
// (it becomes the editor tab's title and, through its extension, the language).
import * as l10n from '@vscode/l10n';
import { parseSourceKey, sourceKey, sourceName, type SourceRef } from './sourceRef';

export const DOCUMENT_SCHEME = 'manifold';

/**
 * `indexSummary`: an index's platforms, images and referrers as text (the sides of Compare Index With...). `raw`:
 * the bytes held under a digest as they are, unverified, non-text bytes escaped: where a check's problem with a
 * document's own bytes is shown when nothing stored lists that document. `signatures`: every signature of an image (of
 * each manifest below an index) as `manifold inspect --recursive` prints them.
 */
export type DocumentView = 'manifest' | 'blob' | 'referrers' | 'indexSummary' | 'raw' | 'signatures';

export interface DocumentRequest {
  view: DocumentView;
  /** The layout or repository the content is in. */
  source: SourceRef;
  /** The layout folder when the source is a layout (for callers that only deal with layouts). */
  layout?: string;
  /** For `raw`, a tag too: one a check listed but could not resolve. */
  digest: string;
  mediaType: string;
  size: number;
  /** Shown in the tab title: a tag, a platform, `config`. */
  label: string;
}

const SUFFIX: Record<DocumentView, string> = { manifest: '.json', blob: '.json', referrers: '.referrers.txt', indexSummary: '.index.txt', raw: '.raw.txt', signatures: '.signatures.txt' };

export function documentUriParts(req: DocumentRequest): { path: string; query: string } {
  const name = `${safeName(sourceName(req.source))}/${safeName(req.label)}${SUFFIX[req.view]}`;
  const query = new URLSearchParams({
    view: req.view,
    source: sourceKey(req.source),
    digest: req.digest,
    mediaType: req.mediaType,
    size: String(req.size),
    label: req.label,
  }).toString();
  return { path: `/${name}`, query };
}

export function parseDocumentQuery(query: string): DocumentRequest {
  const q = new URLSearchParams(query);
  const view = q.get('view');
  const size = Number(q.get('size'));
  const source = q.get('source');
  const digest = q.get('digest');
  if (!view || !Object.hasOwn(SUFFIX, view) || !source || !digest || !Number.isSafeInteger(size)) {
    throw new Error(l10n.t('not a Manifold document: {0}', `?${query}`));
  }
  const ref = parseSourceKey(source);
  const req: DocumentRequest = { view: view as DocumentView, source: ref, digest, size, mediaType: q.get('mediaType') ?? '', label: q.get('label') ?? digest };
  if (ref.kind === 'layout') req.layout = ref.path;
  return req;
}

/** A file-name-safe label: tags and platforms keep their look (`linux-arm64-v8`), digests shorten. */
function safeName(label: string): string {
  const cleaned = label.replace(/^(sha256|sha512):([a-f0-9]{12})[a-f0-9]*$/, '$1-$2').replace(/[^A-Za-z0-9._@+-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned || 'document';
}
