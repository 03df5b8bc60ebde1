import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { CoverageModel } from '../../shared/coverageProtocol';
import { manifestFrom, plainArgs, sourceManifestFrom } from '../commands/args';
import { storedIndexOf } from '../documents/storedIndexOf';
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
  if (arg instanceof vscode.Uri) return storedIndexOf(services, arg);
  const plain = plainArgs(arg);
  if ((arg instanceof Node && arg.source?.ref.kind === 'registry') || typeof plain.registry === 'string') {
    const m = await sourceManifestFrom(services, arg, title);
    return { ref: m.ref, reference: m.tag ?? m.desc.digest };
  }
  const m = await manifestFrom(services, arg, title, { indexOnly: true });
  return { ref: { kind: 'layout', path: m.layout.path }, reference: m.tag ?? m.desc.digest };
}
