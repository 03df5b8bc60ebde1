// oras's `--format go-template` (with `--template`, or `--format go-template=TEMPLATE`) beside text and json.
import { compileTemplate, TemplateError } from './goTemplate';
import { formatOpt, stringOpt, UsageError, type OptionSpec, type ParsedCommand } from './command';
import { formatJson, type Printer } from './printer';

export const TEMPLATE_OPTION: Record<string, OptionSpec> = {
  template: { type: 'string', description: "Go template for --format go-template, run over what --format json prints (as oras: '{{.digest}}')", valueName: 'TEMPLATE' },
};

/** `--format` for the commands whose output oras also gives to a Go template, and `--template`. */
export const FORMAT_TEMPLATE_OPTION: Record<string, OptionSpec> = {
  format: { type: 'string', description: 'output format: text, json, or go-template (with --template, or go-template=TEMPLATE)', valueName: 'FORMAT' },
  ...TEMPLATE_OPTION,
};

export interface OutputFormat {
  format: string;
  /** With go-template: the template, parsed already, run over the JSON object. */
  render?: (data: unknown) => string;
}

/**
 * The format asked for, among `allowed` (go-template among them) and its template, parsed now: a bad one, one
 * missing, or one given without go-template is refused before the command does anything, as oras refuses them.
 */
export function outputFormat(p: ParsedCommand, allowed: readonly string[]): OutputFormat {
  const given = stringOpt(p, 'format');
  let template = stringOpt(p, 'template');
  if (template !== undefined && template !== '' && given !== 'go-template') throw new UsageError('--template must be used with --format go-template');
  let format: string;
  if (given?.startsWith('go-template=')) {
    format = 'go-template';
    template = given.slice('go-template='.length);
  } else format = formatOpt(p, allowed);
  if (format !== 'go-template') return { format };
  if (!allowed.includes(format)) formatOpt(p, allowed);
  if (!template) throw new UsageError('"go-template" format specified but no template given: use --format go-template=TEMPLATE or --template TEMPLATE');
  try {
    return { format, render: compileTemplate(template) };
  } catch (err) {
    if (err instanceof TemplateError) throw new UsageError(err.message);
    throw err;
  }
}

/** Prints `data` as --format json does, or through the template. A template that fails prints what it had, as Go. */
export function printStructured(printer: Printer, out: OutputFormat, data: unknown): void {
  if (!out.render) return void printer.out(formatJson(data));
  try {
    printer.out(out.render(data));
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    if (err.partial) printer.out(err.partial);
    throw new Error(err.message);
  }
}
