import type { Readable } from 'node:stream';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Descriptor } from '../../oci/descriptor';
import { MAX_TEXT_BYTES, readBlobText } from '../../oci/artifacts/blobContent';
import { isDigest } from '../../oci/digest';
import { isOciError } from '../../oci/errors';
import type { ReadOnlyTarget } from '../../oci/target';
import { rawText } from '../present/rawText';
import { goIndent } from '../../oci/encoding/goJson';
import { discover } from '../../oci/referrers';
import { inspectImage, inspectText } from '../../oci/signatures';
import { sourcePath } from '../../oci/sourceRef';
import { DOCUMENT_SCHEME, documentUriParts, parseDocumentQuery, type DocumentRequest, type DocumentView } from '../present/documentUri';
import { renderReferrersTree } from '../present/referrersTree';
import { renderIndexGraph } from '../present/indexGraphText';
import { fetchIndexGraph } from '../../oci/imageIndex/diff';
import type { SourceRef } from '../present/sourceRef';
import type { Sources } from '../sources';

/**
 * Read-only documents under `manifold:`: a manifest or config as indented JSON (the bytes verified against
 * their digest on the way), the referrers tree, an image's signatures as `inspect` shows them, or an index
 * summarized for a comparison. Manifests are content-addressed, so only the referrers tree and the signatures (and an
 * index summary's referrers) change; those two are re-rendered when their layout is refreshed.
 */
export class ManifestDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly sources: Sources) {}

  dispose(): void {
    this.changed.dispose();
  }

  uri(view: DocumentView, source: SourceRef, desc: Descriptor, label: string): vscode.Uri {
    const parts = documentUriParts({ view, source, digest: desc.digest, mediaType: desc.mediaType, size: desc.size, label });
    return vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: parts.path, query: parts.query });
  }

  async show(uri: vscode.Uri): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const req = parseDocumentQuery(uri.query);
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      return await this.render(req, abort.signal);
    } finally {
      sub.dispose();
    }
  }

  /** Re-renders the open referrers and signatures documents of a layout. */
  layoutChanged(layout: string): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== DOCUMENT_SCHEME) continue;
      const req = safeParse(doc.uri.query);
      if ((req?.view === 'referrers' || req?.view === 'signatures') && req.source.kind === 'layout' && req.source.path === layout) this.changed.fire(doc.uri);
    }
  }

  private async render(req: DocumentRequest, signal: AbortSignal): Promise<string> {
    const store = await this.sources.open(req.source);
    const desc: Descriptor = { mediaType: req.mediaType, digest: req.digest, size: req.size };
    if (req.view === 'referrers') {
      const root = await discover(store, req.digest, { recursive: true, signal });
      return renderReferrersTree(req.label, root);
    }
    // As `inspect --recursive`: an index's every manifest below it; claims as they read, nothing trusted.
    if (req.view === 'signatures') return inspectText(sourcePath(req.source), await inspectImage(store, req.digest, { recursive: true, signal }));
    if (req.view === 'indexSummary') return renderIndexGraph(await fetchIndexGraph(store, desc, req.label, { signal }));
    if (req.view === 'raw') return rawDocument(store, desc, signal);
    // Configs and text layers (an SBOM, an end-of-life note): verified, at most 4 MiB, refused when not text.
    const text = await readBlobText(store, desc, { signal });
    try {
      JSON.parse(text);
    } catch {
      return text; // a config that is not JSON is shown as it is
    }
    return goIndent(text) + '\n';
  }
}

/**
 * What is held under a digest, as it is: the bytes read through the verifying stream are kept even when it fails
 * at their end (a digest that does not match), so a damaged document shows what was sent. When nothing can be read
 * (not there, a size the registry contradicts), the document says why instead: it must open, as the check's
 * problem is on it. `desc.digest` may be a tag: one the check could not resolve.
 */
async function rawDocument(store: ReadOnlyTarget, desc: Descriptor, signal: AbortSignal): Promise<string> {
  const nothing = (err: unknown) => l10n.t('Nothing was read: {0}', (err as Error).message) + '\n';
  let read = desc;
  if (!isDigest(desc.digest)) {
    // A tag the check could not resolve: what resolving it answers now.
    try {
      read = await store.resolve(desc.digest, { signal });
    } catch (err) {
      if (signal.aborted) throw err;
      return nothing(err);
    }
  }
  const chunks: Buffer[] = [];
  let length = 0;
  let stopped: string | undefined;
  try {
    const stream = await store.fetch(read, { signal });
    // 'data' as each chunk passes: a stream that fails at its end drops what it still buffers, so no async iterator.
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length > MAX_TEXT_BYTES) (stream as Readable).destroy();
      });
      stream.on('error', reject);
      stream.on('close', resolve);
      stream.on('end', resolve);
    });
  } catch (err) {
    if (signal.aborted) throw err;
    if (length === 0) return nothing(err);
    // A digest that does not match is found once every byte is read: those are all there is. Else a part was read.
    if (!isOciError(err, 'DIGEST_MISMATCH')) stopped = l10n.t('[the read stopped after {0} bytes: {1}]', length, (err as Error).message);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length > MAX_TEXT_BYTES) stopped = l10n.t('[the first {0} bytes of {1} shown]', MAX_TEXT_BYTES, read.size);
  const text = rawText(bytes.subarray(0, MAX_TEXT_BYTES));
  return stopped ? `${text}\n${stopped}\n` : text;
}

function safeParse(query: string): DocumentRequest | undefined {
  try {
    return parseDocumentQuery(query);
  } catch {
    return undefined;
  }
}
