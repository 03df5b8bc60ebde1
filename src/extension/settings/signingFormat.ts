// The format Sign Image… and Attest… write (`manifold.signingFormat`), as the command line's --new-bundle-format.
import vscode = require('vscode');

export const SIGNING_FORMAT_SETTING = 'manifold.signingFormat';

/** cosign's classic tags (`sha256-<hex>.sig` / `.att`), or cosign 3's Sigstore bundle referrers. */
export type SigningFormat = 'cosign-tag' | 'sigstore-bundle';

/** The format `given` names (a command's argument), else the setting's; anything else is the classic tag. */
export function signingFormat(given?: unknown): SigningFormat {
  const value = given ?? vscode.workspace.getConfiguration().get<string>(SIGNING_FORMAT_SETTING);
  return value === 'sigstore-bundle' ? 'sigstore-bundle' : 'cosign-tag';
}
