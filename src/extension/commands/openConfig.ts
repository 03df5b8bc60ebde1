import * as l10n from '@vscode/l10n';
import type { Descriptor } from '../../oci/descriptor';
import { manifestName } from '../present/format';
import { readManifestContent } from '../../oci/graph';
import { shortDigest } from '../../oci/reference';
import { BlobNode } from '../tree/nodes';
import type { SourceRef } from '../present/sourceRef';
import type { Services } from '../services';
import { sourceManifestFrom } from './args';

/**
 * `manifold.openConfig`: an image's config as read-only JSON. Arguments: a config node, a tag or manifest
 * node of an image, `{ layout, reference }` or `{ registry, repository, reference }`. Returns the document's URI.
 */
export async function openConfig(services: Services, arg?: unknown): Promise<string> {
  let ref: SourceRef;
  let desc: Descriptor;
  let label: string;
  if (arg instanceof BlobNode && arg.source) {
    ref = arg.source.ref;
    desc = arg.desc;
    label = `${arg.parent.spec().label}-config`;
  } else {
    const target = await sourceManifestFrom(services, arg, l10n.t('Open Config'));
    const content = await readManifestContent(target.target, target.desc);
    if (!content.config) throw new Error(l10n.t('{0} is an index: it has no config; open one of its manifests.', manifestName(target.tag, target.desc.digest)));
    ref = target.ref;
    desc = content.config;
    label = `${target.tag ?? shortDigest(target.desc.digest)}-config`;
  }
  const uri = services.documents.uri('blob', ref, desc, label);
  await services.documents.show(uri);
  return uri.toString();
}
