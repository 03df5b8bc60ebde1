import vscode = require('vscode');
import { positionMapper } from '../../oci/validate';

/**
 * Character offsets to ranges for text that may not be open in an editor (a layout's index.json checked on
 * disk), counted as VS Code counts: UTF-16 units, lines split at \n (a \r before it ends the line's text).
 */
export function rangeMapper(text: string): (offset: number, length: number) => vscode.Range {
  const position = positionMapper(text);
  return (offset, length) => {
    const start = position(offset);
    const end = position(offset + length);
    return new vscode.Range(start.line, start.character, end.line, end.character);
  };
}
