// The format Sign Image… and Attest… write (`manifold.signingFormat`), as the command line's --new-bundle-format.
import vscode = require('vscode');
import { annotationsSetting } from './annotationsSetting';

export const SIGNING_FORMAT_SETTING = 'manifold.signingFormat';
export const NOTARY_ENVELOPE_SETTING = 'manifold.notarySignatureFormat';
export const SIGNING_ANNOTATIONS_SETTING = 'manifold.signingAnnotations';

/** cosign's classic tags (`sha256-<hex>.sig` / `.att`), cosign 3's Sigstore bundle referrers, or the Notary Project's (notation's) signatures. */
export type SigningFormat = 'cosign-tag' | 'sigstore-bundle' | 'notary';

/** The format `given` names (a command's argument), else the setting's; anything else is the classic tag. */
export function signingFormat(given?: unknown): SigningFormat {
  const value = given ?? vscode.workspace.getConfiguration().get<string>(SIGNING_FORMAT_SETTING);
  return value === 'sigstore-bundle' || value === 'notary' ? value : 'cosign-tag';
}

/** The format Attest writes: a Notary signature attests nothing, so with `notary` set attestations stay cosign's tag. */
export function attestingFormat(given?: unknown): Exclude<SigningFormat, 'notary'> {
  const format = signingFormat(given);
  return format === 'notary' ? 'cosign-tag' : format;
}

/** The envelope a Notary signature is written in (`manifold.notarySignatureFormat`, as `sign --signature-format`): notation's default JWS, or COSE. */
export function notaryEnvelope(given?: unknown): 'jws' | 'cose' {
  const value = given ?? vscode.workspace.getConfiguration().get<string>(NOTARY_ENVELOPE_SETTING);
  return value === 'cose' ? 'cose' : 'jws';
}

/**
 * The annotations Sign Image signs with (`manifold.signingAnnotations`, as `sign -a KEY=VALUE`), or the argument
 * `annotations`: an object of strings; anything else is refused, naming the setting.
 */
export function signingAnnotations(given?: unknown): Record<string, string> {
  return annotationsSetting(SIGNING_ANNOTATIONS_SETTING, given ?? vscode.workspace.getConfiguration().get<unknown>(SIGNING_ANNOTATIONS_SETTING));
}
