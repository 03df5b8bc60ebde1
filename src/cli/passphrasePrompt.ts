/**
 * A passphrase typed at the terminal, not echoed: the terminal in raw mode, the keys read one by one (backspace
 * takes one back, Ctrl-C or Ctrl-D gives up). Only where standard input is a terminal; the caller checks.
 */
import { UsageError } from './command';

export async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  stdin.setRawMode(true); // before the question: what is typed once it shows is never echoed
  process.stderr.write(question);
  stdin.setEncoding('utf8');
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') return finish(() => resolve(text));
          if (ch === '\u0003' || ch === '\u0004') return finish(() => reject(new UsageError('no passphrase: the prompt was given up')));
          if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
          else if (ch >= ' ') text += ch;
        }
      };
      const finish = (then: () => void) => {
        stdin.off('data', onData);
        then();
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
