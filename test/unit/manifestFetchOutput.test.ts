import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf } from '../../src/oci/digest';
import { runCli } from '../helpers/runCli';
import { cleanupTemps, tempDir } from './builders';

after(cleanupTemps);

// A manifest whose bytes are not Go's encoding (CRLF, spaces, an escape): any re-encoding shows.
const EMPTY = '{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}';
const DOC = `{\r\n  "schemaVersion": 2,\r\n  "mediaType": "application/vnd.oci.image.manifest.v1+json",\r\n  "artifactType": "application/x.t",\r\n  "config": ${EMPTY},\r\n  "layers": [],\r\n  "annotations": {"u": "caf\\u00e9"}\r\n}\r\n`;

describe('manifest fetch --output FILE', () => {
  it('writes the very bytes stored (--pretty is for the terminal, as oras ignores it for a file); --descriptor prints the descriptor too', async () => {
    const dir = tempDir('manifold-fetch-out-');
    writeFileSync(join(dir, 'doc.json'), DOC);
    const layout = join(dir, 'layout');
    const pushed = await runCli('manifest', 'push', '--oci-layout', `${layout}:v1`, join(dir, 'doc.json'));
    assert.equal(pushed.code, 0, pushed.stderr);
    const digest = digestOf(Buffer.from(DOC));

    const file = join(dir, 'out.json');
    const pretty = await runCli('manifest', 'fetch', '--oci-layout', `${layout}:v1`, '--pretty', '--output', file);
    assert.deepEqual([pretty.code, pretty.stdout], [0, '']);
    assert.equal(readFileSync(file, 'utf8'), DOC);

    const withDesc = await runCli('manifest', 'fetch', '--oci-layout', `${layout}:v1`, '--descriptor', '-o', join(dir, 'again.json'));
    assert.equal(withDesc.code, 0, withDesc.stderr);
    assert.equal((JSON.parse(withDesc.stdout) as { digest: string }).digest, digest);
    assert.equal(readFileSync(join(dir, 'again.json'), 'utf8'), DOC);

    const both = await runCli('manifest', 'fetch', '--oci-layout', `${layout}:v1`, '--descriptor', '-o', '-');
    assert.equal(both.code, 1);
    assert.match(both.stderr, /--descriptor cannot be used with --output -/);

    const shown = await runCli('manifest', 'fetch', '--oci-layout', `${layout}:v1`, '--pretty');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^\{\n {2}"schemaVersion": 2,\n/);
    assert.match(shown.stdout, /"u": "caf\\u00e9"/);
  });
});
