// A target whose `stage` lets a test see each chunk on its way into the staging (a layout temp file, a registry
// upload session), e.g. to change a file while it is read; `stages` counts the files staged.
import { Transform, type Readable } from 'node:stream';
import type { Target } from '../../src/oci/target';

export function tapStaging(target: Target, onChunk: (chunk: Buffer) => void): Target & { stages: number } {
  const counter = { stages: 0 };
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (prop === 'stages') return counter.stages;
      if (prop === 'stage') {
        return (content: Readable, o?: object) => {
          counter.stages++;
          const tap = new Transform({
            transform(chunk: Buffer, _e, done) {
              onChunk(chunk);
              done(null, chunk);
            },
          });
          content.on('error', (err) => tap.destroy(err));
          return t.stage!(content.pipe(tap), o);
        };
      }
      const v = Reflect.get(t, prop, receiver);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  }) as Target & { stages: number };
}
