/**
 * sprig's functions over values (oras adds sprig's TxtFuncMap): defaults, JSON, lists, dicts, conversions and
 * int64 math, each as sprig 3.2.3 computes it, panics included (Go's template reports them as the call's error).
 * Two things Go's types decide differ here: sprig's int64 results are ints as the template's own are (Go would
 * print int64 for %T and refuse one where a function wants an int), and the functions giving Go's map order
 * (keys, values) give the keys' sorted order, one of the orders Go may give.
 */
import { goIndent, goStringify } from '../../oci/encoding/goJson';
import { type AnyFunc, fn, fnv } from './callable';
import { goType, isMap, isNilSlice, isTrue, sortedKeys, strval, typed, type Value } from './fmt';
import { strslice } from './sprigStrings';

/** Go's reflect Kind name, which sprig's list functions print ("Cannot find first on type string"). */
function kindName(v: Value): string {
  if (Array.isArray(v)) return 'slice';
  if (isMap(v)) return 'map';
  return goType(v);
}

/** A list for sprig's list functions; nil panics in reflect, as Go's does. */
function list(what: string, v: Value): Value[] {
  if (v === undefined || v === null) throw new Error('runtime error: invalid memory address or nil pointer dereference');
  if (!Array.isArray(v)) throw new Error(`${what} on type ${kindName(v)}`);
  return v;
}
const nilSlice = (): Value[] => typed([], '[]interface {}', true);

/** sprig's empty: nil, "", 0, false and empty lists and maps (Go's truth, negated). */
const empty = (v: Value): boolean => !isTrue(v);

/** reflect.DeepEqual over template values: of one Go type and equal all the way down. */
function deepEqual(a: Value, b: Value): boolean {
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (goType(a) !== goType(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, k) => deepEqual(x, b[k]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return a === b;
}

/** Go's json.Marshal input: a nil slice is null. */
function forJson(v: Value): Value {
  if (isNilSlice(v)) return null;
  if (Array.isArray(v)) return v.map(forJson);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, forJson(x)]));
  return v;
}
const toJson = (v: Value) => goStringify(forJson(v));
/** toRawJson leaves <, > and & as they are (SetEscapeHTML(false)). */
const rawJson = (v: Value): string => toJson(v).replace(/(?<!\\)((?:\\\\)*)\\u00(3c|3e|26)/g, (_m, pre: string, hex: string) => pre + String.fromCharCode(parseInt(hex, 16)));

/** json.Unmarshal into interface{}, whose error sprig drops: nil for text Go refuses. */
function fromJson(text: string): Value {
  try {
    let finite = true;
    const v = JSON.parse(text, (_k, x: unknown) => {
      if (typeof x === 'number' && !Number.isFinite(x)) finite = false;
      return x;
    }) as Value;
    return finite ? v : null;
  } catch {
    return null;
  }
}

const MIN_INT64 = -(2n ** 63n);
const wrap = (v: bigint) => BigInt.asIntN(64, v);

/** Go's int64(f): truncated; what does not fit (and NaN) is the minimum, as amd64 converts it. */
function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return MIN_INT64;
  return BigInt(Math.trunc(f));
}

/** strconv.ParseInt(s, 0, 64): sign, 0x/0o/0b/0 prefixes, underscores between digits; undefined when Go refuses. */
function parseInt64(text: string): bigint | undefined {
  const m = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2]!.replace(/_/g, '');
  const v = (m[1] === '-' ? -1n : 1n) * BigInt(/^0[0-7]/.test(body) ? `0o${body.slice(1)}` : body);
  return v < MIN_INT64 || v > -MIN_INT64 - 1n ? undefined : v;
}

/** cast's trimZeroDecimal: "1.00" is "1"; "1.50" stays. */
function trimZeroDecimal(text: string): string {
  let sawZero = false;
  for (let k = text.length; k > 0; k--) {
    const c = text[k - 1];
    if (c === '.') return sawZero ? text.slice(0, k - 1) : text;
    if (c !== '0') return text;
    sawZero = true;
  }
  return text;
}

