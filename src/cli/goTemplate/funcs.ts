/**
 * The functions a template may call: Go's builtins, and those of sprig (which oras adds) that scripts use for its
 * output: JSON, strings, lists, dicts, defaults and integer math. Each checks its arguments' count and types as Go
 * does when calling a function of that signature.
 */
import { goIndent, goStringify } from '../../oci/encoding/goJson';
import { createHash } from '../../oci/nodeCrypto';
import { type AnyFunc, type Func, WrongType } from './callable';
import { formatValue, formatVerb, goType, isMap, isTrue, sortedKeys, sprint, sprintf, sprintln, type Value } from './fmt';

const str = (v: Value): string => {
  if (typeof v !== 'string') throw new WrongType(`wrong type for value; expected string; got ${goType(v)}`);
  return v;
};
const int = (v: Value): number => {
  if (typeof v !== 'bigint') throw new WrongType(`wrong type for value; expected int; got ${goType(v)}`);
  return Number(v);
};
/** sprig's strval: a string as it is, anything else as %v prints it. */
const strval = (v: Value): string => (typeof v === 'string' ? v : formatValue(v));
/** cast.ToInt64, which sprig's math uses: floats truncated, strings parsed, anything else 0. */
const toInt64 = (v: Value): bigint => {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return BigInt(v.trim());
  return 0n;
};
/** sprig's list functions take []interface{}; nil gives what each says. */
const list = (name: string, v: Value): Value[] | undefined => {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new Error(`Cannot find ${name} on type ${goType(v)}`);
  return v;
};

const f = (params: number, call: (...args: Value[]) => Value, variadic = false): Func => ({ params, call, variadic });

/** Go's basic kinds for eq/lt: ints and floats do not compare with each other. */
function kind(v: Value): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string' || typeof v === 'boolean') return typeof v;
  return 'composite';
}

function eq(a: Value, ...others: Value[]): boolean {
  if (others.length === 0) throw new Error('missing argument for comparison');
  const ka = kind(a);
  // Go's basicKind gives nil and composites one kind, "invalid": such values meet only each other.
  const invalid = (k: string) => k === 'nil' || k === 'composite';
  for (const b of others) {
    const kb = kind(b);
    if (invalid(ka) !== invalid(kb) || (!invalid(ka) && ka !== kb)) {
      if (ka !== 'nil' && kb !== 'nil') throw new Error('incompatible types for comparison');
      continue;
    }
    if (!invalid(ka)) {
      if (a === b) return true;
      continue;
    }
    if (ka === 'nil' || kb === 'nil') {
      if (ka === kb) return true;
      continue;
    }
    // Go 1.19's words, values printed with %s.
    const s = (v: Value) => formatVerb(v, { verb: 's', flags: '' });
    if (Array.isArray(a) !== Array.isArray(b)) throw new Error(`non-comparable types ${s(a)}: ${goType(a)}, ${goType(b)}: ${formatValue(b)}`);
    throw new Error(`non-comparable type ${s(b)}: ${goType(b)}`);
  }
  return false;
}

function lt(a: Value, b: Value): boolean {
  const ka = kind(a);
  const kb = kind(b);
  if (ka === 'composite' || ka === 'nil' || ka === 'boolean' || kb === 'composite' || kb === 'nil' || kb === 'boolean') throw new Error('invalid type for comparison');
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return ka === 'string' ? Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0 : (a as number) < (b as number);
}

function index(item: Value, ...keys: Value[]): Value {
  let v = item;
  for (const k of keys) {
    if (v === undefined) throw new Error('index of untyped nil');
    if (v === null) throw new Error('index of nil pointer');
    if (Array.isArray(v) || typeof v === 'string') {
      if (typeof k !== 'bigint') throw new Error(`cannot index slice/array with type ${goType(k)}`);
      const n = Buffer.byteLength(typeof v === 'string' ? v : '') || (Array.isArray(v) ? v.length : 0);
      if (k < 0n || k >= BigInt(n)) throw new Error(`index out of range: ${k}`);
      v = typeof v === 'string' ? BigInt(Buffer.from(v)[Number(k)]!) : v[Number(k)];
    } else if (isMap(v)) {
      if (k === undefined || k === null) throw new Error('value is nil; should be of type string');
      if (typeof k !== 'string') throw new Error(`value has type ${goType(k)}; should be string`);
      v = Object.prototype.hasOwnProperty.call(v, k) ? v[k] : null;
    } else throw new Error(`can't index item of type ${goType(v)}`);
  }
  return v;
}

function len(v: Value): bigint {
  if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) return BigInt(Object.keys(v).length);
  if (v === undefined || v === null) throw new Error('len of nil pointer');
  throw new Error(`len of type ${goType(v)}`);
}

/** sprig's empty: nil, "", 0, false and empty lists and maps. */
const empty = (v: Value): boolean => !isTrue(v);

/** Go's json.Marshal of an `interface{}`; toRawJson leaves <, > and & as they are (SetEscapeHTML(false)). */
const rawJson = (v: Value): string => goStringify(v).replace(/(?<!\\)((?:\\\\)*)\\u00(3c|3e|26)/g, (_m, pre: string, hex: string) => pre + String.fromCharCode(parseInt(hex, 16)));

