import { basename, dirname, join } from 'node:path';
import { stripComments } from 'jsonc-parser';
import vscode = require('vscode');
import { diagnose, looksLikeOciDocument, type BlobFacts, type Finding, type QuickFix } from '../../oci/indexDocument';
import type { ReadOnlyTarget } from '../../oci/target';
import { findJsonSyntaxError, specLink } from '../../oci/validate';
import { openRegular } from '../../oci/layout/regularFile';
import { isOciError } from '../../oci/errors';
import type { Services } from '../services';
import { roleOf, LayoutFinder, type DocumentRole } from '../documents/documentRole';
import { rangeMapper } from './ranges';

const DEBOUNCE_MS = 300;
// Layouts' index.json files nobody has open are checked in the background: later, and lighter.
const BACKGROUND_DELAY_MS = 3000;
// Reading every blob of a large document (its manifests and their configs) is left to when it is open and small.
const DEEP_CHECK_MAX_CHARS = 1 << 20;
const EXCLUDE = '{**/node_modules/**,**/.manifold-tmp/**,**/.git/**}';
export const DIAGNOSTIC_SOURCE = 'manifold';

/**
 * Whether VS Code's own JSON language already reports this syntax error in a document of `languageId`: JSON
 * reports every one, JSON with Comments every one but comments (they are fine there, not in an OCI document).
 * A file nobody has open (a layout's index.json checked on disk) has only ours.
 */
export function vsCodeReportsSyntax(languageId: string, text: string): boolean {
  if (languageId === 'json') return true;
  return languageId === 'jsonc' && findJsonSyntaxError(stripComments(text)) !== undefined;
}

/**
 * An open document VS Code will save in another encoding than UTF-8 (with a byte order mark, UTF-16): the text
 * reads as JSON in the editor, yet Go's encoding/json (oras, containerd, registries) refuses the bytes saved, and
 * every digest is of those bytes. VS Code hides the mark from the text, so only the document's encoding tells.
 */
export function encodingFindings(document: { encoding?: string }): Finding[] {
  const encoding = document.encoding;
  if (encoding === undefined || encoding === 'utf8') return [];
  const what = encoding === 'utf8bom' ? 'UTF-8 with a byte order mark' : encoding;
  return [
    {
      path: '',
      segments: [],
      code: 'invalid-json',
      severity: 'error',
      message: `this file is saved as ${what}: OCI readers (Go's encoding/json in oras, containerd, registries) take UTF-8 without a byte order mark; change the file's encoding to UTF-8`,
      link: specLink('invalid-json'),
      offset: 0,
      length: 0,
    },
  ];
}

/** A fix as offered on one diagnostic: matched back by range and code when VS Code asks for code actions. */
export interface OfferedFix {
  range: vscode.Range;
  code: string;
  fix: QuickFix;
}

/**
 * The Problems panel for OCI documents: the core validator and the layout checks on every index and manifest
 * open in an editor, debounced while typing, and on every layout's index.json whether open or not (read from
 * disk, re-read when it changes). A run that a newer edit overtakes is cancelled and its result dropped.
 */
