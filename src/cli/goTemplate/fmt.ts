/**
 * Go's fmt over the values a template sees, as oras gives them: its JSON output read back into `any`, so objects
 * are maps (printed with sorted keys), arrays are `[]interface {}`, every number a float64 (JS number), and the
 * template's own integer constants and len/index results Go ints (bigint). undefined is Go's "no value", null nil.
 */
import { goQuoteString } from '../../oci/goQuote';

// Quoted as strconv.Quote does: the core's (Go regexps' errors quote so too).
export { goQuoteString };

export type Value = undefined | null | string | number | bigint | boolean | Value[] | { [key: string]: Value };

export const isMap = (v: unknown): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v);

const GO_TYPE = Symbol('goType');
const NIL_SLICE = Symbol('nilSlice');

/**
 * A list or map a function made with a Go type of its own (sprig's `[]string`, `map[string]string`), which Go's
 * messages and %T name; `nil`: a nil slice, printed `[]` but `null` in JSON, as Go's.
 */
export function typed<T extends Value[] | Record<string, Value>>(v: T, type: string, nil = false): T {
  Object.defineProperty(v, GO_TYPE, { value: type });
  if (nil) Object.defineProperty(v, NIL_SLICE, { value: true });
  return v;
}

export const isNilSlice = (v: Value): boolean => Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[NIL_SLICE] === true;

/** The Go type name fmt and the template engine print in their messages. */
export function goType(v: Value): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'object' && GO_TYPE in v) return (v as unknown as Record<symbol, string>)[GO_TYPE]!;
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
}

/** Go's truth: false, 0, "", nil and empty maps and arrays are false; "no value" too. */
export function isTrue(v: Value): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** Map keys in the order fmt prints them (and range visits them): sorted, as Go sorts strings (by bytes). */
export function sortedKeys(m: Record<string, Value>): string[] {
  return Object.keys(m).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** strconv.FormatFloat(f, fmt, prec, 64): %v is 'g' with the shortest digits (prec -1). */
export function formatFloat(f: number, fmt: 'g' | 'e' | 'f' = 'g', prec = -1): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const exponent = (s: string) => s.replace(/e([+-])(\d)$/, 'e$10$2');
  if (fmt === 'e') return exponent(prec < 0 ? f.toExponential() : f.toExponential(prec));
  if (fmt === 'f') return prec < 0 ? plain(f) : f.toFixed(prec);
  // %g with the shortest precision (what %v uses): the exponent form when the exponent is below -4 or from 6 on,
  // as strconv decides for the shortest digits. So oras's sizes, float64 after its JSON round trip, print
  // 1e+06 and 1.234567e+06 from a million on.
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const e = Number(f.toExponential().split('e')[1]);
  if (prec < 0) return e < -4 || e >= 6 ? exponent(f.toExponential()) : plain(f);
  const p = prec === 0 ? 1 : prec;
  if (e < -4 || e >= p) return exponent(f.toExponential(p - 1).replace(/\.?0+e/, 'e'));
  return String(Number(f.toPrecision(p)));
}

/** Decimal digits with no exponent, as strconv's 'f' with precision -1. */
function plain(f: number): string {
  const s = String(f);
  if (!/e/.test(s)) return s;
  const [mant, expText] = s.split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  const point = (mant.replace(/^-/, '').indexOf('.') + 1 || mant.replace(/^-/, '').length + 1) - 1 + exp;
  const out = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (neg ? '-' : '') + out;
}

/** fmt's %v (and Sprint) of one value. */
export function formatValue(v: Value): string {
  return formatVerb(v, { verb: 'v', flags: '', width: undefined, prec: undefined });
}

export interface Spec {
  verb: string;
  flags: string;
  width?: number;
  prec?: number;
}

const bad = (spec: Spec, v: Value): string => `%!${spec.verb}(${v === null || v === undefined ? '<nil>' : `${goType(v)}=${formatValue(v)}`})`;

