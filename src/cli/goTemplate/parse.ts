/** The parser of our Go text/template: the trees that exec.ts runs (the main one and each define's), with Go's parse errors. */
import { goQuoteString } from './fmt';
import { lex, templateError, type Token } from './lex';

export type Node =
  | { type: 'text'; pos: number; text: string }
  | { type: 'action'; pos: number; pipe: Pipe }
  | ControlNode
  | { type: 'break' | 'continue'; pos: number }
  /** `{{template "name" pipeline}}`, and what `{{block}}` leaves in place; at the name, as Go places it. */
  | { type: 'template'; pos: number; name: string; pipe?: Pipe };

export interface ControlNode {
  type: 'if' | 'with' | 'range';
  pos: number;
  pipe: Pipe;
  list: Node[];
  elseList?: Node[];
}

export interface Pipe {
  pos: number;
  decl: string[];
  /** `=` instead of `:=`: the variables exist already. */
  assign: boolean;
  cmds: Command[];
}

export interface Command {
  pos: number;
  args: Arg[];
}

export type Arg =
  | { type: 'field'; pos: number; names: string[] }
  | { type: 'variable'; pos: number; name: string; names: string[] }
  | { type: 'chain'; pos: number; node: Arg; names: string[] }
  | { type: 'identifier'; pos: number; name: string }
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'literal'; pos: number; value: unknown; text: string }
  | { type: 'pipe'; pos: number; pipe: Pipe };

export interface Tree {
  name: string;
  src: string;
  /** Every template by name: the main one (`name`) and those define and block add, all over the same `src`. */
  templates: Map<string, Node[]>;
}

/** Names a function is known by; the parser refuses others, as Go's does. */
export type FunctionNames = (name: string) => boolean;

