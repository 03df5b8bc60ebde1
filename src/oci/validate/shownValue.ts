/**
 * A value from a document as a finding's message quotes it. The text is whatever a user typed or a tool wrote: a
 * megabyte string, one nested thousands deep, characters one cannot see; a message in the Problems panel or on a
 * terminal line shows what is wrong, not all of it.
 */
import { quotedText, shownName } from '../shownName';

/** How much of a long string a message shows. */
const SHOWN = 64;

const cut = (text: string) => `${quotedText(text.slice(0, SHOWN))}... (${text.length} characters)`;

/** A string quoted (and cut past 64 characters), an array or object by its type, anything else as JSON writes it. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return value.length > SHOWN ? cut(value) : quotedText(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/** shownName (as it is, or quoted when it holds what cannot be seen), cut past 64 characters. */
export function shownShort(text: string): string {
  return text.length > SHOWN ? cut(text) : shownName(text);
}
