/** What a template function is to exec.ts and funcs.ts (kept apart so neither imports the other). */
import type { Value } from './fmt';

/** An argument of the wrong Go type: exec reports it as Go does, at the argument and without "error calling". */
export class WrongType extends Error {}

export interface Func {
  /** Fixed parameters; with `variadic`, any more after them. */
  params: number;
  variadic?: boolean;
  call(...args: Value[]): Value;
}

/** `and` and `or` get their arguments unevaluated, to stop at the first that decides (Go 1.18+). */
export interface LazyFunc {
  params: number;
  variadic: true;
  lazy(args: (() => Value)[]): Value;
}

export type AnyFunc = Func | LazyFunc;
