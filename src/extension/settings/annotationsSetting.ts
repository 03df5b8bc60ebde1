// A setting of annotations (`{ "team": "web" }`, as the CLI's -a KEY=VALUE pairs): an object of strings.
import * as l10n from '@vscode/l10n';
import { OciError } from '../../oci/errors';

/** `value` of `setting` as annotations: none when unset; anything but an object of strings refused, naming the setting. */
export function annotationsSetting(setting: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new OciError('INVALID_ARGUMENT', l10n.t('{0}: expected an object of strings such as {1}', setting, '{ "team": "web" }'));
  }
  return value as Record<string, string>;
}
