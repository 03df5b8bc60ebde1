import * as l10n from '@vscode/l10n';
import { PREDICATE_TYPES, predicateTypeOf } from '../../oci/attestations';
import { input, pickOne } from '../ui/prompts';

/**
 * A predicate type as `--type` takes it: the one given (a short name of cosign's or a URI), else picked from cosign's
 * short names (each with the URI it stands for, as the CLI maps them) or a URI typed. With `any`, "Any predicate
 * type" is offered first (undefined), as verify-attestation without --type.
 */
export async function askPredicateType(title: string, given: unknown, options: { any?: boolean } = {}): Promise<string | undefined> {
  const named = await askPredicateTypeName(title, given, options);
  return named === undefined ? undefined : predicateTypeOf(named);
}

/**
 * The same, as `--type` is given (a short name kept, not its URI): what the statement is made of, since cosign makes
 * `custom`'s predicate ({ Data, Timestamp }) and `spdx`'s (a string) otherwise than their URIs'.
 */
export async function askPredicateTypeName(title: string, given: unknown, options: { any?: boolean } = {}): Promise<string | undefined> {
  if (typeof given === 'string') {
    predicateTypeOf(given); // one that is none refused here
    return given;
  }
  if (given === null && options.any) return undefined;
  type Item = { label: string; description?: string; type?: string; uri?: boolean };
  const items: Item[] = [
    ...(options.any ? [{ label: l10n.t('Any predicate type'), description: l10n.t('as manifold verify-attestation without --type') }] : []),
    ...Object.entries(PREDICATE_TYPES).map(([name, uri]) => ({ label: name, description: uri, type: name })),
    { label: l10n.t('A URI…'), description: l10n.t('a predicate type of your own'), uri: true },
  ];
  const picked = await pickOne(items, { title, placeHolder: l10n.t('The predicate type'), matchOnDescription: true });
  if (picked.type) return picked.type;
  if (!picked.uri) return undefined;
  const typed = await input({
    title,
    prompt: l10n.t('The predicate type: a URI'),
    placeHolder: 'https://example.com/attestation/v1',
    validateInput: (text) => {
      try {
        predicateTypeOf(text);
        return undefined;
      } catch {
        return l10n.t('Give a URI (a scheme and a path)');
      }
    },
  });
  return typed;
}
