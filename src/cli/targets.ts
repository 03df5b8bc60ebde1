import { stat } from 'node:fs/promises';
import { OciError } from '../oci/errors';
import { OciLayoutStore } from '../oci/layout';
import { formatLayoutReference, parseLayoutReference } from '../oci/reference';
import type { Target } from '../oci/target';
import { boolOpt, type ParsedCommand, UsageError } from './command';

export interface OpenedTarget {
  target: Target;
  /** `[oci-layout] dir:tag`, as oras names where it pushed. */
  kind: 'oci-layout';
  path: string;
  reference?: string;
  extraTags: string[];
  display(reference?: string): string;
}

/** Opens what a command's reference names; registries come with the registry support (issue #4). */
export async function openTarget(parsed: ParsedCommand, raw: string, options: { create?: boolean; allowTagList?: boolean } = {}): Promise<OpenedTarget> {
  if (!boolOpt(parsed, 'oci-layout')) {
    throw new UsageError(`${raw}: registry references are not supported yet; pass --oci-layout to use an OCI image layout folder`);
  }
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

export function requireReference(t: OpenedTarget, raw: string): string {
  if (!t.reference) throw new OciError('INVALID_ARGUMENT', `${raw}: no tag or digest given; use DIR:tag or DIR@digest`);
  return t.reference;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
