import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { digestOf } from '../../oci/digest';
import type { CoverageModel } from '../../shared/coverageProtocol';
import { manifestFrom, plainArgs, sourceManifestFrom } from '../commands/args';
import { parseStoredIndexUri } from '../documents/indexUri';
import type { Services } from '../services';
import { Node } from '../tree/nodes';
import { type CoverageSubject, CoverageViews } from './coverageView';

const views = new WeakMap<Services, CoverageViews>();

/** The coverage pages of this activation (made on first use; `services.coverage` lets the host tests read them). */
export function coverageViews(services: Services): CoverageViews {
  let v = views.get(services);
  if (!v) {
    v = new CoverageViews(services);
    views.set(services, v);
    services.coverage = v;
  }
  return v;
}

/**
 * `manifold.showCoverage`: a page with the matrix of an image's manifests (the index, each platform) by kind of
 * referrer (signature, SBOM, provenance, end-of-life, ...), gaps marked, and per kind a button that attaches to
 * the platforms lacking it. Arguments: a tree node (Layouts or Registries), `{ layout, reference }`,
 * `{ registry, repository, reference }`, or the URI of an index in the index editor; from the palette, a layout's
 * index picked. Returns what the page shows.
 */
export async function showCoverage(services: Services, arg?: unknown): Promise<CoverageModel> {
  return coverageViews(services).show(await coverageSubject(services, arg, l10n.t('Show Referrer Coverage')));
}

async function coverageSubject(services: Services, arg: unknown, title: string): Promise<CoverageSubject> {
  if (arg instanceof vscode.Uri) return documentSubject(services, arg);
  const plain = plainArgs(arg);
  if ((arg instanceof Node && arg.source?.ref.kind === 'registry') || typeof plain.registry === 'string') {
    const m = await sourceManifestFrom(services, arg, title);
    return { ref: m.ref, reference: m.tag ?? m.desc.digest };
  }
  const m = await manifestFrom(services, arg, title, { indexOnly: true });
  return { ref: { kind: 'layout', path: m.layout.path }, reference: m.tag ?? m.desc.digest };
}

/**
 * The index an index editor shows: a stored one names its layout and tag; a file is looked up by its digest in
 * the layout it is in (coverage is of what is stored: unsaved changes are not attached to anything yet).
 */
async function documentSubject(services: Services, uri: vscode.Uri): Promise<CoverageSubject> {
  const stored = parseStoredIndexUri(uri);
  if (stored) return { ref: { kind: 'layout', path: stored.layout }, reference: stored.reference };
  const folder = uri.scheme === 'file' ? services.layouts.layoutOf(uri.fsPath) : undefined;
  const name = vscode.workspace.asRelativePath(uri, true);
  if (!folder) throw new Error(l10n.t('{0} is not in an OCI image layout: referrer coverage is of an index stored in one.', name));
  const digest = digestOf(Buffer.from((await vscode.workspace.openTextDocument(uri)).getText(), 'utf8'));
  const store = await services.layouts.open(folder.path);
  if (!(await store.exists({ mediaType: '', digest, size: 0 }).catch(() => false))) {
    throw new Error(l10n.t('The index in {0} is not stored in the layout {1} (save it there first).', name, folder.path));
  }
  return { ref: { kind: 'layout', path: folder.path }, reference: digest };
}
