/** The Go template engine's tests as tables: what Go printed for a template, or what it printed and its error. */
import assert from 'node:assert/strict';
import { renderTemplate, TemplateError } from '../../src/cli/goTemplate';

/** [what, template, what Go prints] */
export type TemplateCase = [string, string, string];
/** [what, template, what it printed before failing, the error] */
export type TemplateFailure = [string, string, string, string];

/** One mocha test a row, inside the caller's describe. */
export function itRendersAsGo(data: unknown, cases: TemplateCase[], failures: TemplateFailure[]): void {
  for (const [what, template, expected] of cases) {
    it(what, () => assert.equal(renderTemplate(template, data), expected));
  }
  for (const [what, template, partial, message] of failures) {
    it(`fails as Go does: ${what}`, () => {
      assert.throws(
        () => renderTemplate(template, data),
        (err: unknown) => err instanceof TemplateError && err.message === message && err.partial === partial,
      );
    });
  }
}