/** One operand of printf formatted with its verb, flags, width and precision, as Go's fmt does. */
export function formatVerb(v: Value, spec: Spec): string {
  const { verb, flags } = spec;
  if (verb === 'T') return pad(goType(v), spec);
  if (v === undefined || v === null) return verb === 'v' ? pad('<nil>', spec) : bad(spec, v);
  if (Array.isArray(v)) {
    if (verb === 'q' || verb === 'v' || verb === 's' || verb === 'd' || verb === 'x' || verb === 'X' || verb === 'f' || verb === 'g' || verb === 'e' || verb === 't')
      return `[${v.map((e) => formatVerb(e, spec)).join(' ')}]`;
    return bad(spec, v);
  }
  if (isMap(v)) return `map[${sortedKeys(v).map((k) => `${formatVerb(k, spec)}:${formatVerb(v[k], spec)}`).join(' ')}]`;
  switch (typeof v) {
    case 'string':
      switch (verb) {
        case 'v':
        case 's':
          return pad(spec.prec !== undefined ? [...v].slice(0, spec.prec).join('') : v, spec);
        case 'q':
          return pad(goQuoteString(v), spec);
        case 'x':
        case 'X': {
          const hex = Buffer.from(v, 'utf8').toString('hex');
          return pad(verb === 'X' ? hex.toUpperCase() : hex, spec);
        }
        default:
          return bad(spec, v);
      }
    case 'boolean':
      return verb === 'v' || verb === 't' ? pad(String(v), spec) : bad(spec, v);
    case 'bigint': {
      let digits: string;
      switch (verb) {
        case 'v':
        case 'd':
          digits = (v < 0n ? -v : v).toString();
          break;
        case 'x':
          digits = (v < 0n ? -v : v).toString(16);
          break;
        case 'X':
          digits = (v < 0n ? -v : v).toString(16).toUpperCase();
          break;
        case 'o':
          digits = (v < 0n ? -v : v).toString(8);
          break;
        case 'b':
          digits = (v < 0n ? -v : v).toString(2);
          break;
        case 'c':
          return pad(String.fromCodePoint(Number(v)), spec);
        case 'q':
          return pad(`'${String.fromCodePoint(Number(v))}'`, spec);
        default:
          return bad(spec, v);
      }
      if (spec.prec !== undefined) digits = digits.padStart(spec.prec, '0');
      const sign = v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
      return padNumber(sign, digits, spec, true);
    }
    case 'number': {
      let text: string;
      switch (verb) {
        case 'v':
        case 'g':
          text = formatFloat(Math.abs(v), 'g', spec.prec ?? -1);
          break;
        case 'G':
          text = formatFloat(Math.abs(v), 'g', spec.prec ?? -1).toUpperCase();
          break;
        case 'e':
          text = formatFloat(Math.abs(v), 'e', spec.prec ?? 6);
          break;
        case 'f':
        case 'F':
          text = formatFloat(Math.abs(v), 'f', spec.prec ?? 6);
          break;
        default:
          return bad(spec, v);
      }
      // Go prints infinities signed: +Inf, -Inf.
      const sign = v < 0 || Object.is(v, -0) ? '-' : flags.includes('+') || v === Infinity ? '+' : flags.includes(' ') ? ' ' : '';
      return padNumber(sign, text.replace(/^\+/, ''), spec);
    }
  }
  return bad(spec, v);
}

function pad(text: string, spec: Spec): string {
  const n = [...text].length;
  if (spec.width === undefined || n >= spec.width) return text;
  const fill = ' '.repeat(spec.width - n);
  return spec.flags.includes('-') ? text + fill : fill + text;
}

/** Zeros pad after the sign with the 0 flag; for an integer, not when a precision is given (Go's rule). */
function padNumber(sign: string, digits: string, spec: Spec, integer = false): string {
  const text = sign + digits;
  if (spec.width === undefined || text.length >= spec.width) return text;
  if (spec.flags.includes('-')) return text + ' '.repeat(spec.width - text.length);
  if (spec.flags.includes('0') && !(integer && spec.prec !== undefined)) return sign + '0'.repeat(spec.width - text.length) + digits;
  return ' '.repeat(spec.width - text.length) + text;
}

/** fmt.Sprintf over template values: Go's verbs, flags, width and precision (`*` too), and its error forms. */
export function sprintf(format: string, args: Value[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    let flags = '';
    while (i < format.length && '+-# 0'.includes(format[i]!)) flags += format[i++];
    const number = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return typeof a === 'bigint' ? Number(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    const width = number();
    let prec: number | undefined;
    if (format[i] === '.') {
      i++;
      prec = number() ?? 0;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatVerb(args[argi++], { verb, flags, width, prec });
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${goType(a)}=${formatValue(a)}`))
      .join(', ')})`;
  }
  return out;
}

/** fmt.Sprint: operands formatted with %v, a space between two when neither is a string. */
export function sprint(args: Value[]): string {
  let out = '';
  args.forEach((a, k) => {
    if (k > 0 && typeof a !== 'string' && typeof args[k - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands, and a newline. */
export function sprintln(args: Value[]): string {
  return args.map(formatValue).join(' ') + '\n';
}

/** sprig's strval: a string as it is, anything else as %v prints it. */
export const strval = (v: Value): string => (typeof v === 'string' ? v : formatValue(v));
