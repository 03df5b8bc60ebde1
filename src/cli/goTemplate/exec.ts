/** Runs a parsed template over a value, as Go's text/template executes one (missingkey=default). */
import { TemplateError, location } from './lex';
import { type Arg, type Command, type ControlNode, type Node, type Pipe, type Tree } from './parse';
import { type AnyFunc, fixedParams, GO_PARAM_TYPE, type ParamType } from './callable';
import { formatValue, goQuoteString, goType, isMap, isTrue, sortedKeys, type Value } from './fmt';

class Break {}
class Continue {}

/**
 * How deep templates may call templates (a recursive define): Go's bound is 100000, 1000 on wasm, where its stack
 * is small as ours is; past it, Go's error, not a stack overflow (one template a level fits in Node's stack).
 */
export const MAX_TEMPLATE_DEPTH = 1000;

/** How an action prints its value: Go's "<no value>" for a missing one (and nil: the pipeline digs it out). */
export function printed(v: Value): string {
  return v === undefined || v === null ? '<no value>' : formatValue(v);
}

export function execute(tree: Tree, data: Value, funcs: Record<string, AnyFunc>): string {
  const out: string[] = [];
  /**
   * `elem`: the value is an element of a list or map, an `interface {}` to Go, as against a pipeline's value, which
   * has its own type (Go names the one or the other when a field of it can't be had, and a nil of its own type has
   * no fields but is not an error).
   */
  const vars: { name: string; value: Value; elem?: boolean }[] = [{ name: '$', value: data }];
  /** Whether dot is such an element (a range's); kept beside dot as walk goes in and out. */
  let dotElem = false;
  /** The template running, which Go's messages name ("executing"); positions are in the one source all share. */
  let executing = tree.name;
  let depth = 0;

  const fail = (pos: number, what: string, message: string): never => {
    throw new TemplateError(`template: ${tree.name}:${location(tree.src, pos)}: executing ${goQuoteString(executing)} at <${what}>: ${message}`);
  };

  function setVar(name: string, value: Value, elem: boolean): void {
    for (let k = vars.length - 1; k >= 0; k--) {
      if (vars[k]!.name === name) {
        vars[k]!.value = value;
        vars[k]!.elem = elem;
        return;
      }
    }
  }
  function getVar(name: string): { value: Value; elem?: boolean } {
    for (let k = vars.length - 1; k >= 0; k--) if (vars[k]!.name === name) return vars[k]!;
    return { value: undefined };
  }

  function walk(dot: Value, nodes: Node[], elem = dotElem): void {
    const outer = dotElem;
    dotElem = elem;
    try {
      walkNodes(dot, nodes);
    } finally {
      dotElem = outer;
    }
  }

  function walkNodes(dot: Value, nodes: Node[]): void {
    for (const n of nodes) {
      switch (n.type) {
        case 'text':
          out.push(n.text);
          break;
        case 'action': {
          const v = pipeline(dot, n.pipe);
          if (n.pipe.decl.length === 0) out.push(printed(v));
          break;
        }
        case 'if':
        case 'with': {
          const mark = vars.length;
          const v = pipeline(dot, n.pipe);
          if (isTrue(v)) {
            if (n.type === 'with') walk(v, n.list, false);
            else walk(dot, n.list);
          } else if (n.elseList) walk(dot, n.elseList);
          vars.length = mark;
          break;
        }
        case 'range':
          range(dot, n);
          break;
        case 'template':
          template(dot, n);
          break;
        case 'break':
          throw new Break();
        case 'continue':
          throw new Continue();
      }
    }
  }

  function range(dot: Value, n: ControlNode): void {
    const mark = vars.length;
    // The variables are declared by the range, not set by its pipeline.
    const decl = n.pipe.decl;
    const v = pipeline(dot, { ...n.pipe, decl: [] });
    // The elements of oras's lists and maps are interface {} values; an integer's are ints, a []string's strings.
    const elemKind = goType(v).endsWith('interface {}');
    const one = (key: Value, elem: Value): boolean => {
      if (decl.length === 1) setOrPush(decl[0]!, elem, n.pipe.assign, elemKind);
      if (decl.length === 2) {
        setOrPush(decl[0]!, key, n.pipe.assign);
        setOrPush(decl[1]!, elem, n.pipe.assign, elemKind);
      }
      const inner = vars.length;
      try {
        walk(elem, n.list, elemKind);
      } catch (e) {
        if (e instanceof Break) return false;
        if (!(e instanceof Continue)) throw e;
      } finally {
        vars.length = inner;
      }
      return true;
    };
    let any = false;
    if (Array.isArray(v)) {
      for (let k = 0; k < v.length; k++) {
        any = true;
        if (!one(BigInt(k), v[k])) break;
      }
    } else if (isMap(v)) {
      for (const k of sortedKeys(v)) {
        any = true;
        if (!one(k, v[k])) break;
      }
    } else if (typeof v === 'bigint') {
      if (decl.length > 1) fail(n.pos, 'range', `can't use ${v} to iterate over more than one variable`);
      for (let k = 0n; k < v; k++) {
        any = true;
        if (!one(k, k)) break;
      }
    } else if (v !== undefined && v !== null) {
      fail(n.pipe.pos, source(n.pipe), `range can't iterate over ${formatValue(v)}`);
    }
    vars.length = mark;
    if (!any && n.elseList) walk(dot, n.elseList);
  }

  /** Go's walkTemplate: the callee sees the pipeline's value as dot and as $, and none of the caller's variables. */
  function template(dot: Value, n: Extract<Node, { type: 'template' }>): void {
    const what = `{{template ${goQuoteString(n.name)}${n.pipe ? ` ${source(n.pipe)}` : ''}}}`;
    const body = tree.templates.get(n.name);
    if (!body) fail(n.pos, what, `template ${goQuoteString(n.name)} not defined`);
    if (depth === MAX_TEMPLATE_DEPTH) fail(n.pos, what, `exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`);
    // Without a pipeline dot is nil (Go's "no value"); variables the pipeline declares stay with the caller.
    const value = n.pipe ? pipeline(dot, n.pipe) : undefined;
    const callerVars = vars.splice(0, vars.length, { name: '$', value });
    const caller = executing;
    executing = n.name;
    depth++;
    try {
      walk(value, body!, false);
    } catch (e) {
      // Templates whose bodies nest deep can use up JS's stack before the bound: the same error, saying so.
      if (e instanceof RangeError && /call stack/.test(e.message)) fail(n.pos, what, `exceeded maximum template depth (the stack ran out at ${depth})`);
      throw e;
    }
    depth--;
    executing = caller;
    vars.splice(0, vars.length, ...callerVars);
  }

  function setOrPush(name: string, value: Value, assign: boolean, elem = false): void {
    if (assign) setVar(name, value, elem);
    else vars.push({ name, value, elem });
  }

  function pipeline(dot: Value, pipe: Pipe): Value {
    let value: Value = undefined;
    let first = true;
    for (const cmd of pipe.cmds) {
      value = command(dot, cmd, first ? undefined : { value });
      first = false;
    }
    for (const name of pipe.decl) setOrPush(name, value, pipe.assign);
    return value;
  }

  function command(dot: Value, cmd: Command, final: { value: Value } | undefined): Value {
    const [head, ...rest] = cmd.args;
    switch (head!.type) {
      case 'identifier':
        return call(dot, head!.name, head!.pos, rest, final);
      case 'field':
      case 'variable':
      case 'chain':
        // Go's words for a map's key given arguments (its data has no methods).
        if ((rest.length > 0 || final) && head!.names.length > 0) fail(head!.pos, argText(head!), `${head!.names[head!.names.length - 1]} is not a method but has arguments`);
        if (rest.length > 0 || final) fail(head!.pos, argText(head!), `can't give argument to non-function ${argText(head!)}`);
        return arg(dot, head!);
      case 'nil':
        return fail(head!.pos, 'nil', 'nil is not a command');
      default:
        if (rest.length > 0 || final) fail(head!.pos, argText(head!), `can't give argument to non-function ${argText(head!)}`);
        return arg(dot, head!);
    }
  }

  function call(dot: Value, name: string, pos: number, args: Arg[], final: { value: Value } | undefined): Value {
    const f = funcs[name]!;
    const n = args.length + (final ? 1 : 0);
    const fixed = fixedParams(f);
    // Go counts the pipeline's value in the fixed case, not in the variadic one.
    if (f.variadic ? n < fixed : n !== fixed) fail(pos, name, `wrong number of args for ${name}: want ${f.variadic ? 'at least ' : ''}${fixed} got ${f.variadic ? args.length : n}`);
    const typeAt = (k: number): ParamType => f.types[Math.min(k, f.types.length - 1)] ?? 'any';
    if ('lazy' in f) {
      const thunks = args.map((a) => () => arg(dot, a));
      if (final) thunks.push(() => final.value);
      try {
        return f.lazy(thunks);
      } catch (e) {
        return failCall(e, name, pos, args);
      }
    }
    const values = args.map((a, k) => param(dot, a, typeAt(k)));
    if (final) {
      // Go has last placed itself at this command's last argument, or at the function if it has none.
      const at = args.length > 0 ? lastNode(args[args.length - 1]!) : ({ type: 'identifier', pos, name } as const);
      values.push(assignable(final.value, typeAt(args.length), false, at));
    }
    try {
      return f.call(...values);
    } catch (e) {
      return failCall(e, name, pos, args);
    }
  }

  function failCall(e: unknown, name: string, pos: number, args: Arg[]): never {
    if (e instanceof TemplateError) throw e;
    return fail(pos, [name, ...args.map(argText)].join(' '), `error calling ${name}: ${(e as Error).message}`);
  }

  /** An argument made a parameter of Go type `type`, as Go's evalArg makes it. */
  function param(dot: Value, a: Arg, type: ParamType): Value {
    const want = GO_PARAM_TYPE[type];
    if (a.type === 'nil') {
      if (type === 'any' || type === 'map') return null;
      return fail(a.pos, 'nil', `cannot assign nil to ${want}`);
    }
    if (a.type === 'literal') {
      const v = a.value as Value;
      switch (type) {
        case 'any':
          return v;
        case 'string':
          if (typeof v === 'string') return v;
          return fail(a.pos, a.text, `expected string; found ${a.text}`);
        case 'bool':
          if (typeof v === 'boolean') return v;
          return fail(a.pos, a.text, `expected bool; found ${a.text}`);
        case 'int':
          // A float constant with an integer value is an integer too (2.0, 1e3), as Go's parser marks it.
          if (typeof v === 'bigint') return v;
          if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v);
          return fail(a.pos, a.text, `expected integer; found ${a.text}`);
        case 'map':
          return fail(a.pos, a.text, `can't handle ${a.text} for arg of type ${want}`);
      }
    }
    return assignable(arg(dot, a), type, isElement(a), lastNode(a));
  }

  /**
   * Go's validateType: nil from a pipeline is no value at all, refused but where a nil fits; nil from a map or
   * list is an interface {} holding nil, which only an interface {} parameter takes.
   */
  function assignable(v: Value, type: ParamType, element: boolean, at: Arg): Value {
    const want = GO_PARAM_TYPE[type];
    if (v === undefined || (v === null && !element)) {
      // Go's builtins tell the two nils apart (len: "call of reflect.Value.Type on zero Value" as against "len
      // of nil pointer"): no value stays undefined; sprig's functions take either as nil.
      if (type === 'any') return undefined;
      if (type === 'map') return null;
      return fail(at.pos, argText(at), `invalid value; expected ${want}`);
    }
    if (type === 'any') return v;
    const got = v === null ? 'interface {}' : goType(v);
    if (got !== want) fail(at.pos, argText(at), `wrong type for value; expected ${want}; got ${got}`);
    return v;
  }

  /** Whether an argument's value is a map's or list's element (an interface {} to Go) rather than a pipeline's. */
  function isElement(a: Arg): boolean {
    switch (a.type) {
      case 'field':
      case 'chain':
        return true;
      case 'variable':
        return a.names.length > 0 || getVar(a.name).elem === true;
      case 'dot':
        return dotElem;
      default:
        return false;
    }
  }

  /** The node Go's evaluation of an argument ends at, which its errors about the argument name. */
  function lastNode(a: Arg): Arg {
    if (a.type === 'chain') return lastNode(a.node);
    if (a.type !== 'pipe') return a;
    const cmd = a.pipe.cmds[a.pipe.cmds.length - 1]!;
    return lastNode(cmd.args[cmd.args.length - 1]!);
  }

  function arg(dot: Value, a: Arg): Value {
    switch (a.type) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'literal':
        return a.value as Value;
      case 'field':
        return fields(dot, a.names, a, dotElem);
      case 'variable': {
        const v = getVar(a.name);
        return fields(v.value, a.names, a, v.elem === true);
      }
      case 'chain':
        return fields(arg(dot, a.node), a.names, a, false);
      case 'pipe': {
        const mark = vars.length;
        const v = pipeline(dot, a.pipe);
        vars.length = mark;
        return v;
      }
      case 'identifier':
        return call(dot, a.name, a.pos, [], undefined);
    }
  }

  function fields(receiver: Value, names: string[], a: Arg, elem: boolean): Value {
    let v = receiver;
    // Go has last placed itself inside a chain's pipeline when the chain's fields fail.
    if (a.type === 'chain') a = lastNode(a);
    for (const [k, name] of names.entries()) {
      // After the first field, each value is a map's element (an interface {}); the receiver is what `elem` says.
      const iface = elem || k > 0;
      if (v === undefined) return undefined; // Go: a missing key's "no value" has no fields either
      if (v === null) {
        // A pipeline's nil is Go's invalid value, which has no fields and no error; an element's nil is an error.
        if (!iface) return undefined;
        fail(a.pos, argText(a), `nil pointer evaluating interface {}.${name}`);
      }
      if (!isMap(v)) fail(a.pos, argText(a), `can't evaluate field ${name} in type ${iface ? 'interface {}' : goType(v)}`);
      v = Object.prototype.hasOwnProperty.call(v, name) ? (v as Record<string, Value>)[name] : undefined;
    }
    return v;
  }

  function argText(a: Arg): string {
    switch (a.type) {
      case 'field':
        return a.names.map((n) => `.${n}`).join('');
      case 'variable':
        return a.name + a.names.map((n) => `.${n}`).join('');
      case 'chain':
        return `${argText(a.node)}${a.names.map((n) => `.${n}`).join('')}`;
      case 'identifier':
        return a.name;
      case 'dot':
        return '.';
      case 'nil':
        return 'nil';
      case 'literal':
        return a.text;
      case 'pipe':
        return `(${source(a.pipe)})`;
    }
  }

  function source(pipe: Pipe): string {
    const decl = pipe.decl.length ? `${pipe.decl.join(', ')} ${pipe.assign ? '=' : ':='} ` : '';
    return decl + pipe.cmds.map((c) => c.args.map(argText).join(' ')).join(' | ');
  }

  try {
    walk(data, tree.templates.get(tree.name)!);
  } catch (e) {
    // Go has written what came before the failing action: the caller prints it, then the error.
    if (e instanceof TemplateError) e.partial = out.join('');
    throw e;
  }
  return out.join('');
}
