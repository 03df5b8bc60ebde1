// The floor for `repo tags`: read and JSON.parse index.json and every index, manifest and config the
// listing must read, nothing else. Usage: node floorTags.cjs LAYOUT
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const dir = process.argv[2];
const blob = (d) => JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', d.slice(7)), 'utf8'));
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
const seen = new Set();
let read = 0;
for (const m of index.manifests) {
  if (seen.has(m.digest)) continue;
  seen.add(m.digest);
  const doc = blob(m.digest);
  read++;
  if (doc.config) {
    blob(doc.config.digest);
    read++;
  }
}
process.stdout.write(`${read}\n`);
