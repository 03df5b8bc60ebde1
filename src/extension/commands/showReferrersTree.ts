import * as l10n from '@vscode/l10n';
import { shortDigest } from '../../oci/reference';
import type { SubjectNode } from '../referrers/referrersView';
import { RepositoryNode } from '../registries/registryNodes';
import type { Services } from '../services';
import { Node, type SourceNode, type TreeContext } from '../tree/nodes';
import { sourceManifestFrom, sourceReferenceText, type SourceManifest } from './args';

/**
 * `manifold.showReferrersTree`: the referrers of a manifest or index (for an index, of each platform too) in the
 * Referrers view, rows to click and act on. Arguments: a node, `{ layout, reference }` or
 * `{ registry, repository, reference }`. Returns the view's root row.
 */
export async function showReferrersTree(services: Services, arg?: unknown): Promise<SubjectNode> {
  const target = await sourceManifestFrom(services, arg, l10n.t('Show Referrers'));
  const owner = await ownerOf(services, target, arg);
  if (!owner) throw new Error(l10n.t('{0} is not in the Layouts or Registries view: add it there first.', sourceReferenceText(target)));
  // `app:v1` (the layout's or repository's name as its view shows it): the whole reference is in the tooltip.
  const label = `${owner.source.spec().label}${target.tag ? `:${target.tag}` : `@${shortDigest(target.desc.digest)}`}`;
  const root = await services.referrers.show(owner.source, owner.ctx, target.desc, label);
  await services.referrersView.reveal(root, { select: true, focus: true, expand: true });
  return root;
}

/**
 * `manifold.showReferrersText`: what the Referrers view shows (or a given manifest's tree), as the text `discover
 * --recursive` prints, in a read-only document to copy from. Returns the text.
 */
export async function showReferrersText(services: Services, arg?: unknown): Promise<string> {
  const root = services.referrers.root;
  const target = await sourceManifestFrom(services, arg ?? root, l10n.t('Show Referrers as Text'));
  const uri = services.documents.uri('referrers', target.ref, target.desc, sourceReferenceText(target));
  const editor = await services.documents.show(uri);
  return editor.document.getText();
}

/** The node of the Layouts or Registries view the manifest is read from, with that view's context. */
async function ownerOf(services: Services, target: SourceManifest, arg: unknown): Promise<{ source: SourceNode; ctx: TreeContext } | undefined> {
  const ctxOf = (source: SourceNode): TreeContext => (source.ref.kind === 'layout' ? services.tree.ctx : services.registriesTree.ctx);
  if (arg instanceof Node && arg.source) return { source: arg.source, ctx: ctxOf(arg.source) };
  const ref = target.ref;
  if (ref.kind === 'layout') {
    const layout = await services.tree.findLayout(ref.path);
    return layout && { source: layout, ctx: services.tree.ctx };
  }
  const registry = (await services.registriesTree.registries()).find((r) => r.host === ref.registry);
  if (!registry) return undefined;
  const repository = (await registry.children(services.registriesTree.ctx)).find((n): n is RepositoryNode => n instanceof RepositoryNode && n.name === ref.repository);
  return repository && { source: repository, ctx: services.registriesTree.ctx };
}

