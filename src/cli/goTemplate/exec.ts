/** Runs a parsed template over a value, as Go's text/template executes one (missingkey=default). */
import { TemplateError, location } from './lex';
import { type Arg, type Command, type ControlNode, type Node, type Pipe, type Tree } from './parse';
import { type AnyFunc, WrongType } from './callable';
import { formatValue, goType, isMap, isTrue, sortedKeys, type Value } from './fmt';

class Break {}
class Continue {}

/** How an action prints its value: Go's "<no value>" for a missing one (and nil: the pipeline digs it out). */
export function printed(v: Value): string {
  return v === undefined || v === null ? '<no value>' : formatValue(v);
}

export function execute(tree: Tree, data: Value, funcs: Record<string, AnyFunc>): string {
  const out: string[] = [];
  const vars: { name: string; value: Value }[] = [{ name: '$', value: data }];

  const fail = (pos: number, what: string, message: string): never => {
    throw new TemplateError(`template: ${tree.name}:${location(tree.src, pos)}: executing "${tree.name}" at <${what}>: ${message}`);
  };

  function setVar(name: string, value: Value): void {
    for (let k = vars.length - 1; k >= 0; k--) {
      if (vars[k]!.name === name) {
        vars[k]!.value = value;
        return;
      }
    }
  }
  function getVar(name: string): Value {
    for (let k = vars.length - 1; k >= 0; k--) if (vars[k]!.name === name) return vars[k]!.value;
    return undefined;
  }

  function walk(dot: Value, nodes: Node[]): void {
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
          if (isTrue(v)) walk(n.type === 'with' ? v : dot, n.list);
          else if (n.elseList) walk(dot, n.elseList);
          vars.length = mark;
          break;
        }
        case 'range':
          range(dot, n);
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
    const one = (key: Value, elem: Value): boolean => {
      if (decl.length === 1) setOrPush(decl[0]!, elem, n.pipe.assign);
      if (decl.length === 2) {
        setOrPush(decl[0]!, key, n.pipe.assign);
        setOrPush(decl[1]!, elem, n.pipe.assign);
      }
      const inner = vars.length;
      try {
        walk(elem, n.list);
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

  function setOrPush(name: string, value: Value, assign: boolean): void {
    if (assign) setVar(name, value);
    else vars.push({ name, value });
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
    const thunks = args.map((a) => () => arg(dot, a));
    if (final) thunks.push(() => final.value);
    const n = thunks.length;
    if (f.variadic ? n < f.params : n !== f.params) fail(pos, name, `wrong number of args for ${name}: want ${f.variadic ? 'at least ' : ''}${f.params} got ${n}`);
    let values: Value[] = [];
    try {
      if ('lazy' in f) return f.lazy(thunks);
      values = thunks.map((t) => t());
      return f.call(...values);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      const text = [name, ...args.map(argText)].join(' ');
      // Go names the argument of the wrong type (told by the type it got), else the call.
      if (e instanceof WrongType) {
        const k = values.findIndex((v) => e.message.endsWith(`got ${goType(v)}`));
        const bad = k >= 0 && k < args.length ? args[k]! : undefined;
        return fail(bad?.pos ?? pos, bad ? argText(bad) : text, e.message);
      }
      return fail(pos, text, `error calling ${name}: ${(e as Error).message}`);
    }
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
        return fields(dot, a.names, a);
      case 'variable':
        return fields(getVar(a.name), a.names, a);
      case 'chain':
        return fields(arg(dot, a.node), a.names, a);
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

  function fields(receiver: Value, names: string[], a: Arg): Value {
    let v = receiver;
    for (const [k, name] of names.entries()) {
      if (v === undefined) return undefined; // Go: a missing key's "no value" has no fields either
      if (v === null) fail(a.pos, argText(a), `nil pointer evaluating interface {}.${name}`);
      // What the data holds is an interface {} to Go; a call's result has its own type.
      if (!isMap(v)) fail(a.pos, argText(a), `can't evaluate field ${name} in type ${a.type === 'chain' && k === 0 ? goType(v) : 'interface {}'}`);
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
        return `(${argText(a.node)})${a.names.map((n) => `.${n}`).join('')}`;
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
    walk(data, tree.root);
  } catch (e) {
    // Go has written what came before the failing action: the caller prints it, then the error.
    if (e instanceof TemplateError) e.partial = out.join('');
    throw e;
  }
  return out.join('');
}
