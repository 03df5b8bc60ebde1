import { dirname, resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { isOciError } from '../../oci/errors';
import { OTHER_KIND, referrerCoverage } from '../../oci/referrers';
import { shortDigest } from '../../oci/reference';
import { shownName } from '../../oci/shownName';
import type { CoverageModel, FromWebview, ToWebview } from '../../shared/coverageProtocol';
import { indexStamp } from '../layouts/layoutNodes';
import { sourceKey, sourceReference, type SourceRef } from '../present/sourceRef';
import type { Services } from '../services';
import { untrustedMessage } from '../trust';
import { pickOne } from '../ui/prompts';
import { coverageModel, type ModelOptions } from './coverageModel';
import { readPublicKeyFile, type VerifyKey } from '../../oci/signatures';
import type { ReadOnlyTarget } from '../../oci/target';
import { DigestReads } from '../../oci/digestReads';
import { configuredKeyFiles, SIGNATURE_KEYS_SETTING } from '../settings/signatureKeys';
import { referrerKindTable } from '../settings/referrerKinds';
import { NOTARY_ROOTS_SETTING, NOTARY_TRUST_POLICY_SETTING } from '../settings/notaryTrust';
import { configuredTrust, type SignatureTrust } from '../settings/signatureTrust';
import { verifyTrusted, verifyTrustedAttestations } from '../commands/verifyTrusted';
import { webviewPage } from '../ui/webviewPage';
import { oneRunReads } from '../../oci/oneRunReads';

export const COVERAGE_VIEW_TYPE = 'manifold.coverage';
const DEBOUNCE_MS = 300;
const POLL_MS = 3000;

/** What a coverage page shows: an image by tag (followed when the tag moves) or digest, in a layout or on a registry. */
export interface CoverageSubject {
  ref: SourceRef;
  reference: string;
}

/** The open coverage pages, one per image; what each last showed (the host tests read it through `shown`). */
export class CoverageViews {
  private readonly views = new Map<string, CoverageView>();

  constructor(private readonly services: Services) {}

  /** Opens (or brings forward and reads again) the page of `subject`; resolves to what it shows. */
  show(subject: CoverageSubject): Promise<CoverageModel> {
    const key = keyOf(subject);
    let view = this.views.get(key);
    if (view) view.panel.reveal();
    else {
      view = new CoverageView(this.services, subject);
      this.views.set(key, view);
      view.panel.onDidDispose(() => this.views.delete(key));
    }
    return view.refresh();
  }

  /** What the page of `{ layout, reference }` (or a registry's) shows now; undefined when none is open or it is loading. */
  shown(subject: CoverageSubject): CoverageModel | undefined {
    return this.views.get(keyOf(subject))?.model;
  }
}

const keyOf = (s: CoverageSubject) => `${sourceKey(s.ref.kind === 'layout' ? { kind: 'layout', path: resolve(s.ref.path) } : s.ref)}|${s.reference}`;

/** One coverage page: reads the report, sends the page its model, acts on its clicks. */
class CoverageView {
  readonly panel: vscode.WebviewPanel;
  model: CoverageModel | undefined;
  private ready = false;
  private reading: Promise<CoverageModel> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  /** The layout's index.json as last read (inode, size, time), for the poll. */
  private stamp: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The page's reads by digest, kept for its life. */
  private readonly reads = new DigestReads();

  constructor(
    private readonly services: Services,
    private readonly subject: CoverageSubject,
  ) {
    const media = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'coverage');
    const dist = vscode.Uri.joinPath(services.context.extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel(COVERAGE_VIEW_TYPE, l10n.t('Coverage: {0}', shownName(this.title())), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media, dist],
      retainContextWhenHidden: true,
    });
    this.subscriptions.push(this.panel.webview.onDidReceiveMessage((m: FromWebview) => void this.receive(m)));
    if (subject.ref.kind === 'layout') {
      // The workspace-wide watcher of index.json files (shared; its owner disposes it): any write to this layout.
      const layout = resolve(subject.ref.path);
      const changed = (uri: vscode.Uri) => {
        if (resolve(dirname(uri.fsPath)) === layout) this.refreshSoon();
      };
      const files = services.layoutFiles;
      this.subscriptions.push(files.onDidChange(changed), files.onDidCreate(changed), files.onDidDelete(changed));
      // Watchers miss events now and then (mounts, folders outside the workspace): while the page is visible,
      // index.json is also looked at every few seconds, as the Layouts view does (layouts/watcher.ts).
      const poller = setInterval(() => void this.poll(layout), POLL_MS);
      this.subscriptions.push({ dispose: () => clearInterval(poller) });
    }
    this.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('manifold') && this.refreshSoon()));
    this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshSoon()));
    this.panel.onDidDispose(() => {
      clearTimeout(this.timer);
      for (const s of this.subscriptions) s.dispose();
    });
    this.panel.webview.html = webviewPage(this.panel.webview, {
      css: vscode.Uri.joinPath(media, 'coverage.css'),
      script: vscode.Uri.joinPath(dist, 'coverage.js'),
      title: l10n.t('Referrer coverage'),
    });
  }

  private title(): string {
    const { ref, reference } = this.subject;
    const name = ref.kind === 'layout' ? ref.path.split(/[\\/]/).filter(Boolean).pop() ?? ref.path : ref.repository;
    return `${name}${reference.includes(':') ? '@' + shortDigest(reference) : ':' + reference}`;
  }

  /** Reads the coverage again and sends it; a call while reading reads once more after. */
  refresh(): Promise<CoverageModel> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.post({ type: 'loading' });
    this.reading = this.read()
      .then(
        (model) => {
          this.model = model;
          this.post({ type: 'model', model });
          return model;
        },
        (err: unknown) => {
          this.model = undefined;
          const text = isOciError(err) ? err.message : (err as Error)?.message ?? String(err);
          this.services.log.warn(`coverage of ${sourceReference(this.subject.ref, this.subject.reference)}: ${text}`);
          this.post({ type: 'error', message: text });
          throw err;
        },
      )
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          void this.refresh().catch(() => undefined);
        }
      });
    return this.reading;
  }

  private async poll(layout: string): Promise<void> {
    if (!this.panel.visible || this.reading || this.stamp === undefined) return;
    const now = await indexStamp(layout);
    if (now !== undefined && now !== this.stamp) this.refreshSoon();
  }

  private refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh().catch(() => undefined), DEBOUNCE_MS);
  }

  private async read(): Promise<CoverageModel> {
    const { ref, reference } = this.subject;
    if (ref.kind === 'layout') this.stamp = await indexStamp(ref.path);
    // The three walks of one read (coverage, signatures, attestations) ask each manifest's referrers, the reference
    // and cosign's tags once (oneRunReads), as `coverage --key` does; each read asks them anew.
    const target = oneRunReads(await this.services.sources.open(ref));
    const kinds = referrerKindTable();
    const report = await referrerCoverage(target, reference, { kinds });
    // Through what the page read before: a refresh re-verifies (the keys may have changed) without reading the
    // signature and attestation manifests and payloads again, only what lists them.
    const checked = await verifyWithSettings(this.reads.over(target), reference, ref);
    return coverageModel(report, { reference: sourceReference(ref, reference), name: this.title(), titleOf: kindTitle, kinds, attachBlocked: this.attachBlocked(), signable: this.signable(), ...checked });
  }

  /** Signing writes beside the image: in a layout folder (not an archive) or on its registry, from a trusted workspace. */
  private signable(): boolean {
    const { ref } = this.subject;
    if (!vscode.workspace.isTrusted) return false;
    return ref.kind === 'registry' || !this.services.layouts.layoutOf(ref.path)?.readOnly;
  }

  private attachBlocked(): string | undefined {
    const { ref } = this.subject;
    if (ref.kind === 'registry') return l10n.t('Attaching works on layouts: pull the image into a layout to fill the gaps from here.');
    if (this.services.layouts.layoutOf(ref.path)?.readOnly) return l10n.t('This layout is an archive (.tar): it is read-only.');
    if (!vscode.workspace.isTrusted) return untrustedMessage('writes');
    return undefined;
  }

  private post(message: ToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async receive(message: FromWebview): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          this.ready = true;
          // A read under way posts its result now that the page listens.
          if (this.model) this.post({ type: 'model', model: this.model });
          else if (!this.reading) await this.refresh();
          return;
        case 'refresh':
          await this.refresh();
          return;
        case 'open':
          await this.open(message.row, message.kind);
          return;
        case 'attach':
          await this.attach(message.kind);
          return;
        case 'sign':
          await this.sign();
          return;
      }
    } catch (err) {
      // A failed read is on the page already; an open that failed is said there too.
      if ((err as Error)?.name === 'Cancelled' || message.type === 'refresh' || message.type === 'ready') return;
      this.post({ type: 'error', message: (err as Error)?.message ?? String(err) });
    }
  }

  /** Opens the artifact a cell counts (its manifest, read-only); several: the user picks one. */
  private async open(row: number, kind: string): Promise<void> {
    const artifacts = this.model?.rows[row]?.cells.find((c) => c.kind === kind)?.artifacts ?? [];
    if (artifacts.length === 0) return;
    const picked =
      artifacts.length === 1
        ? artifacts[0]!
        : await pickOne(
            artifacts.map((a) => ({ label: shownName(a.type), description: shortDigest(a.digest), detail: a.tag !== undefined ? shownName(a.tag) : a.via.map(viaWords).join(', '), artifact: a })),
            { title: l10n.t('Open Referrer'), placeHolder: l10n.t('{0} of {1}', this.columnTitle(kind), shownName(this.model!.rows[row]!.label)) },
          ).then((p) => p.artifact);
    const { ref } = this.subject;
    const where = ref.kind === 'layout' ? { layout: ref.path } : { registry: ref.registry, repository: ref.repository };
    await vscode.commands.executeCommand('manifold.openManifest', { ...where, reference: picked.digest });
  }

  /** A column's title as the page shows it: a user's kind by its title (escaped as names are), not its id. */
  private columnTitle(kind: string): string {
    const title = this.model?.columns.find((c) => c.id === kind)?.title;
    return title !== undefined ? shownName(title) : (kindTitle(kind) ?? kind);
  }

  /** The attach flow, its targets chosen: the platforms lacking `kind`. Then the page reads the layout again. */
  private async attach(kind: string): Promise<void> {
    const { ref, reference } = this.subject;
    const missing = this.model?.columns.find((c) => c.id === kind)?.missing ?? [];
    if (ref.kind !== 'layout' || missing.length === 0) return;
    await vscode.commands.executeCommand('manifold.attach', { layout: ref.path, reference, platforms: missing });
    await this.refresh();
  }

  /** Sign Image… on the platforms lacking a signature (the key, passphrase and name asked there). Then the page reads again. */
  private async sign(): Promise<void> {
    const { ref, reference } = this.subject;
    const missing = this.model?.columns.find((c) => c.id === 'signature')?.missing ?? [];
    if (missing.length === 0) return;
    const where = ref.kind === 'layout' ? { layout: ref.path } : { registry: ref.registry, repository: ref.repository };
    await vscode.commands.executeCommand('manifold.signImage', { ...where, reference, platforms: missing });
    await this.refresh();
  }
}