export class OciDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, AbortController>();
  private readonly offered = new Map<string, { version: number | undefined; fixes: OfferedFix[] }>();
  /** Documents seen as OCI documents stay checked while half-typed (when their text no longer reads as one). */
  private readonly recognized = new Set<string>();
  /** index.json files of the known layouts, checked from disk when not open. */
  private layoutIndexes = new Set<string>();
  private readonly finder = new LayoutFinder();
  // Blob facts are content-addressed: one cache for the session.
  private readonly cache = new Map<string, BlobFacts>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    const w = vscode.workspace;
    this.subscriptions.push(
      this.collection,
      w.onDidOpenTextDocument((d) => this.schedule(d.uri, 0)),
      w.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document.uri, DEBOUNCE_MS);
      }),
      w.onDidCloseTextDocument((d) => this.closed(d.uri)),
      services.layouts.onDidChangeFolders(() => void this.scanLayouts()),
      // The layouts found again (Refresh, or an oci-layout come or gone): the watcher can miss a file written into a
      // folder made a moment before, so this is when the Problems panel learns of a new layout's index.json too.
      services.tree.onDidListRoots(() => void this.scanLayouts()),
    );
    const watcher = services.layoutFiles;
    this.subscriptions.push(watcher.onDidChange((u) => this.diskChanged(u)), watcher.onDidCreate((u) => this.diskChanged(u)), watcher.onDidDelete((u) => this.diskChanged(u)));
    for (const d of w.textDocuments) this.schedule(d.uri, 0);
    void this.scanLayouts();
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const a of this.running.values()) a.abort();
    for (const d of this.subscriptions) d.dispose();
  }

  /** The fixes offered on a document's current diagnostics. */
  fixesFor(document: vscode.TextDocument): OfferedFix[] {
    const entry = this.offered.get(document.uri.toString());
    return entry && entry.version === document.version ? entry.fixes : [];
  }

  /** Checks a document now (tests, and after a layout changed). */
  async checkNow(uri: vscode.Uri): Promise<readonly vscode.Diagnostic[]> {
    clearTimeout(this.timers.get(uri.toString()));
    await this.check(uri);
    return this.collection.get(uri) ?? [];
  }

  private async scanLayouts(): Promise<void> {
    const found = await vscode.workspace.findFiles('**/oci-layout', EXCLUDE);
    const dirs = new Set(found.filter((u) => u.scheme === 'file').map((u) => dirname(u.fsPath)));
    for (const added of this.services.layouts.addedFolders()) if (await this.finder.isLayout(added)) dirs.add(added);
    const next = new Set([...dirs].map((d) => join(d, 'index.json')));
    for (const gone of this.layoutIndexes) {
      if (!next.has(gone) && !this.isOpen(vscode.Uri.file(gone))) this.clear(vscode.Uri.file(gone));
    }
    this.layoutIndexes = next;
    for (const path of next) this.schedule(vscode.Uri.file(path), this.isOpen(vscode.Uri.file(path)) ? 0 : BACKGROUND_DELAY_MS);
  }

  private diskChanged(uri: vscode.Uri): void {
    if (basename(uri.fsPath) === 'oci-layout') {
      this.finder.forget();
      void this.scanLayouts();
      return;
    }
    if (this.layoutIndexes.has(uri.fsPath) && !this.isOpen(uri)) this.schedule(uri, BACKGROUND_DELAY_MS);
    // Tags moved or content was added: what open documents of that layout point at may have changed.
    const layout = dirname(uri.fsPath);
    for (const d of vscode.workspace.textDocuments) {
      if (d.uri.toString() !== uri.toString() && this.offered.has(d.uri.toString()) && d.uri.path.startsWith(layout + '/')) this.schedule(d.uri, DEBOUNCE_MS);
    }
  }

  private closed(uri: vscode.Uri): void {
    if (uri.scheme === 'file' && this.layoutIndexes.has(uri.fsPath)) {
      this.schedule(uri, BACKGROUND_DELAY_MS); // back to the copy on disk
      return;
    }
    this.recognized.delete(uri.toString());
    this.clear(uri);
  }

  private clear(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.running.get(key)?.abort();
    this.collection.delete(uri);
    this.offered.delete(key);
  }

  private isOpen(uri: vscode.Uri): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  }

  private schedule(uri: vscode.Uri, delay: number): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.check(uri);
      }, delay),
    );
  }

  private async check(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    this.running.get(key)?.abort();
    const abort = new AbortController();
    this.running.set(key, abort);
    try {
      const document = this.isOpen(uri);
      let text: string | undefined;
      if (document) text = document.getText();
      else if (uri.scheme === 'file' && this.layoutIndexes.has(uri.fsPath)) {
        text = await this.readLayoutIndex(uri);
        if (text === undefined) return;
      } else return;
      const version = document?.version;
      const role = await roleOf(uri, this.finder);
      if (!role || (role.byContent && !this.recognized.has(key) && !looksLikeOciDocument(text))) {
        if (this.offered.has(key)) this.clear(uri);
        return;
      }
      if (role.byContent) this.recognized.add(key);
      const findings = await diagnose(text, {
        expect: role.expect,
        layout: await this.layoutTarget(role),
        layoutName: role.layout ? basename(role.layout) : undefined,
        layoutIndex: role.layoutIndex,
        cache: this.cache,
        deep: document !== undefined && text.length <= DEEP_CHECK_MAX_CHARS,
        concurrency: document ? 16 : 4,
        signal: abort.signal,
      });
      if (abort.signal.aborted || (document && document.version !== version)) return;
      const shown = document && vsCodeReportsSyntax(document.languageId, text) ? findings.filter((f) => f.code !== 'invalid-json') : findings;
      this.publish(uri, text, version, document ? [...encodingFindings(document), ...shown] : shown);
    } catch (err) {
      if (abort.signal.aborted) return;
      this.services.log.warn(`diagnostics of ${uri.toString(true)}: ${(err as Error).message}`);
    } finally {
      if (this.running.get(key) === abort) this.running.delete(key);
    }
  }

  /**
   * A layout's index.json as the layout itself reads it: a named pipe there would hold the read (and one of the
   * extension host's few file threads) until someone writes to it, a link to /dev/zero would never end. Such a
   * file is reported where it is; a file gone (the layout deleted or being rewritten) takes its problems with it.
   */
  private async readLayoutIndex(uri: vscode.Uri): Promise<string | undefined> {
    let opened;
    try {
      opened = await openRegular(dirname(uri.fsPath), uri.fsPath);
    } catch (err) {
      if (!isOciError(err)) throw err;
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), err.message, vscode.DiagnosticSeverity.Error);
      d.source = DIAGNOSTIC_SOURCE;
      this.collection.set(uri, [d]);
      this.offered.delete(uri.toString());
      return undefined;
    }
    if (!opened) {
      this.clear(uri);
      return undefined;
    }
    try {
      return await opened.fh.readFile('utf8');
    } finally {
      await opened.fh.close();
    }
  }

  private async layoutTarget(role: DocumentRole): Promise<ReadOnlyTarget | undefined> {
    if (!role.layout) return undefined;
    try {
      return await this.services.layouts.open(role.layout);
    } catch (err) {
      // An unreadable layout (its index.json broken, say) still gets the validator's findings.
      this.services.log.debug(`diagnostics: layout ${role.layout} not opened: ${(err as Error).message}`);
      return undefined;
    }
  }

  private publish(uri: vscode.Uri, text: string, version: number | undefined, findings: Finding[]): void {
    const toRange = rangeMapper(text);
    const fixes: OfferedFix[] = [];
    const diagnostics = findings.map((f) => {
      const range = toRange(f.offset ?? 0, f.length ?? 0);
      const d = new vscode.Diagnostic(range, f.message, f.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: f.code, target: vscode.Uri.parse(f.link) };
      if (f.fix) fixes.push({ range, code: f.code, fix: f.fix });
      return d;
    });
    this.collection.set(uri, diagnostics);
    this.offered.set(uri.toString(), { version, fixes });
  }
}
