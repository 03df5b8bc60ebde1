import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import { attestManifest, attestManifestBundle, predicateTypeOf } from '../../oci/attestations';
import { parseRegistryReference } from '../../oci/registry';
import { manifestName } from '../present/format';
import type { Services } from '../services';
import { attestingFormat, type SigningFormat } from '../settings/signingFormat';
import { withProgress } from '../ui/progress';
import { input } from '../ui/prompts';
import { reportWrittenBeside } from '../ui/report';
import { plainArgs, type SourceManifest, sourceManifestFrom } from './args';
import { choosePredicate, readPredicate } from './predicateFile';
import { askPredicateTypeName } from './predicateTypes';
import { readSigningKey } from './signingKey';
import { signingSubjects } from './signingSubjects';

/** What Attest returns to `executeCommand` callers (the tests). */
export interface AttestOutcome {
  message: string;
  format: SigningFormat;
  subjectName: string;
  predicateType: string;
  /**
   * Each manifest attested: in the classic format with the cosign tag its attestations are under and how many it
   * holds now; as a Sigstore bundle, the referrer that holds it.
   */
  attested: Array<{ digest: string; tag?: string; attestations?: number; referrer?: string }>;
}

/** The workspace-state key of the subject name a layout's images were last attested with (a layout has no name of its own). */
const subjectNameKey = (layout: string) => `manifold.attestSubjectName:${layout}`;

/**
 * `manifold.attestImage`: attests an image as `manifold attest` does (cosign's in-toto statement in a DSSE envelope,
 * added to the manifest its `sha256-<hex>.att` tag names), and of an index, when chosen, every manifest below it
 * (`attest --recursive`). Asks what it is not given: for an index, what to attest; the predicate file (a file
 * dialog); the predicate type; the key and its passphrase (as Sign Image); for a layout, the subject name (`attest
 * --subject-name`; a registry's is its repository). With `manifold.signingFormat` `sigstore-bundle` (or the argument
 * `format`), the envelope is written as cosign 3 writes it (`attest --new-bundle-format`): a Sigstore bundle referrer.
 * Arguments: a tag or manifest node, or `{ layout | registry, repository, reference, predicate, type, key,
 * passphrase, subjectName, recursive, format }`.
 */
export async function attestImage(services: Services, arg?: unknown, answers?: unknown): Promise<AttestOutcome> {
  const title = l10n.t('Attest');
  const m = await sourceManifestFrom(services, arg, title);
  const given = plainArgs(arg, answers);
  const shown = manifestName(m.tag, m.desc.digest);
  const subjects = await signingSubjects(m, shown, title, given.recursive, { placeHolder: l10n.t('What to attest'), recursive: l10n.t('as manifold attest --recursive') });
  const predicateFile = await choosePredicate(services, title, given.predicate);
  const predicate = await readPredicate(predicateFile);
  // As --type gives it to the core (a short name kept: cosign makes custom's and spdx's predicates otherwise than their URIs'); said by its URI.
  const typeName = (await askPredicateTypeName(title, given.type))!;
  const predicateType = predicateTypeOf(typeName);
  const key = await readSigningKey(services, title, given.key, given.passphrase);
  const subjectName = await askSubjectName(services, m, title, given.subjectName);
  const format = attestingFormat(given.format);
  const attested = await withProgress(l10n.t('Attesting {0}', shown), async (signal) => {
    const done: AttestOutcome['attested'] = [];
    for (const subject of subjects) {
      if (format === 'sigstore-bundle') {
        const r = await attestManifestBundle(m.target, subject, key, typeName, predicate, subjectName, { signal });
        done.push({ digest: subject.digest, referrer: r.manifest.digest });
      } else {
        const r = await attestManifest(m.target, subject, key, typeName, predicate, subjectName, { signal });
        done.push({ digest: subject.digest, tag: r.tag, attestations: r.attestations });
      }
    }
    return done;
  });
  const what = basename(predicateFile);
  const message =
    attested.length === 1
      ? l10n.t('Attested {0} ({1}: {2}) with {3} ({4}) as {5}', shown, predicateType, what, key.name, key.type, subjectName)
      : l10n.t('Attested {0} and the {1} manifests below it ({2}: {3}) with {4} ({5}) as {6}', shown, attested.length - 1, predicateType, what, key.name, key.type, subjectName);
  reportWrittenBeside(services, m, message);
  return { message, format, subjectName, predicateType, attested };
}

/**
 * The name the statement's subject gives the image (`attest --subject-name`): a registry's image its repository (as
 * the CLI's default); a layout's asked for, offering the one last used for it.
 */
async function askSubjectName(services: Services, m: SourceManifest, title: string, given: unknown): Promise<string> {
  if (typeof given === 'string') return given;
  if (m.ref.kind === 'registry') return `${m.ref.registry}/${m.ref.repository}`;
  const state = services.context.workspaceState;
  const name = await input({
    title,
    prompt: l10n.t('The subject name: the registry repository the image will be pulled from'),
    placeHolder: 'registry.example.com/app',
    value: state.get<string>(subjectNameKey(m.ref.path)),
    validateInput: (text) => subjectNameProblem(text),
  });
  await state.update(subjectNameKey(m.ref.path), name);
  return name;
}

/** Why `text` is no repository to name the subject by (the statement names the digest: no tag, no digest here). */
function subjectNameProblem(text: string): string | undefined {
  try {
    if (text.trim() !== text) return l10n.t('No spaces around the name');
    if (parseRegistryReference(text).reference !== undefined) return l10n.t('Give the repository only, without a tag or digest');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
