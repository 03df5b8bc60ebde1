import * as vscode from 'vscode';
import { readManifestContent } from '../../oci/graph';
import { shortDigest } from '../../oci/reference';
import { BlobNode } from '../layouts/nodes';
import type { Services } from '../services';
import { layoutFrom, manifestFrom } from './args';

/**
 * `manifold.openConfig`: an image's config as read-only JSON. Arguments: a config node, a tag or manifest
 * node of an image, or `{ layout, reference }`. Returns the document's URI as a string.
 */
export async function openConfig(s: Services, arg?: unknown): Promise<string> {
  const title = vscode.l10n.t('Open Config');
  let layout: string;
  let desc;
  let label: string;
  if (arg instanceof BlobNode) {
    layout = (await layoutFrom(s, arg, title)).path;
    desc = arg.desc;
    label = `${arg.parent.spec().label}-config`;
  } else {
    const target = await manifestFrom(s, arg, title);
    const content = await readManifestContent(target.layout.store, target.desc);
    if (!content.config) throw new Error(vscode.l10n.t('{0} is an index: it has no config; open one of its manifests.', target.tag ?? shortDigest(target.desc.digest)));
    layout = target.layout.path;
    desc = content.config;
    label = `${target.tag ?? shortDigest(target.desc.digest)}-config`;
  }
  const uri = s.documents.uri('blob', layout, desc, label);
  await s.documents.show(uri);
  return uri.toString();
}
