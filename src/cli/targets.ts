import { stat } from 'node:fs/promises';
import type { Descriptor } from '../oci/descriptor';
import { OciError } from '../oci/errors';
import { OciLayoutStore } from '../oci/layout';
import { parsePlatform } from '../oci/platform';
import { formatLayoutReference, parseLayoutReference } from '../oci/reference';
import { RegistryClient } from '../oci/registry/client';
import { formatRegistryReference, parseRegistryReference } from '../oci/registry/registryReference';
import { RemoteRepository } from '../oci/registry/remoteRepository';
import { selectPlatform } from '../oci/selectPlatform';
import type { Target } from '../oci/target';
import { boolOpt, type ParsedCommand, stringOpt } from './command';
import { registryClientOptions } from './registryOptions';

export interface OpenedTarget {
  target: Target;
  /** `[oci-layout] dir:tag` or `[registry] host/repo:tag`, as oras names where it pushed. */
  kind: 'oci-layout' | 'registry';
  path: string;
  reference?: string;
  extraTags: string[];
  display(reference?: string): string;
}

/**
 * Opens what a command's reference names: with `--oci-layout` (or `layout: true`) a layout folder or
 * tar, else a repository on a registry (`registry/repo[:tag|@digest]`), reached as the registry flags say.
 */
export async function openTarget(parsed: ParsedCommand, raw: string, options: { create?: boolean; allowTagList?: boolean; layout?: boolean } = {}): Promise<OpenedTarget> {
  if (!(options.layout ?? boolOpt(parsed, 'oci-layout'))) return openRemote(parsed, raw, options);
  const ref = parseLayoutReference(raw, { allowTagList: options.allowTagList });
  const target = (await isFile(ref.path)) ? await OciLayoutStore.openTar(ref.path) : await OciLayoutStore.open(ref.path, { create: options.create });
  return {
    target,
    kind: 'oci-layout',
    path: ref.path,
    reference: ref.reference,
    extraTags: ref.extraTags,
    display: (reference = ref.reference) => formatLayoutReference(ref.path, reference),
  };
}

async function openRemote(parsed: ParsedCommand, raw: string, options: { allowTagList?: boolean }): Promise<OpenedTarget> {
  const ref = parseRegistryReference(raw, { allowTagList: options.allowTagList });
  const client = new RegistryClient(ref.registry, await registryClientOptions(parsed, ref.registry));
  return {
    target: new RemoteRepository(client, ref.repository),
    kind: 'registry',
    path: `${ref.registry}/${ref.repository}`,
    reference: ref.reference,
    extraTags: ref.extraTags,
    display: (reference = ref.reference) => formatRegistryReference(ref.registry, ref.repository, reference),
  };
}

export function requireReference(t: OpenedTarget, raw: string): string {
  if (!t.reference) {
    const form = t.kind === 'registry' ? 'registry/repo:tag or registry/repo@digest' : 'DIR:tag or DIR@digest';
    throw new OciError('INVALID_ARGUMENT', `${raw}: no tag or digest given; use ${form}`);
  }
  return t.reference;
}

/** Opens the reference and resolves it, then, with `--platform`, picks that platform's manifest from an index. */
export async function resolveReference(p: ParsedCommand, raw: string): Promise<{ t: OpenedTarget; desc: Descriptor }> {
  const t = await openTarget(p, raw);
  let desc = await t.target.resolve(requireReference(t, raw));
  const platform = stringOpt(p, 'platform');
  if (platform) desc = await selectPlatform(t.target, desc, parsePlatform(platform));
  return { t, desc };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
