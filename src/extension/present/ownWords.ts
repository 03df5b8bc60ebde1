import * as l10n from '@vscode/l10n';

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
];

export function inOwnWords(message: string): string {
  let out = message;
  for (const [advice, words] of ADVICE) out = out.replace(advice, words);
  return out;
}
