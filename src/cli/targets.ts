import { statSync } from 'node:fs';
import type { Descriptor } from '../oci/descriptor';
import { OciError } from '../oci/errors';
import { cosignSavedImage, OciLayoutStore } from '../oci/layout';
import { parsePlatformPatterns } from '../oci/platformPattern';
import { selectOnePlatform } from '../oci/platformSelection';
import { parseLayoutReference } from '../oci/reference';
import { sourceLabel, sourcePath, sourceReference, type SourceRef } from '../oci/sourceRef';
import { RegistryClient } from '../oci/registry/client';
import { parseRegistryReference } from '../oci/registry/registryReference';
import { RemoteRepository } from '../oci/registry/remoteRepository';
import { otherKindWarning } from './otherKind';
import type { Target } from '../oci/target';
import { boolOpt, listOpt, type ParsedCommand } from './command';
import { referrersApiOption, registryClientOptions } from './registryOptions';

export interface OpenedTarget {
  target: Target;
  /** Where it is, as the core names places (the extension uses the same type). */
  source: SourceRef;
  /** oras's word for it: `[oci-layout] dir:tag` or `[registry] host/repo:tag`, as oras names where it pushed. */
  kind: 'oci-layout' | 'registry';
  /** `dir` or `host/repo`: what `@digest` follows. */
  path: string;
  reference?: string;
  extraTags: string[];
  display(reference?: string): string;
}

/** The one way an OpenedTarget is made: its words all derived from `source`. */
export function openedTarget(target: Target, source: SourceRef, ref: { reference?: string; extraTags: string[] }): OpenedTarget {
  return {
    target,
    source,
    kind: sourceLabel(source),
    path: sourcePath(source),
    reference: ref.reference,
    extraTags: ref.extraTags,
    display: (reference = ref.reference) => sourceReference(source, reference),
  };
}

export interface OpenTargetOptions {
  /** A layout folder is made where missing (push, cp, index create): a new layout. */
  create?: boolean;
  /**
   * The command writes to it: a layout folder that lost its `oci-layout` gets it back, as with `create`; without
   * either, the command only reads, and a layout is refused without `oci-layout` and never written.
   */
  write?: boolean;
  allowTagList?: boolean;
  layout?: boolean;
  /** On a registry, the media types a manifest is asked for in (the Accept header); default every type read. */
  manifestMediaTypes?: readonly string[];
}

/**
 * Opens what a command's reference names: with `--oci-layout` (or `layout: true`) a layout folder or
 * tar, else a repository on a registry (`registry/repo[:tag|@digest]`), reached as the registry flags say.
 */
export async function openTarget(parsed: ParsedCommand, raw: string, options: OpenTargetOptions = {}): Promise<OpenedTarget> {
  if (!(options.layout ?? boolOpt(parsed, 'oci-layout'))) return openRemote(parsed, raw, options);
  const ref = parseLayoutReference(raw, { allowTagList: options.allowTagList });
  const target = isFile(ref.path)
    ? await OciLayoutStore.openTar(ref.path)
    : await OciLayoutStore.open(ref.path, { create: options.create, write: options.write }).catch((err: unknown) => Promise.reject(tagAndDigestHint(err, ref.path)));
  return openedTarget(target, { kind: 'layout', path: ref.path }, ref);
}

/**
 * `DIR:tag@digest` names the folder `DIR:tag`, as oras reads it; when that is no layout but `DIR` is a folder, the
 * user meant a tag and a digest together (as a registry reference allows): the error says how to name it.
 */
function tagAndDigestHint(err: unknown, path: string): unknown {
  const colon = path.lastIndexOf(':');
  if (!(err instanceof OciError) || err.code !== 'INVALID_LAYOUT' || colon <= 0 || /[/\\]/.test(path.slice(colon))) return err;
  const dir = path.slice(0, colon);
  if (statSync(path, { throwIfNoEntry: false }) || !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return err;
  return new OciError('INVALID_LAYOUT', `${err.message}; a layout reference names a tag or a digest, not both: ${dir}:${path.slice(colon + 1)} or ${dir}@<digest>`, { cause: err });
}

async function openRemote(parsed: ParsedCommand, raw: string, options: { allowTagList?: boolean; manifestMediaTypes?: readonly string[] }): Promise<OpenedTarget> {
  const ref = parseRegistryReference(raw, { allowTagList: options.allowTagList });
  const referrersApi = referrersApiOption(parsed);
  const client = new RegistryClient(ref.registry, await registryClientOptions(parsed, ref.registry));
  return openedTarget(new RemoteRepository(client, ref.repository, { referrersApi, manifestMediaTypes: options.manifestMediaTypes }), { kind: 'registry', registry: ref.registry, repository: ref.repository }, ref);
}

/**
 * The reference given; for a layout given without one that `cosign save` wrote (its one image marked by kind, named
 * nothing), that image's digest, as cosign's `verify --local-image DIR` takes the folder alone, and a note on stderr
 * through `note` saying so. Else requireReference's error.
 */
export async function referenceOrSaved(t: OpenedTarget, raw: string, note: (text: string) => void): Promise<string> {
  if (!t.reference && t.target instanceof OciLayoutStore) {
    const saved = cosignSavedImage(await t.target.entries());
    if (saved) {
      note(`Note: ${raw} names no image; checking the one cosign save marked, ${t.path}@${saved.digest}\n`);
      return saved.digest;
    }
  }
  return requireReference(t, raw);
}

export function requireReference(t: OpenedTarget, raw: string): string {
  if (!t.reference) {
    const form = t.kind === 'registry' ? 'registry/repo:tag or registry/repo@digest' : 'DIR:tag or DIR@digest';
    throw new OciError('INVALID_ARGUMENT', `${raw}: no tag or digest given; use ${form}`);
  }
  return t.reference;
}

/**
 * Opens the reference and resolves it, then, with `--platform` (exact, a wildcard or a list that picks one),
 * picks that platform's manifest from an index.
 */
export async function resolveReference(p: ParsedCommand, raw: string, options: OpenTargetOptions = {}): Promise<{ t: OpenedTarget; desc: Descriptor; warning?: string }> {
  const t = await openTarget(p, raw, options);
  let desc = await t.target.resolve(requireReference(t, raw));
  const platforms = listOpt(p, 'platform');
  let warning: string | undefined;
  // A platform is picked from what the document declares; a listing of the other kind is said, as repo tags says it.
  const onListedAs = (listed: string, declared: string) => void (warning = otherKindWarning(t.display(), listed, declared));
  if (platforms.length) desc = await selectOnePlatform(t.target, desc, parsePlatformPatterns(platforms), { onListedAs });
  return { t, desc, ...(warning ? { warning } : {}) };
}

// One stat, synchronous: a command's first asynchronous file call starts libuv's thread pool, ~2 ms that a
// command that then reads only small files (a no-op copy) never needs.
function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}
