/** Go text/template's own functions, with Go's errors for the values a template over oras's JSON meets. */
import { type AnyFunc, fn, fnv } from './callable';
import { formatValue, formatVerb, goType, isMap, isTrue, sprint, sprintf, sprintln, type Value } from './fmt';

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
      // A missing key gives the map's zero value: nil for interface {}, "" for sprig's map[string]string.
      v = Object.prototype.hasOwnProperty.call(v, k) ? v[k] : goType(v) === 'map[string]string' ? '' : null;
    } else throw new Error(`can't index item of type ${goType(v)}`);
  }
  return v;
}

function len(v: Value): bigint {
  if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) return BigInt(Object.keys(v).length);
  if (v === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (v === null) throw new Error('len of nil pointer');
  throw new Error(`len of type ${goType(v)}`);
}

export const BUILTINS: Record<string, AnyFunc> = {
  and: { types: ['any'], variadic: true, lazy: (args) => { let v: Value; for (const a of args) if (!isTrue((v = a()))) return v; return v; } },
  or: { types: ['any'], variadic: true, lazy: (args) => { let v: Value; for (const a of args) if (isTrue((v = a()))) return v; return v; } },
  not: fn(['any'], (v) => !isTrue(v)),
  len: fn(['any'], len),
  index: fnv(['any', 'any'], index),
  print: fnv(['any'], (...a) => sprint(a)),
  printf: fnv(['string', 'any'], (format, ...a) => sprintf(format as string, a)),
  println: fnv(['any'], (...a) => sprintln(a)),
  eq: fnv(['any', 'any'], eq),
  ne: fn(['any', 'any'], (a, b) => !eq(a, b)),
  lt: fn(['any', 'any'], lt),
  le: fn(['any', 'any'], (a, b) => lt(a, b) || eq(a, b)),
  gt: fn(['any', 'any'], (a, b) => !lt(a, b) && !eq(a, b)),
  ge: fn(['any', 'any'], (a, b) => !lt(a, b)),
};
