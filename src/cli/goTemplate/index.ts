/**
 * `--format go-template`: oras's Go text/template over the object its `--format json` prints, with sprig's
 * functions, written here: lex, parse (define, template and block too), exec, fmt and funcs.
 */
import { execute } from './exec';
import type { Value } from './fmt';
import { FUNCS } from './funcs';
import { parse } from './parse';

export { TemplateError } from './lex';

/** oras names its template so; Go's messages carry the name. */
const NAME = 'format output';

/** Parses `template`, throwing TemplateError (with line and column) if it is bad or calls an unknown function. */
export function compileTemplate(template: string): (data: unknown) => string {
  const tree = parse(NAME, template, (name) => Object.prototype.hasOwnProperty.call(FUNCS, name));
  // The data as oras hands it: its JSON output read back into `any` (objects are maps, numbers float64).
  return (data) => execute(tree, JSON.parse(JSON.stringify(data ?? null)) as Value, FUNCS);
}

export function renderTemplate(template: string, data: unknown): string {
  return compileTemplate(template)(data);
}
