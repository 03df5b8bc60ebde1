import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import type { Descriptor } from '../../oci/descriptor';
import { readDeclaredKind } from '../../oci/graph/declaredKind';
import { isImageIndex } from '../../oci/mediaType';
import { formatRegistryReference, parseRegistryReference } from '../../oci/registry';
import { subjectTree } from '../../oci/referrers';
import { CANNOT_DECRYPT, decryptCosignKey, signManifest, type SignKey } from '../../oci/signatures';
import { manifestName } from '../present/format';
import type { Services } from '../services';
import { chooseFiles } from '../ui/fileChooser';
import { withProgress } from '../ui/progress';
import { input, pickOne } from '../ui/prompts';
import { layoutChanged, reportDone } from '../ui/report';
import { plainArgs, type SourceManifest, sourceManifestFrom } from './args';

/** What Sign Image returns to `executeCommand` callers (the tests). */
export interface SignOutcome {
  message: string;
  identity: string;
  /** Each manifest signed, with the cosign tag its signatures are under and how many it holds now. */
  signed: Array<{ digest: string; tag: string; signatures: number }>;
}

/** A wrong passphrase is asked for again this many times in all, then the command stops with the key's error. */
const PASSPHRASE_TRIES = 3;

/** The workspace-state key of the name a layout's images were last signed as (a layout has no name of its own). */
const identityKey = (layout: string) => `manifold.signIdentity:${layout}`;

/**
 * `manifold.signImage`: signs an image as `manifold sign` does (cosign's format with a key: a signature added to the
 * manifest its `sha256-<hex>.sig` tag names), and of an index, when chosen, every manifest below it (`sign
 * --recursive`). Asks what it is not given: for an index, what to sign; the key (cosign.key, a file dialog); its
 * passphrase (asked again when wrong); for a layout, the name to sign as (a registry's reference is its own, as the
 * CLI's default). Arguments: a tag or manifest node, or `{ layout | registry, repository, reference, key,
 * passphrase, identity, recursive }`.
 */
export async function signImage(services: Services, arg?: unknown, answers?: unknown): Promise<SignOutcome> {
  const title = l10n.t('Sign Image');
  const m = await sourceManifestFrom(services, arg, title);
  const given = plainArgs(arg, answers);
  const shown = manifestName(m.tag, m.desc.digest);
  const subjects = await whatToSign(m, shown, title, given.recursive);
  const key = await readKey(services, title, given.key, given.passphrase);
  const identity = await signingName(services, m, title, given.identity);
  const signed = await withProgress(l10n.t('Signing {0}', shown), async (signal) => {
    const done: SignOutcome['signed'] = [];
    for (const subject of subjects) {
      const r = await signManifest(m.target, subject, key, identity, { signal });
      done.push({ digest: subject.digest, tag: r.tag, signatures: r.signatures });
    }
    return done;
  });
  const message =
    signed.length === 1
      ? l10n.t('Signed {0} with {1} ({2}) as {3}', shown, key.name, key.type, identity)
      : l10n.t('Signed {0} and the {1} manifests below it with {2} ({3}) as {4}', shown, signed.length - 1, key.name, key.type, identity);
  if (m.ref.kind === 'layout') {
    layoutChanged(services, m.ref.path);
    reportDone(services, message, { layout: m.ref.path, tag: m.tag, digest: m.desc.digest });
  } else {
    services.registriesTree.refreshAll();
    services.log.info(message);
    void vscode.window.showInformationMessage(message);
  }
  return { message, identity, signed };
}

/** The image alone, or for an index (asked, unless `recursive` says) the index and every manifest below it. */
async function whatToSign(m: SourceManifest, shown: string, title: string, recursive: unknown): Promise<Descriptor[]> {
  const own = (await readDeclaredKind(m.target, m.desc))?.desc ?? m.desc;
  if (!isImageIndex(own.mediaType) || recursive === false) return [own];
  // Buildx's attestation entries describe a platform: signed through it, not as images of their own (as the CLI).
  const all = async () => (await subjectTree(m.target, m.desc)).filter((e) => e.describes === undefined).map((e) => e.desc);
  if (recursive === true) return all();
  const every = { label: l10n.t('{0} and every manifest below it', shown), description: l10n.t('as manifold sign --recursive'), every: true };
  const only = { label: l10n.t('{0} only', shown), description: l10n.t('the index itself'), every: false };
  const picked = await pickOne([every, only], { title, placeHolder: l10n.t('What to sign') });
  return picked.every ? all() : [own];
}

/** cosign's encrypted key: the file given or chosen, opened with the passphrase given or asked for (again when wrong). */
async function readKey(services: Services, title: string, path: unknown, passphrase: unknown): Promise<SignKey> {
  const file =
    typeof path === 'string'
      ? path
      : (
          await chooseFiles(services.context.workspaceState, {
            title: l10n.t('{0}: Choose the Private Key', title),
            openLabel: l10n.t('Sign With This Key'),
            canSelectFiles: true,
            canSelectFolders: false,
            canSelectMany: false,
            filters: { [l10n.t('cosign private keys')]: ['key'], [l10n.t('All files')]: ['*'] },
          })
        )[0]!.fsPath;
  const name = basename(file);
  let pem: string;
  try {
    pem = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new Error(l10n.t('{0}: {1}', file, (err as Error).message));
  }
  // Errors name the key's full path; the notification its file name.
  if (typeof passphrase === 'string') return { ...decryptCosignKey(file, pem, passphrase), name };
  let prompt = l10n.t('The passphrase of {0}', name);
  for (let tries = 1; ; tries++) {
    const typed = await input({ title, prompt, password: true });
    try {
      return { ...decryptCosignKey(file, pem, typed), name };
    } catch (err) {
      if (!(err instanceof Error) || !err.message.endsWith(CANNOT_DECRYPT) || tries === PASSPHRASE_TRIES) throw err;
      prompt = l10n.t('Wrong passphrase for {0} (or the key is damaged); try again', name);
    }
  }
}

/**
 * The docker reference the signature names. A registry's image is named as the CLI names it (`host/repo:tag`); a
 * layout's is asked for, offering the name its images were last signed as.
 */
async function signingName(services: Services, m: SourceManifest, title: string, given: unknown): Promise<string> {
  if (typeof given === 'string') return given;
  if (m.ref.kind === 'registry') return formatRegistryReference(m.ref.registry, m.ref.repository, m.tag);
  const state = services.context.workspaceState;
  const name = await input({
    title,
    prompt: l10n.t('The name to sign as: the registry reference the image will be pulled by (cosign checks it against --identity)'),
    placeHolder: 'registry.example.com/app:v1',
    value: state.get<string>(identityKey(m.ref.path)),
    validateInput: (text) => nameProblem(text),
  });
  await state.update(identityKey(m.ref.path), name);
  return name;
}

/** Why `text` is no registry reference to sign as (a digest is the payload's own: the name is a repository and tag). */
function nameProblem(text: string): string | undefined {
  try {
    if (parseRegistryReference(text.trim()).reference?.includes(':')) return l10n.t('Give a repository and tag, without a digest');
    return text.trim() === text ? undefined : l10n.t('No spaces around the name');
  } catch (err) {
    return (err as Error).message;
  }
}