/** The built-in kinds' headers in the user's language; a user's kind keeps its own title. */
export function kindTitle(id: string): string | undefined {
  switch (id) {
    case 'signature':
      return l10n.t('Signature');
    case 'sbom':
      return l10n.t('SBOM');
    case 'provenance':
      return l10n.t('Provenance');
    case 'end-of-life':
      return l10n.t('End of life');
    case OTHER_KIND:
      return l10n.t('Other');
    default:
      return undefined;
  }
}

function viaWords(via: string): string {
  if (via === 'buildx') return l10n.t('buildx attestation');
  if (via === 'cosign-tag') return l10n.t('cosign tag');
  return l10n.t('referrer');
}

/**
 * With keys in `manifold.signatureKeys` or identities in `manifold.signatureIdentities`: the image's signatures and
 * attestations verified with them (as Verify Signatures… and Verify Attestations… do), for the cells; a setting that cannot be used (a key file that
 * cannot be read, an identity without roots) said instead, naming the setting (the matrix still shows).
 */
async function verifyWithSettings(target: ReadOnlyTarget, reference: string, image: SourceRef): Promise<Pick<ModelOptions, 'verification' | 'verifyProblem'>> {
  const files = configuredKeyFiles();
  let keys: VerifyKey[];
  let trust: SignatureTrust;
  try {
    trust = await configuredTrust(image);
    if (files.length === 0 && trust.policies.length === 0 && !trust.notary) return {};
    keys = await Promise.all(files.map(async (f) => ({ ...(await readPublicKeyFile(f.path)), name: f.name })));
  } catch (err) {
    const message = (err as Error).message;
    return { verifyProblem: message.startsWith('manifold.') ? message : `${SIGNATURE_KEYS_SETTING}: ${message}` };
  }
  // Both through `target`'s reads: what one reads (the image's manifests, the tags listed) the other does not read again.
  const [report, attestations] = await Promise.all([verifyTrusted(target, reference, keys, trust), verifyTrustedAttestations(target, reference, keys, trust)]);
  // Notary identities read as the others do in the banner ("a certificate for x509.subject: …"); roots alone: any subject.
  const anySubject = l10n.t('any subject ({0})', trust.notary?.policy ? NOTARY_TRUST_POLICY_SETTING : NOTARY_ROOTS_SETTING);
  const notary = trust.notary ? (trust.notaryIdentities?.length ? trust.notaryIdentities : [anySubject]) : [];
  return { verification: { report, attestations, keys: keys.map((k) => k.name), identities: [...trust.identities, ...notary] } };
}
