import * as assert from 'node:assert/strict';
import type { CheckCounts, CheckProblem } from '../../src/oci/check';
import { checkDocumentOf, checkProblemMessage, checkProgressText, checkSummaryText, uncomparedText } from '../../src/extension/present/checkText';

const counts: CheckCounts = { indexes: 1, manifests: 3, configs: 2, layers: 1, referrers: 1, bytes: 12_400_000 };
const problem = (p: Partial<CheckProblem>): CheckProblem => ({ severity: 'error', code: 'blob-unreadable', where: 'v1', document: 'manifest', digest: 'sha256:' + 'ab'.repeat(32), path: '', message: 'm', ...p });

describe('Check Image: what it says', () => {
  it('sums up a clean check with what was read, and a damaged one by errors and warnings', () => {
    assert.equal(checkSummaryText('v1', [], counts), 'No problems in v1: 1 index, 3 manifests, 2 configs, 1 layer, 1 referrer among them; 12.4 MB of layers read');
    const problems = [problem({}), problem({ severity: 'warning' }), problem({})];
    assert.equal(checkSummaryText('v1', problems, counts), '2 errors, 1 warning in v1');
    assert.equal(checkSummaryText('app', [problem({ severity: 'warning' })], counts), '1 warning in app');
  });

  it('says what it did not verify: foreign layers, diff_ids this Node.js cannot compare', () => {
    assert.deepEqual(uncomparedText({}), []);
    assert.deepEqual(uncomparedText({ foreign: 2, zstd: 1 }), [
      '2 foreign layers not read: they are not stored here.',
      'The diff_id of 1 zstd layer was not compared: this Node.js cannot unpack zstd.',
    ]);
  });

  it('shows what has been read so far while it reads', () => {
    assert.equal(checkProgressText({ indexes: 0, manifests: 1, configs: 0, layers: 0, referrers: 0, bytes: 0 }), '0 indexes, 1 manifest, 0 configs, 0 layers; 0 B of layers read');
  });

  it("starts each problem's message with where it is, so the platform shows in the Problems panel", () => {
    assert.equal(checkProblemMessage(problem({ where: 'v1 > linux/arm64/v8', message: 'content has digest x' })), 'v1 > linux/arm64/v8: content has digest x');
    const digest = `sha256:${'0123456789ab'.repeat(5)}abcd`;
    assert.equal(
      checkProblemMessage(problem({ where: 'v1 > linux/arm64/v8', message: `blob ${digest} in the layout /w/layouts/app: content has digest ${digest}` }), { path: '/w/layouts/app', name: 'app' }),
      'v1 > linux/arm64/v8: blob sha256:0123456789ab… in the layout app: content has digest sha256:0123456789ab…',
    );
  });

  it('names the tag once when the message names it already (a layout\'s or registry\'s read by that tag)', () => {
    const digest = `sha256:${'0123456789ab'.repeat(5)}abcd`;
    const layout = { path: '/w/layouts/app', name: 'app' };
    assert.equal(
      checkProblemMessage(problem({ where: 'damaged', message: `manifest ${digest} in /w/layouts/app:damaged: size 587, expected 584` }), layout),
      'manifest sha256:0123456789ab… in app:damaged: size 587, expected 584',
    );
    assert.equal(
      checkProblemMessage(problem({ where: 'v1', message: `manifest ${digest} from localhost:5000/app:v1: content has digest ${digest}` })),
      'manifest sha256:0123456789ab… from localhost:5000/app:v1: content has digest sha256:0123456789ab…',
    );
    // Not named (read by digest, or another tag's name within a word): the tag leads.
    assert.equal(checkProblemMessage(problem({ where: 'v1', message: `manifest ${digest} in /w/layouts/app: missing` }), layout), 'v1: manifest sha256:0123456789ab… in app: missing');
    assert.equal(checkProblemMessage(problem({ where: 'v1', message: 'tag app:v10: missing' })), 'v1: tag app:v10: missing');
    // A child's problem keeps its path from the root.
    assert.equal(checkProblemMessage(problem({ where: 'v1 > linux/amd64', message: 'in app:v1: x' })), 'v1 > linux/amd64: in app:v1: x');
  });

  it('puts a problem on the document the trees open: the root by its tag, a child by its digest, a config after its manifest', () => {
    assert.deepEqual(checkDocumentOf(problem({ where: 'v1' })), { view: 'manifest', label: 'v1' });
    assert.deepEqual(checkDocumentOf(problem({ where: 'v1 > linux/arm64/v8' })), { view: 'manifest', label: 'abababababab' });
    assert.deepEqual(checkDocumentOf(problem({ where: 'v1 > linux/arm64/v8 > config', document: 'config' })), { view: 'blob', label: 'linux/arm64/v8-config' });
    assert.deepEqual(checkDocumentOf(problem({ where: '@abababababab' })), { view: 'manifest', label: 'abababababab' });
    assert.deepEqual(checkDocumentOf(problem({ where: 'v1 > index [0]', document: 'index' })), { view: 'manifest', label: 'abababababab' });
    assert.equal(checkDocumentOf(problem({ where: 'index.json', document: 'index.json', digest: '' })), undefined);
    assert.equal(checkDocumentOf(problem({ where: 'v2', document: 'tag', digest: '' })), undefined);
  });

  it('tells a config from a manifest by the kind the check set, not by its name', () => {
    // A layout's tag may be any text: a manifest tagged `a > config` is still a manifest, named by its tag's segments.
    assert.deepEqual(checkDocumentOf(problem({ where: 'v1 > config' })), { view: 'manifest', label: 'abababababab' });
    assert.deepEqual(checkDocumentOf(problem({ where: 'config' })), { view: 'manifest', label: 'config' });
  });
});
