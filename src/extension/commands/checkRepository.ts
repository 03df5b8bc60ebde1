import * as l10n from '@vscode/l10n';
import { checkRepositoryTags } from '../../oci/check';
import { RepositoryNode } from '../registries/registryNodes';
import { sourceKey, sourceName, type SourceRef } from '../present/sourceRef';
import type { Services } from '../services';
import { checkWithProgress } from '../ui/checkProgress';
import { plainArgs } from './args';
import { finish, whereText, type CheckOutcome } from './checkRun';

/**
 * `manifold.checkRepository`: every tag of a registry repository checked as Check Image checks one (referrers'
 * fallback tags last), each blob read once. Arguments: a repository node, or `{ registry, repository }`.
 */
export async function checkRepository(services: Services, arg?: unknown): Promise<CheckOutcome> {
  const plain = plainArgs(arg);
  let ref: SourceRef;
  if (arg instanceof RepositoryNode) ref = arg.ref;
  else if (typeof plain.registry === 'string' && typeof plain.repository === 'string') ref = { kind: 'registry', registry: plain.registry, repository: plain.repository };
  else throw new Error(l10n.t('Check Repository: choose a repository in the Registries view'));
  const target = await services.sources.open(ref);
  const name = ref.kind === 'registry' ? ref.repository : sourceName(ref); // team/app: the last segment alone may be ambiguous
  const { report, seen } = await checkWithProgress(l10n.t('Checking {0}', name), target, whereText(ref), (check) => checkRepositoryTags(target, check));
  return finish(services, sourceKey(ref), ref, name, report, seen);
}