export function parse(name: string, src: string, known: FunctionNames): Tree {
  const tokens = lex(name, src);
  let at = 0;
  const vars: string[][] = [['$']];
  let loops = 0;
  const fail = (pos: number, msg: string): never => {
    throw templateError(name, src, pos, msg);
  };
  const peek = (): Token => tokens[at]!;
  const next = (): Token => tokens[at++]!;
  const peekNonSpace = (): Token => {
    while (peek().kind === 'space') at++;
    return peek();
  };
  const nextNonSpace = (): Token => {
    peekNonSpace();
    return next();
  };
  const expectRight = (context: string): void => {
    const t = nextNonSpace();
    if (t.kind !== 'right') fail(t.pos, `unexpected ${describe(t)} in ${context}`);
  };
  const hasVar = (v: string) => vars.some((scope) => scope.includes(v));
  const templates = new Map<string, Node[]>();

  /**
   * Go's Tree.add: a name is taken by its first definition with content; an empty one (white space only) gives way
   * to a later one, and is ignored after one; two with content are refused.
   */
  function add(name: string, nodes: Node[], pos: number): void {
    const had = templates.get(name);
    if (!had || isEmptyTree(had)) templates.set(name, nodes);
    else if (!isEmptyTree(nodes)) fail(pos, `template: multiple definition of template ${goQuoteString(name)}`);
  }

  /** A define's or block's body: its own variables ($ alone) and no range around it, as Go parses a new tree. */
  function body(context: string): { nodes: Node[]; stopPos: number } {
    const outerVars = vars.splice(0, vars.length, ['$']);
    const outerLoops = loops;
    loops = 0;
    const b = list(context);
    if (b.stop === 'else') fail(b.stopPos, `unexpected {{else}} in ${context}`);
    vars.splice(0, vars.length, ...outerVars);
    loops = outerLoops;
    return b;
  }

  /** A template's name: a quoted or raw string constant, as Go takes it. */
  function templateName(context: string): { name: string; pos: number } {
    const t = nextNonSpace();
    if (t.kind === 'string') return { name: unquote(t.text, t.pos), pos: t.pos };
    if (t.kind === 'rawString') return { name: t.text.slice(1, -1).replace(/\r/g, ''), pos: t.pos };
    return fail(t.pos, `unexpected ${describe(t)} in ${context}`);
  }

  /** `{{define "name"}}...{{end}}`, at the top level only (Go's parse looks for it there alone). */
  function define(): void {
    const { name } = templateName('define clause');
    expectRight('define clause');
    const b = body('define clause');
    add(name, b.nodes, b.stopPos);
  }

  /** A list of nodes up to `{{end}}` or `{{else}}`: which one stopped it, and where. */
  function list(context: string | undefined): { nodes: Node[]; stop?: 'end' | 'else'; stopPos: number } {
    const nodes: Node[] = [];
    for (;;) {
      const t = next();
      if (t.kind === 'eof') {
        if (context) fail(t.pos, `unexpected EOF`);
        return { nodes, stopPos: t.pos };
      }
      if (t.kind === 'text') {
        nodes.push({ type: 'text', pos: t.pos, text: t.text });
        continue;
      }
      // t is '{{'
      const k = peekNonSpace();
      if (k.kind === 'keyword' && k.text === 'define' && !context) {
        next();
        define();
        continue;
      }
      if (k.kind === 'keyword' && k.text !== 'define') {
        if (k.text === 'end' || k.text === 'else') {
          if (!context) fail(k.pos, `unexpected {{${k.text}}}`);
          next();
          if (k.text === 'end') expectRight('end');
          return { nodes, stop: k.text, stopPos: k.pos };
        }
        next();
        nodes.push(keyword(k));
        continue;
      }
      const p = pipeline('command', true);
      nodes.push({ type: 'action', pos: t.pos, pipe: p });
    }
  }

  function keyword(k: Token): Node {
    switch (k.text) {
      case 'if':
      case 'with':
      case 'range':
        return control(k.text, k.pos);
      case 'break':
      case 'continue':
        expectRight(`{{${k.text}}}`);
        if (loops === 0) fail(k.pos, `{{${k.text}}} outside {{range}}`);
        return { type: k.text, pos: k.pos };
      case 'template': {
        const { name, pos } = templateName('template clause');
        if (peekNonSpace().kind === 'right') {
          next();
          return { type: 'template', pos, name };
        }
        // Variables the pipeline declares stay, as an action's do.
        return { type: 'template', pos, name, pipe: pipeline('template clause', false) };
      }
      default: {
        // block: a define where it stands, and a template call of it with the pipeline (which it needs).
        const { name, pos } = templateName('block clause');
        const pipe = pipeline('block clause', false);
        const b = body('block clause');
        add(name, b.nodes, b.stopPos);
        return { type: 'template', pos, name, pipe };
      }
    }
  }

  function control(type: 'if' | 'with' | 'range', pos: number): Node {
    vars.push([]);
    const pipe = pipeline(type, false, type === 'range');
    if (type === 'range') loops++;
    const body = list(type);
    if (type === 'range') loops--;
    let elseList: Node[] | undefined;
    if (body.stop === 'else') {
      const after = peekNonSpace();
      // `{{else if ...}}` in an if (`{{else with ...}}` in a with) is one inside the else, sharing its {{end}}.
      if (after.kind === 'keyword' && after.text === type && type !== 'range') {
        next();
        elseList = [control(after.text as 'if' | 'with', after.pos)];
      } else {
        expectRight('else');
        const rest = list(type);
        if (rest.stop === 'else') fail(rest.stopPos, `expected end; found {{else}}`);
        elseList = rest.nodes;
      }
    }
    vars.pop();
    return { type, pos, pipe, list: body.nodes, elseList };
  }

  function pipeline(context: string, isAction: boolean, isRange = false): Pipe {
    const start = peekNonSpace();
    const pipe: Pipe = { pos: start.pos, decl: [], assign: false, cmds: [] };
    // Variables first: `$x :=`, `$x =`, and in range `$i, $v :=`.
    const save = at;
    if (start.kind === 'variable') {
      next();
      const decl = [start.text];
      let t = peekNonSpace();
      if (t.kind === 'comma' && isRange) {
        next();
        const second = nextNonSpace();
        if (second.kind !== 'variable') fail(second.pos, `range can only initialize variables`);
        decl.push(second.text);
        t = peekNonSpace();
        if (t.kind !== 'declare' && t.kind !== 'assign') fail(t.pos, `range can only initialize variables`);
      }
      if (t.kind === 'declare' || t.kind === 'assign') {
        next();
        pipe.decl = decl;
        pipe.assign = t.kind === 'assign';
        for (const v of decl) {
          if (pipe.assign) {
            if (!hasVar(v)) fail(t.pos, `undefined variable "${v}"`);
          } else vars[vars.length - 1]!.push(v);
        }
      } else at = save;
    }
    for (;;) {
      const t = peekNonSpace();
      if (!OPERAND_START.has(t.kind) && t.kind !== 'right' && t.kind !== 'rparen') fail(t.pos, `unexpected ${describe(t)} in ${context}`);
      if (t.kind === 'right' || (t.kind === 'rparen' && !isAction && context === 'parenthesized pipeline')) {
        if (t.kind === 'right') {
          if (context === 'parenthesized pipeline') fail(t.pos, 'unclosed left paren');
          next();
        }
        if (pipe.cmds.length === 0) fail(t.pos, `missing value for ${context}`);
        // Go's checkPipeline: only the first command may be a constant, dot or nil.
        pipe.cmds.forEach((c, k) => {
          if (k > 0 && (c.args[0]!.type === 'literal' || c.args[0]!.type === 'dot' || c.args[0]!.type === 'nil')) fail(c.pos, `non executable command in pipeline stage ${k + 1}`);
        });
        return pipe;
      }
      pipe.cmds.push(command(context));
      const after = peekNonSpace();
      // A `|` before the end is taken, as Go takes it.
      if (after.kind === 'pipe') next();
    }
  }

  function command(context: string): Command {
    const cmd: Command = { pos: peekNonSpace().pos, args: [] };
    for (;;) {
      const t = peekNonSpace();
      if (t.kind === 'right' || t.kind === 'pipe' || (t.kind === 'rparen' && context === 'parenthesized pipeline')) break;
      cmd.args.push(operand());
      const sep = peek();
      if (sep.kind !== 'space' && sep.kind !== 'right' && sep.kind !== 'pipe' && sep.kind !== 'rparen') fail(sep.pos, `unexpected ${describe(sep)} in operand`);
    }
    if (cmd.args.length === 0) fail(peek().pos, 'empty command');
    return cmd;
  }

  function operand(): Arg {
    const t = next();
    let node: Arg;
    switch (t.kind) {
      case 'field':
        node = { type: 'field', pos: t.pos, names: [t.text.slice(1)] };
        break;
      case 'variable':
        if (!hasVar(t.text)) fail(t.pos, `undefined variable "${t.text}"`);
        node = { type: 'variable', pos: t.pos, name: t.text, names: [] };
        break;
      case 'identifier':
        if (!known(t.text)) fail(t.pos, `function "${t.text}" not defined`);
        node = { type: 'identifier', pos: t.pos, name: t.text };
        break;
      case 'dot':
        node = { type: 'dot', pos: t.pos };
        break;
      case 'nil':
        node = { type: 'nil', pos: t.pos };
        break;
      case 'bool':
        node = { type: 'literal', pos: t.pos, value: t.text === 'true', text: t.text };
        break;
      case 'string':
        node = { type: 'literal', pos: t.pos, value: unquote(t.text, t.pos), text: t.text };
        break;
      case 'rawString':
        node = { type: 'literal', pos: t.pos, value: t.text.slice(1, -1).replace(/\r/g, ''), text: t.text };
        break;
      case 'char': {
        const s = unquote(`"${t.text.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`, t.pos);
        if ([...s].length !== 1) fail(t.pos, `malformed character constant: ${t.text}`);
        node = { type: 'literal', pos: t.pos, value: BigInt(s.codePointAt(0)!), text: t.text };
        break;
      }
      case 'number':
        node = { type: 'literal', pos: t.pos, value: number(t.text, t.pos), text: t.text };
        break;
      case 'lparen': {
        const pipe = pipeline('parenthesized pipeline', false);
        const close = nextNonSpace();
        if (close.kind !== 'rparen') fail(close.pos, 'unclosed left paren');
        node = { type: 'pipe', pos: t.pos, pipe };
        break;
      }
      default:
        return fail(t.pos, `unexpected ${describe(t)} in operand`);
    }
    // `.a.b`, `$x.a`, `(pipeline).a`: the fields that follow with no space.
    // Go places a field or variable followed by fields at the first of those fields (its messages say so).
    let chained = false;
    while (peek().kind === 'field') {
      const f = next();
      const name = f.text.slice(1);
      if ((node.type === 'field' || node.type === 'variable') && !chained) node.pos = f.pos;
      chained = true;
      if (node.type === 'field' || node.type === 'variable') node.names.push(name);
      else if (node.type === 'chain') node.names.push(name);
      else if (node.type === 'pipe') node = { type: 'chain', pos: node.pos, node, names: [name] };
      else fail(f.pos, `unexpected . after term ${JSON.stringify(t.text)}`);
    }
    return node;
  }

  function unquote(text: string, pos: number): string {
    try {
      // Go's escapes that JSON lacks: \a \v \x.. \ooo \U........ and \' (in a char constant).
      const json = text.replace(/\\(a|v|x[0-9a-fA-F]{2}|[0-7]{3}|U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|.)/g, (m, e: string) => {
        if (e === 'a') return '\\u0007';
        if (e === 'v') return '\\u000b';
        if (e[0] === 'x') return `\\u00${e.slice(1)}`;
        if (/^[0-7]{3}$/.test(e)) return `\\u${parseInt(e, 8).toString(16).padStart(4, '0')}`;
        if (e[0] === 'U') return JSON.stringify(String.fromCodePoint(parseInt(e.slice(1), 16))).slice(1, -1);
        return m;
      });
      return JSON.parse(json) as string;
    } catch {
      return fail(pos, `invalid syntax: ${text}`);
    }
  }

  function number(text: string, pos: number): bigint | number {
    const clean = text.replace(/_/g, '');
    // Go: an integer constant unless it has a point or an exponent (then float64).
    if (/^[+-]?0[xXbBoO]/.test(clean)) {
      const neg = clean.startsWith('-');
      const v = BigInt(clean.replace(/^[+-]/, ''));
      return neg ? -v : v;
    }
    if (/[.eE]/.test(clean)) {
      const f = Number(clean);
      if (!Number.isFinite(f)) fail(pos, `illegal number syntax: ${JSON.stringify(text)}`);
      return f;
    }
    const v = BigInt(clean.replace(/^\+/, ''));
    if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) fail(pos, `integer overflow: ${JSON.stringify(text)}`);
    // An octal literal in the Go way: a leading 0.
    return /^[+-]?0[0-7]+$/.test(clean) ? BigInt(`0o${clean.replace(/^[+-]?0/, '')}`) * (clean.startsWith('-') ? -1n : 1n) : v;
  }

  const main = list(undefined);
  add(name, main.nodes, main.stopPos);
  return { name, src, templates };
}

/** Tokens a command may start with; any other where a pipeline goes is "unexpected" to Go. */
const OPERAND_START = new Set<Token['kind']>(['bool', 'char', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'lparen']);

/** Go's item String: keywords in angle brackets, long values cut to ten characters. */
function describe(t: Token): string {
  if (t.kind === 'right') return '"}}"';
  if (t.kind === 'eof') return 'EOF';
  if (t.kind === 'keyword') return `<${t.text}>`;
  const chars = [...t.text];
  return chars.length > 10 ? `${goQuoteString(chars.slice(0, 10).join(''))}...` : goQuoteString(t.text);
}

/** Go's parse.IsEmptyTree: nothing but white space (and comments, which the lexer drops). */
export function isEmptyTree(nodes: Node[]): boolean {
  return nodes.every((n) => n.type === 'text' && n.text.replace(GO_SPACE, '') === '');
}

/** unicode.IsSpace, what Go's TrimSpace trims (JS's \s differs: it has U+FEFF and lacks U+0085). */
export const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;
