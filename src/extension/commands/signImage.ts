import * as l10n from '@vscode/l10n';
import type { Descriptor } from '../../oci/descriptor';
import { DigestReads } from '../../oci/digestReads';
import { formatRegistryReference, parseRegistryReference } from '../../oci/registry';
import { selectSubjectPlatform } from '../../oci/referrers';
import { parsePlatform } from '../../oci/platform';
import { signManifest, signManifestBundle, signManifestNotary } from '../../oci/signatures';
import { manifestName } from '../present/format';
import type { Services } from '../services';
import { notaryEnvelope, signingAnnotations, signingFormat, type SigningFormat } from '../settings/signingFormat';
import { withProgress } from '../ui/progress';
import { input } from '../ui/prompts';
import { reportWrittenBeside } from '../ui/report';
import { plainArgs, type SourceManifest, sourceManifestFrom } from './args';
import { readNotarySigner, readSigningKey } from './signingKey';
import { signingSubjects } from './signingSubjects';

/** What Sign Image returns to `executeCommand` callers (the tests). */
export interface SignOutcome {
  message: string;
  format: SigningFormat;
  /** The name signed as (the classic format; a Sigstore bundle names none). */
  identity?: string;
  /**
   * Each manifest signed: in the classic format with the cosign tag its signatures are under and how many it holds
   * now; as a Sigstore bundle, the referrer that holds it.
   */
  signed: Array<{ digest: string; tag?: string; signatures?: number; referrer?: string }>;
}

/** The workspace-state key of the name a layout's images were last signed as (a layout has no name of its own). */
const identityKey = (layout: string) => `manifold.signIdentity:${layout}`;

/**
 * `manifold.signImage`: signs an image as `manifold sign` does (cosign's format with a key: a signature added to the
 * manifest its `sha256-<hex>.sig` tag names), and of an index, when chosen, every manifest below it (`sign
 * --recursive`). Asks what it is not given: for an index, what to sign; the key (cosign.key, a file dialog); its
 * passphrase (asked again when wrong); for a layout, the name to sign as (a registry's reference is its own, as the
 * CLI's default). With `manifold.signingFormat` `sigstore-bundle` (or the argument `format`), each signature is
 * written as cosign 3 writes it (`sign --new-bundle-format`): a Sigstore bundle referrer, no name asked. Arguments: a
 * tag or manifest node, or `{ layout | registry, repository, reference, key, passphrase, identity, recursive,
 * platforms, format, signatureFormat, annotations }` (`platforms`: sign those platforms' manifests of the index, as the coverage page's Sign button
 * asks for its gaps). Every format signs `manifold.signingAnnotations` (or the argument `annotations`) with the image, as
 * `sign -a`.
 */
export async function signImage(services: Services, arg?: unknown, answers?: unknown): Promise<SignOutcome> {
  const title = l10n.t('Sign Image');
  const m = await sourceManifestFrom(services, arg, title);
  const given = plainArgs(arg, answers);
  const shown = manifestName(m.tag, m.desc.digest);
  const platforms = Array.isArray(given.platforms) ? given.platforms.filter((p): p is string => typeof p === 'string') : undefined;
  const subjects = platforms?.length ? await platformManifests(m, platforms) : await signingSubjects(m, shown, title, given.recursive, { placeHolder: l10n.t('What to sign'), recursive: l10n.t('as manifold sign --recursive') });
  const format = signingFormat(given.format);
  const annotations = signingAnnotations(given.annotations);
  if (format === 'notary') return signNotary(services, m, subjects, { title, shown, platforms, given, annotations });
  const key = await readSigningKey(services, title, given.key, given.passphrase);
  // A bundle's statement names the digest only: no name to ask for.
  const identity = format === 'cosign-tag' ? await signingName(services, m, title, given.identity) : undefined;
  const signed = await withProgress(l10n.t('Signing {0}', shown), async (signal) => {
    const done: SignOutcome['signed'] = [];
    for (const subject of subjects) {
      if (identity === undefined) {
        done.push({ digest: subject.digest, referrer: (await signManifestBundle(m.target, subject, key, { signal, annotations })).manifest.digest });
      } else {
        const r = await signManifest(m.target, subject, key, identity, { signal, annotations });
        done.push({ digest: subject.digest, tag: r.tag, signatures: r.signatures });
      }
    }
    return done;
  });
  const message = signedMessage(shown, platforms, signed.length, `${key.name} (${key.type})`, identity ?? l10n.t('a Sigstore bundle'));
  reportWrittenBeside(services, m, message);
  return { message, format, ...(identity !== undefined ? { identity } : {}), signed };
}

/**
 * Sign Image with `manifold.signingFormat` `notary`: each subject signed as `manifold sign --notary-key` signs it, in
 * the envelope `manifold.notarySignatureFormat` (or the argument `signatureFormat`) names: notation's JWS, or COSE.
 */
async function signNotary(
  services: Services,
  m: SourceManifest,
  subjects: readonly Descriptor[],
  ask: { title: string; shown: string; platforms: readonly string[] | undefined; given: Record<string, unknown>; annotations: Record<string, string> },
): Promise<SignOutcome> {
  const signer = await readNotarySigner(services, ask.title, ask.given.notaryKey, ask.given.notaryCertificate);
  const format = notaryEnvelope(ask.given.signatureFormat);
  const signed = await withProgress(l10n.t('Signing {0}', ask.shown), async (signal) => {
    const done: SignOutcome['signed'] = [];
    for (const subject of subjects) done.push({ digest: subject.digest, referrer: (await signManifestNotary(m.target, subject, signer, { signal, format, annotations: ask.annotations })).manifest.digest });
    return done;
  });
  const message = signedMessage(ask.shown, ask.platforms, signed.length, `${signer.name} (${signer.alg})`, format === 'cose' ? l10n.t('a Notary signature (COSE)') : l10n.t('a Notary signature'));
  reportWrittenBeside(services, m, message);
  return { message, format: 'notary', signed };
}

/** What the notification says: what was signed (the platforms named, the image, or it and the manifests below it), with which key, as what. */
function signedMessage(shown: string, platforms: readonly string[] | undefined, count: number, key: string, as: string): string {
  if (platforms?.length) return l10n.t('Signed {0} of {1} with {2} as {3}', platforms.join(', '), shown, key, as);
  if (count === 1) return l10n.t('Signed {0} with {1} as {2}', shown, key, as);
  return count === 2 ? l10n.t('Signed {0} and the manifest below it with {1} as {2}', shown, key, as) : l10n.t('Signed {0} and the {1} manifests below it with {2} as {3}', shown, count - 1, key, as);
}

/** The manifests of the platforms named (`os/arch[/variant]`, as the coverage page's gaps name them), in that order. */
async function platformManifests(m: SourceManifest, platforms: readonly string[]): Promise<Descriptor[]> {
  const out: Descriptor[] = [];
  // One read of the index for all the platforms (a registry: one GET, not one per platform).
  const reading = new DigestReads().over(m.target);
  for (const p of platforms) out.push(await selectSubjectPlatform(reading, m.desc, parsePlatform(p)));
  return out;
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
