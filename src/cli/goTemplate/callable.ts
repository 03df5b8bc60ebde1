/** What a template function is to exec.ts and the function tables (kept apart so neither imports the other). */
import type { Value } from './fmt';

/**
 * A parameter's Go type, to which exec converts each argument as Go's evalArg does: a constant must be of its kind
 * ("expected string; found 1"), a value assignable ("wrong type for value; expected int; got float64").
 */
export type ParamType = 'string' | 'int' | 'bool' | 'map' | 'any';

export const GO_PARAM_TYPE: Record<ParamType, string> = {
  string: 'string',
  int: 'int',
  bool: 'bool',
  map: 'map[string]interface {}',
  any: 'interface {}',
};

export interface Func {
  /** The parameters' types; with `variadic`, the last is each extra argument's. */
  types: ParamType[];
  variadic?: boolean;
  call(...args: Value[]): Value;
}

/** `and` and `or` get their arguments unevaluated, to stop at the first that decides (Go 1.18+). */
export interface LazyFunc {
  types: ['any'];
  variadic: true;
  lazy(args: (() => Value)[]): Value;
}

export type AnyFunc = Func | LazyFunc;

/** How many arguments a function must have (at least, when variadic). */
export const fixedParams = (f: AnyFunc): number => f.types.length - (f.variadic ? 1 : 0);

/** A function of fixed parameters. */
export const fn = (types: ParamType[], call: (...args: Value[]) => Value): Func => ({ types, call });
/** A variadic one: the last type is each extra argument's. */
export const fnv = (types: ParamType[], call: (...args: Value[]) => Value): Func => ({ types, call, variadic: true });
