import vscode = require('vscode');

/**
 * Character offsets to ranges for text that may not be open in an editor (a layout's index.json checked on
 * disk), counted as VS Code counts: UTF-16 units, lines split at \n (a \r before it ends the line's text).
 */
export function rangeMapper(text: string): (offset: number, length: number) => vscode.Range {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const position = (offset: number): vscode.Position => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return new vscode.Position(lo, offset - starts[lo]!);
  };
  return (offset, length) => new vscode.Range(position(offset), position(offset + length));
}
