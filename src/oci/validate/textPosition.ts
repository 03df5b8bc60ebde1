/** A place in a text: 0-based line, and character in UTF-16 code units (as VS Code and LSP count). */
export interface TextPosition {
  line: number;
  character: number;
}

/** Character offsets of `text` to positions; lines split at \n (a \r before it ends the line's text). */
export function positionMapper(text: string): (offset: number) => TextPosition {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo]! };
  };
}
