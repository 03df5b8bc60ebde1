import * as l10n from '@vscode/l10n';
import type { Descriptor } from '../../oci/descriptor';
import { readDeclaredKind } from '../../oci/graph/declaredKind';
import { isImageIndex } from '../../oci/mediaType';
import { checkedSubjects } from '../../oci/referrers';
import { pickOne } from '../ui/prompts';
import type { SourceManifest } from './args';

/**
 * What Sign Image and Attest sign: the image alone, or for an index (asked, unless `recursive` says) the index and
 * every manifest below it. `texts` are the question and the CLI's flag the "every" answer stands for.
 */
export async function signingSubjects(
  m: SourceManifest,
  shown: string,
  title: string,
  recursive: unknown,
  texts: { placeHolder: string; recursive: string },
): Promise<Descriptor[]> {
  const own = (await readDeclaredKind(m.target, m.desc))?.desc ?? m.desc;
  if (!isImageIndex(own.mediaType) || recursive === false) return [own];
  // As the CLI's --recursive (and verify's): buildx's attestation entries describe a platform, not images of their own.
  const all = async () => (await checkedSubjects(m.target, m.desc.digest, { recursive: true })).subjects.map((s) => s.desc);
  if (recursive === true) return all();
  const every = { label: l10n.t('{0} and every manifest below it', shown), description: texts.recursive, every: true };
  const only = { label: l10n.t('{0} only', shown), description: l10n.t('the index itself'), every: false };
  const picked = await pickOne([every, only], { title, placeHolder: texts.placeHolder });
  return picked.every ? all() : [own];
}