/** cast.ToInt64, which sprig's math and int/int64 use: floats truncated, strings parsed (base prefixes too), else 0. */
function toInt64(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return floatToInt64(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') return parseInt64(trimZeroDecimal(v)) ?? 0n;
  return 0n;
}

/** cast.ToFloat64: strconv.ParseFloat's decimal forms (and inf, nan), else 0. */
function toFloat64(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return 0;
  if (/^[+-]?(inf|infinity)$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(v)) return NaN;
  // Underscores between digits are taken, as ParseFloat's underscoreOK allows them.
  if (!/^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?$/.test(v)) return 0;
  const f = Number(v.replace(/_/g, ''));
  return Number.isFinite(f) ? f : 0;
}

/** strconv.Atoi, whose error sprig drops: 0 for bad text, the nearest int64 for one out of range. */
function atoi(text: string): bigint {
  if (!/^[+-]?\d+$/.test(text)) return 0n;
  const v = BigInt(text);
  return v > -MIN_INT64 - 1n ? -MIN_INT64 - 1n : v < MIN_INT64 ? MIN_INT64 : v;
}

function divide(a: Value, b: Value, op: (x: bigint, y: bigint) => bigint): bigint {
  const d = toInt64(b);
  if (d === 0n) throw new Error('runtime error: integer divide by zero');
  return wrap(op(toInt64(a), d));
}

const dictOf = (d: Value): Record<string, Value> | undefined => (isMap(d) ? d : undefined);
const hasOwn = (d: Record<string, Value> | undefined, k: string) => d !== undefined && Object.prototype.hasOwnProperty.call(d, k);

/** A Go type assertion's panic, as sprig's dig makes them. */
function assertion(v: Value, want: string): never {
  throw new Error(`interface conversion: interface {} is ${v === undefined || v === null ? 'nil' : goType(v)}, not ${want}`);
}

function dig(...ps: Value[]): Value {
  if (ps.length < 3) throw new Error('dig needs at least three arguments');
  let dict = ps[ps.length - 1];
  if (!isMap(dict) || goType(dict) !== 'map[string]interface {}') assertion(dict, 'map[string]interface {}');
  const def = ps[ps.length - 2];
  const keys = ps.slice(0, -2).map((k) => (typeof k === 'string' ? k : assertion(k, 'string')));
  for (const [i, k] of keys.entries()) {
    if (!hasOwn(dict as Record<string, Value>, k)) return def;
    const step: Value = (dict as Record<string, Value>)[k];
    if (i === keys.length - 1) return step;
    if (!isMap(step) || goType(step) !== 'map[string]interface {}') assertion(step, 'map[string]interface {}');
    dict = step;
  }
  return def;
}

export const SPRIG_DATA: Record<string, AnyFunc> = {
  // defaults and flow
  default: fnv(['any', 'any'], (d, ...given) => (given.length === 0 || empty(given[0]) ? d : given[0])),
  empty: fn(['any'], empty),
  coalesce: fnv(['any'], (...a) => a.find((v) => !empty(v)) ?? null),
  ternary: fn(['any', 'any', 'bool'], (t, e, c) => (c ? t : e)),
  // JSON
  toJson: fn(['any'], toJson),
  toPrettyJson: fn(['any'], (v) => goIndent(toJson(v))),
  toRawJson: fn(['any'], rawJson),
  mustToJson: fn(['any'], toJson),
  mustToPrettyJson: fn(['any'], (v) => goIndent(toJson(v))),
  mustToRawJson: fn(['any'], rawJson),
  fromJson: fn(['string'], (t) => fromJson(t as string)),
  // lists
  list: fnv(['any'], (...a) => a.map((v) => v ?? null)),
  first: fn(['any'], (v) => { const l = list('Cannot find first', v); return l.length === 0 ? null : l[0]; }),
  last: fn(['any'], (v) => { const l = list('Cannot find last', v); return l.length === 0 ? null : l[l.length - 1]; }),
  rest: fn(['any'], (v) => { const l = list('Cannot find rest', v); return l.length === 0 ? nilSlice() : l.slice(1); }),
  initial: fn(['any'], (v) => { const l = list('Cannot find initial', v); return l.length === 0 ? nilSlice() : l.slice(0, -1); }),
  compact: fn(['any'], (v) => list('Cannot compact', v).filter((e) => !empty(e))),
  uniq: fn(['any'], (v) => list('Cannot find uniq', v).reduce<Value[]>((out, e) => (out.some((o) => deepEqual(o, e)) ? out : [...out, e]), [])),
  // A list's strings (nil left out) sorted by bytes; anything else as one string.
  sortAlpha: fn(['any'], (v) => typed(Array.isArray(v) ? strslice(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))) : [strval(v ?? null)], '[]string')),
  // dicts (sprig's set changes the dict itself, as Go's maps are shared)
  dict: fnv(['any'], (...a) => { const d: Record<string, Value> = {}; for (let i = 0; i < a.length; i += 2) d[strval(a[i] ?? null)] = i + 1 < a.length ? (a[i + 1] ?? null) : ''; return d; }),
  get: fn(['map', 'string'], (d, k) => (hasOwn(dictOf(d), k as string) ? (d as Record<string, Value>)[k as string] : '')),
  set: fn(['map', 'string', 'any'], (d, k, v) => { if (!isMap(d)) throw new Error('assignment to entry in nil map'); d[k as string] = v ?? null; return d; }),
  hasKey: fn(['map', 'string'], (d, k) => hasOwn(dictOf(d), k as string)),
  keys: fnv(['map'], (...dicts) => typed(dicts.flatMap((d) => (isMap(d) ? sortedKeys(d) : [])), '[]string')),
  values: fn(['map'], (d) => (isMap(d) ? sortedKeys(d).map((k) => d[k]) : [])),
  pluck: fnv(['string', 'map'], (k, ...dicts) => dicts.filter((d) => hasOwn(dictOf(d), k as string)).map((d) => (d as Record<string, Value>)[k as string])),
  dig: fnv(['any'], dig),
  // conversions
  atoi: fn(['string'], (t) => atoi(t as string)),
  int: fn(['any'], toInt64),
  int64: fn(['any'], toInt64),
  float64: fn(['any'], toFloat64),
  // int64 math, as cast.ToInt64 reads each argument; Go's int64 wraps around
  add: fnv(['any'], (...a) => a.reduce<bigint>((sum, v) => wrap(sum + toInt64(v)), 0n)),
  add1: fn(['any'], (v) => wrap(toInt64(v) + 1n)),
  sub: fn(['any', 'any'], (a, b) => wrap(toInt64(a) - toInt64(b))),
  mul: fnv(['any', 'any'], (a, ...r) => r.reduce<bigint>((p, v) => wrap(p * toInt64(v)), toInt64(a))),
  div: fn(['any', 'any'], (a, b) => divide(a, b, (x, y) => x / y)),
  mod: fn(['any', 'any'], (a, b) => divide(a, b, (x, y) => x % y)),
  max: fnv(['any', 'any'], (a, ...r) => r.reduce<bigint>((m, v) => (toInt64(v) > m ? toInt64(v) : m), toInt64(a))),
  min: fnv(['any', 'any'], (a, ...r) => r.reduce<bigint>((m, v) => (toInt64(v) < m ? toInt64(v) : m), toInt64(a))),
};
