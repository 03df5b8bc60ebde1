import * as l10n from '@vscode/l10n';
import { visibleMessage } from '../../oci/shownName';

/**
 * The core's errors end with the command line's advice (`use --plain-http`); shown in the extension, that advice
 * is put in the extension's terms, or dropped where the extension has no such choice.
 */
const ADVICE: readonly [RegExp, () => string][] = [
  [/if it is a plain-HTTP registry, use --plain-http/, () => l10n.t('if it is a plain-HTTP registry, remove it and add it again as http://host:port')],
  [/use TLS, or --plain-http to allow it/, () => l10n.t('use TLS, or add the registry as http://host:port to allow it')],
  [/use --annotation "key=value" \(or "key-" to remove a key, on update\)/, () => l10n.t('write key=value (or key- to remove a key, on update)')],
  [/give files to attach or --annotation/, () => l10n.t('pick files to attach or give an annotation')],
  [/ \(or pass --oci-layout for a layout folder\)/, () => ''],
  [/; if it is intended, use --disable-path-validation/, () => ''],
  // Node 24's own advice on an unknown CA (UNTRUSTED): no flag a VS Code user can give; the row offers to trust the CA.
  [/; if the root CA is installed locally, try running Node\.js with --use-system-ca/, () => ''],
];

/**
 * An error message as the extension shows it: characters that cannot be seen (a bidi override in a name or a path
 * the message quotes) escaped, as the CLI's error line shows them, then the advice in the extension's terms. In
 * that order: a translation may hold a no-break space, which is not to be escaped.
 */
export function inOwnWords(message: string): string {
  let out = visibleMessage(message);
  for (const [advice, words] of ADVICE) out = out.replace(advice, words);
  return out;
}
