// Annotations another tool wrote: a value of a megabyte, a value over several lines. A row shows a line of it, the
// tooltip a readable part with how much is left out; neither breaks the row or the tooltip's table.
import * as assert from 'node:assert/strict';
import { annotationsInline } from '../../src/extension/present/format';
import { descriptorTooltip, manifestItem } from '../../src/extension/present/items';
import { MediaType } from '../../src/oci/mediaType';

const huge = 'x'.repeat(1 << 20);
const desc = {
  mediaType: MediaType.ImageManifest,
  digest: `sha256:${'c'.repeat(64)}`,
  size: 1,
  artifactType: 'application/spdx+json',
  annotations: { 'org.opencontainers.image.description': huge, note: 'first line\nsecond | line' },
};

describe('extension: huge and multi-line annotations in the trees', () => {
  it('a row shows each value on one line, cut to a readable length', () => {
    const inline = annotationsInline(desc.annotations);
    assert.ok(inline.length < 200, `${inline.length} characters`);
    assert.ok(!inline.includes('\n'), inline);
    assert.match(inline, /note=first line second \| line/);
    assert.match(inline, /x…/);
    const item = manifestItem(desc, 'referrer');
    assert.ok(item.label.length + (item.description ?? '').length < 300, `${item.label.length} + ${item.description?.length}`);
  });

  it('the tooltip keeps each value in its table row, and says how much of a long one it leaves out', () => {
    const tooltip = descriptorTooltip('t', desc, [], undefined, desc.annotations);
    assert.ok(tooltip.length < 10_000, `${tooltip.length} characters`);
    const rows = tooltip.split('\n').filter((l) => l.startsWith('| '));
    const note = rows.find((r) => r.startsWith('| note |'));
    assert.ok(note, tooltip.slice(0, 2000));
    assert.match(note, /first line.*second \\\| line \|$/);
    assert.match(tooltip, /1,046,576 more characters/);
  });
});
