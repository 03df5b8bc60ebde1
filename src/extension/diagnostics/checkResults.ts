import { join } from 'node:path';
import vscode = require('vscode');
import type { CheckProblem } from '../../oci/check';
import type { Descriptor } from '../../oci/descriptor';
import { locate, parseText } from '../../oci/indexDocument';
import { parsePath, type PathSegment } from '../../oci/validate';
import { checkDocumentOf, checkProblemMessage } from '../present/checkText';
import { sourceName, type SourceRef } from '../present/sourceRef';
import type { Services } from '../services';

export const CHECK_SOURCE = 'manifold check';
/** Verify Signatures' results: a collection of their own (a check never clears them, nor they a check's). */
export const VERIFY_SOURCE = 'manifold verify';
/** Verify Attestations' results: a collection of their own too. */
export const ATTESTATIONS_SOURCE = 'manifold attestations';

const SEVERITY: Record<CheckProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The codes that, at a document's root, are about its bytes rather than its content (see src/oci/check). */
const OWN_BYTES = new Set(['blob-unreadable', 'blob-missing', 'invalid-json']);

interface DocumentProblems {
  uri: vscode.Uri;
  diagnostics: vscode.Diagnostic[];
}

/**
 * The Problems panel's entries of "Check Image" and "Check Layout", in a collection of their own: the live
 * diagnostics of open documents never clear them, and a run replaces only its own (the same image checked again)
 * and, for a layout's or repository's check, those of the images in it, while the results of other images stay.
 * Two runs that reach one document both show there, a problem both found once.
 */
export class CheckResults implements vscode.Disposable {
  readonly collection: vscode.DiagnosticCollection;
  private readonly runs = new Map<string, Map<string, DocumentProblems>>();

  constructor(private readonly source: string = CHECK_SOURCE) {
    this.collection = vscode.languages.createDiagnosticCollection(source.replace(' ', '-'));
  }

  dispose(): void {
    this.collection.dispose();
  }

  /** Publishes the problems of the run `key` (replacing its last), each on its document at its JSON path. */
  async publish(services: Services, key: string, subject: { ref: SourceRef; seen: ReadonlyMap<string, Descriptor> }, problems: readonly CheckProblem[]): Promise<vscode.Uri[]> {
    const byUri = new Map<string, DocumentProblems>();
    const layout = subject.ref.kind === 'layout' ? { path: subject.ref.path, name: sourceName(subject.ref) } : undefined;
    const texts = new Map<string, Promise<vscode.TextDocument | undefined>>();
    const open = (uri: vscode.Uri): Promise<vscode.TextDocument | undefined> => {
      let doc = texts.get(uri.toString());
      if (!doc) {
        doc = Promise.resolve(vscode.workspace.openTextDocument(uri)).then(
          (d) => d,
          (err: Error) => void services.log.debug(`check: ${uri.toString(true)} not opened: ${err.message}`),
        );
        texts.set(uri.toString(), doc);
      }
      return doc;
    };
    for (const p of problems) {
      let uri = documentUri(services, subject, p);
      if (!uri) continue;
      let path = p.path;
      // A problem of a document's own bytes (its digest, not JSON, a byte order mark) is not in its text: the text
      // cannot be shown, or hides it (an editor drops a byte order mark).
      const own = p.path === '' && OWN_BYTES.has(p.code);
      let doc = own ? undefined : await open(uri);
      // Such a document is marked where it is listed: its entry in the index that refers to it, or else (a tag's)
      // in the layout's index.json.
      const parentUri = !doc && p.listedIn ? documentUri(services, subject, { ...p, ...p.listedIn, document: 'index' }) : undefined;
      const parentDoc = parentUri && (await open(parentUri));
      if (parentDoc) [uri, doc, path] = [parentUri, parentDoc, p.listedIn!.path];
      if (!doc && layout) {
        const index = vscode.Uri.file(join(layout.path, 'index.json'));
        const indexDoc = await open(index);
        const at = indexDoc ? entryOf(indexDoc.getText(), p.digest) : -1;
        if (at >= 0) [uri, doc, path] = [index, indexDoc, `manifests[${at}]`];
      }
      // Else (a registry's tag, a referrer: nothing stored lists it) on its bytes as they are, escaped where they
      // are not text: a problem on a document that cannot open tells the user nothing they can look at.
      const raw = doc ? undefined : documentUri(services, subject, p, 'raw');
      const rawDoc = raw && (await open(raw));
      if (rawDoc) [uri, doc] = [raw, rawDoc];
      // The bytes as a whole: their first character, not a JSON field the raw text may happen to hold.
      const range = rawDoc && own ? new vscode.Range(0, 0, 0, Math.min(1, rawDoc.lineAt(0).text.length)) : rangeOf(doc, path, p.code);
      const d = new vscode.Diagnostic(range, checkProblemMessage(p, layout, { alwaysLed: this.source !== CHECK_SOURCE }), SEVERITY[p.severity]);
      d.source = this.source;
      d.code = p.link ? { value: p.code, target: vscode.Uri.parse(p.link) } : p.code;
      let entry = byUri.get(uri.toString());
      if (!entry) byUri.set(uri.toString(), (entry = { uri, diagnostics: [] }));
      entry.diagnostics.push(d);
    }
    // A layout's or repository's check (key: the source) covers every image in it: their own runs' results go.
    const replaced = [...this.runs.keys()].filter((k) => k === key || k.startsWith(`${key} `));
    const touched = new Map<string, vscode.Uri>();
    for (const k of replaced) {
      for (const [u, v] of this.runs.get(k)!) touched.set(u, v.uri);
      this.runs.delete(k);
    }
    this.runs.set(key, byUri);
    for (const [u, v] of byUri) touched.set(u, v.uri);
    for (const [u, uri] of touched) {
      const all = unique([...this.runs.values()].flatMap((run) => run.get(u)?.diagnostics ?? []));
      if (all.length > 0) this.collection.set(uri, all);
      else this.collection.delete(uri);
    }
    return [...byUri.values()].map((e) => e.uri);
  }
}