export const FUNCS: Record<string, AnyFunc> = {
  // Go's builtins
  and: { params: 1, variadic: true, lazy: (args) => { let v: Value; for (const a of args) if (!isTrue((v = a()))) return v; return v; } },
  or: { params: 1, variadic: true, lazy: (args) => { let v: Value; for (const a of args) if (isTrue((v = a()))) return v; return v; } },
  not: f(1, (v) => !isTrue(v)),
  len: f(1, len),
  index: f(1, index, true),
  print: f(0, (...a) => sprint(a), true),
  printf: f(1, (format, ...a) => sprintf(str(format), a), true),
  println: f(0, (...a) => sprintln(a), true),
  eq: f(1, eq, true),
  ne: f(2, (a, b) => !eq(a, b)),
  lt: f(2, lt),
  le: f(2, (a, b) => lt(a, b) || eq(a, b)),
  gt: f(2, (a, b) => !lt(a, b) && !eq(a, b)),
  ge: f(2, (a, b) => !lt(a, b)),
  // sprig: JSON
  toJson: f(1, (v) => goStringify(v)),
  toPrettyJson: f(1, (v) => goIndent(goStringify(v))),
  toRawJson: f(1, rawJson),
  mustToJson: f(1, (v) => goStringify(v)),
  mustToPrettyJson: f(1, (v) => goIndent(goStringify(v))),
  mustToRawJson: f(1, rawJson),
  // sprig: strings
  upper: f(1, (s) => str(s).toUpperCase()),
  lower: f(1, (s) => str(s).toLowerCase()),
  trim: f(1, (s) => str(s).trim()),
  trimPrefix: f(2, (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s))),
  trimSuffix: f(2, (p, s) => (str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s))),
  contains: f(2, (sub, s) => str(s).includes(str(sub))),
  hasPrefix: f(2, (p, s) => str(s).startsWith(str(p))),
  hasSuffix: f(2, (p, s) => str(s).endsWith(str(p))),
  replace: f(3, (o, n, s) => str(s).split(str(o)).join(str(n))),
  repeat: f(2, (n, s) => str(s).repeat(Math.max(0, int(n)))),
  trunc: f(2, (n, s) => { const c = int(n); const t = str(s); return c < 0 ? (t.length + c > 0 ? t.slice(t.length + c) : t) : t.length > c ? t.slice(0, c) : t; }),
  indent: f(2, (n, s) => { const pad = ' '.repeat(int(n)); return pad + str(s).split('\n').join(`\n${pad}`); }),
  nindent: f(2, (n, s) => { const pad = ' '.repeat(int(n)); return `\n${pad}${str(s).split('\n').join(`\n${pad}`)}`; }),
  quote: f(0, (...a) => a.filter((v) => v !== undefined && v !== null).map((v) => sprintf('%q', [strval(v)])).join(' '), true),
  squote: f(0, (...a) => a.filter((v) => v !== undefined && v !== null).map((v) => `'${strval(v)}'`).join(' '), true),
  join: f(2, (sep, v) => (Array.isArray(v) ? v.filter((e) => e !== null && e !== undefined).map(strval) : v === undefined || v === null ? [] : [strval(v)]).join(str(sep))),
  splitList: f(2, (sep, s) => str(s).split(str(sep))),
  b64enc: f(1, (s) => Buffer.from(str(s), 'utf8').toString('base64')),
  sha256sum: f(1, (s) => createHash('sha256').update(str(s), 'utf8').digest('hex')),
  // sprig: defaults and flow
  default: f(1, (d, ...given) => (given.length === 0 || empty(given[0]) ? d : given[0]), true),
  empty: f(1, empty),
  coalesce: f(0, (...a) => a.find((v) => !empty(v)) ?? null, true),
  ternary: f(3, (t, e, c) => { if (typeof c !== 'boolean') throw new WrongType(`wrong type for value; expected bool; got ${goType(c)}`); return c ? t : e; }),
  // sprig: lists and dicts
  list: f(0, (...a) => a, true),
  first: f(1, (v) => { const l = list('first', v); return l === undefined || l.length === 0 ? null : l[0]; }),
  last: f(1, (v) => { const l = list('last', v); return l === undefined || l.length === 0 ? null : l[l.length - 1]; }),
  sortAlpha: f(1, (v) => (Array.isArray(v) ? v.map(strval).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))) : [strval(v)])),
  // sprig gives the keys in Go's map order, which is random; ours are sorted, one order Go may give.
  keys: f(1, (...dicts) => dicts.flatMap((d) => { if (!isMap(d)) throw new WrongType(`wrong type for value; expected map[string]interface {}; got ${goType(d)}`); return sortedKeys(d); }), true),
  dict: f(0, (...a) => { const d: Record<string, Value> = {}; for (let i = 0; i < a.length; i += 2) d[strval(a[i])] = i + 1 < a.length ? a[i + 1] : ''; return d; }, true),
  get: f(2, (d, k) => { if (!isMap(d)) throw new WrongType(`wrong type for value; expected map[string]interface {}; got ${goType(d)}`); return Object.prototype.hasOwnProperty.call(d, str(k)) ? d[str(k)] : ''; }),
  hasKey: f(2, (d, k) => { if (!isMap(d)) throw new WrongType(`wrong type for value; expected map[string]interface {}; got ${goType(d)}`); return Object.prototype.hasOwnProperty.call(d, str(k)); }),
  // sprig: integer math (int64, as cast.ToInt64 reads each argument)
  add: f(0, (...a) => a.reduce<bigint>((s, v) => s + toInt64(v), 0n), true),
  add1: f(1, (v) => toInt64(v) + 1n),
  sub: f(2, (a, b) => toInt64(a) - toInt64(b)),
  mul: f(1, (a, ...r) => r.reduce<bigint>((s, v) => s * toInt64(v), toInt64(a)), true),
  div: f(2, (a, b) => { const d = toInt64(b); if (d === 0n) throw new Error('runtime error: integer divide by zero'); return toInt64(a) / d; }),
};
