// Command lines as the help texts and the README show them, split into argv as a POSIX shell would: enough of the
// shell for what they use (quotes, `# comments`, `\` line continuations, a pipe into manifold, `< file`).

export interface ExampleLine {
  /** The line as shown (continuations joined). */
  text: string;
  /** The words after `manifold`. */
  argv: string[];
  /** The trailing `# ...` comment, if any: it may document the exit code or a question asked. */
  comment?: string;
}

/** Joins `\`-continued lines: each element of `lines` is one line as printed. */
export function joinContinuations(lines: readonly string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (const line of lines) {
    if (/\\\s*$/.test(line)) pending += line.replace(/\\\s*$/, ' ');
    else {
      out.push((pending + line).replace(/\s+/g, ' ').trim());
      pending = '';
    }
  }
  if (pending) out.push(pending.trim());
  return out;
}

/** Splits one shell line into words, dropping a trailing comment; returns undefined when it runs no manifold. */
export function splitManifoldLine(text: string): ExampleLine | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let comment: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '#' && word === undefined) {
      comment = text.slice(i + 1).trim();
      break;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  // The part of a pipeline that runs manifold; a `< file` redirection is the shell's, not an argument.
  const segments = [[]] as string[][];
  for (const w of words) {
    if (w === '|') segments.push([]);
    else segments[segments.length - 1]!.push(w);
  }
  const segment = segments.find((s) => s[0] === 'manifold');
  if (!segment) return undefined;
  const argv: string[] = [];
  for (let i = 1; i < segment.length; i++) {
    if (segment[i] === '<' || segment[i] === '>') i++;
    else argv.push(segment[i]!);
  }
  return { text, argv, ...(comment ? { comment } : {}) };
}

/** The manifold lines of ```sh blocks in markdown, with the line number each starts on. */
export function markdownManifoldLines(markdown: string): (ExampleLine & { line: number })[] {
  const out: (ExampleLine & { line: number })[] = [];
  const lines = markdown.split('\n');
  let inSh = false;
  let start = 0;
  let pending: string[] = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.startsWith('```')) {
      inSh = !inSh && line.trim() === '```sh';
      continue;
    }
    if (!inSh) continue;
    if (pending.length === 0) start = n + 1;
    pending.push(line);
    if (/\\\s*$/.test(line)) continue;
    const parsed = splitManifoldLine(joinContinuations(pending)[0]!);
    pending = [];
    if (parsed) out.push({ ...parsed, line: start });
  }
  return out;
}