/** One of each: an image's check and its layout's may both have found a problem at the same place. */
function unique(diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.range.start.line}:${d.range.start.character} ${d.severity} ${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The `manifold:` document of the manifest, index or config a problem is in (or its `raw` bytes); a layout's
 * index.json for its entries; a registry's tag that cannot be resolved, what resolving it answers.
 */
function documentUri(services: Services, subject: { ref: SourceRef; seen: ReadonlyMap<string, Descriptor> }, p: CheckProblem, view?: 'raw'): vscode.Uri | undefined {
  const doc = checkDocumentOf(p);
  if (!doc) {
    if (subject.ref.kind === 'layout' && !view) return vscode.Uri.file(join(subject.ref.path, 'index.json'));
    // A registry's tag that cannot be resolved: what resolving it answers, in a document of its own (named by the tag).
    if (p.document === 'tag' && p.where) return services.documents.uri('raw', subject.ref, { mediaType: '', digest: p.where, size: 0 }, p.where);
    return undefined;
  }
  const desc = subject.seen.get(p.digest) ?? { mediaType: '', digest: p.digest, size: 0 };
  return services.documents.uri(view ?? doc.view, subject.ref, desc, doc.label);
}

function rangeOf(doc: vscode.TextDocument | undefined, path: string, code: string): vscode.Range {
  if (!doc) return new vscode.Range(0, 0, 0, 0);
  let segments: PathSegment[];
  try {
    segments = parsePath(path);
  } catch {
    segments = [];
  }
  const span = locate(parseText(doc.getText()), { segments, code });
  return new vscode.Range(doc.positionAt(span.offset), doc.positionAt(span.offset + span.length));
}

const results = new WeakMap<Services, Map<string, CheckResults>>();

/** The check results of this activation (made on first use, disposed with the extension); `source` VERIFY_SOURCE: Verify Signatures'. */
export function checkResults(services: Services, source: string = CHECK_SOURCE): CheckResults {
  let all = results.get(services);
  if (!all) results.set(services, (all = new Map()));
  let r = all.get(source);
  if (!r) {
    r = new CheckResults(source);
    all.set(source, r);
    services.context.subscriptions.push(r);
  }
  return r;
}

/** The index of the entry of a layout's index.json (its text) that lists `digest`, or -1. */
function entryOf(text: string, digest: string): number {
  try {
    const manifests = (JSON.parse(text) as { manifests?: Array<{ digest?: unknown }> }).manifests;
    return Array.isArray(manifests) && digest ? manifests.findIndex((m) => m?.digest === digest) : -1;
  } catch {
    return -1;
  }
}
