// The floors of scale.ts: what attach --recursive and index create must at least do, in plain Node, with no
// checks. Each new blob is written to a temp file, fsynced and renamed (64 at a time), the blob folder synced once,
// then index.json read, changed, written, fsynced and renamed once, and the layout folder synced. What it reads is
// trusted, unless MANIFOLD_FLOOR_VERIFY=1 (below).
// Usage: node floorScale.cjs attach LAYOUT INDEX_DIGEST ARTIFACT_TYPE | create LAYOUT SOURCES_FILE TAG
const { createHash, randomBytes } = require('node:crypto');
const { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const fs = require('node:fs/promises');
const { join } = require('node:path');

const [mode, dir, arg, name] = process.argv.slice(2);
const blobs = join(dir, 'blobs', 'sha256');
const tmp = join(dir, '.floor-tmp');
mkdirSync(tmp, { recursive: true });
// MANIFOLD_FLOOR_VERIFY=1: the floor also hashes each blob it reads against its digest, as every Manifold read
// does; bench/scale.ts prints it beside the plain floor, so the cost of that check is seen apart from the rest.
const VERIFY = process.env.MANIFOLD_FLOOR_VERIFY === '1';
const read = (digest) => {
  const bytes = readFileSync(join(blobs, digest.slice(7)));
  if (VERIFY && createHash('sha256').update(bytes).digest('hex') !== digest.slice(7)) throw new Error(`${digest}: digest mismatch`);
  return bytes;
};

async function put(bytes) {
  const hex = createHash('sha256').update(bytes).digest('hex');
  const path = join(tmp, randomBytes(6).toString('hex'));
  const fh = await fs.open(path, 'wx');
  await fh.writeFile(bytes);
  await fh.sync();
  await fh.close();
  await fs.rename(path, join(blobs, hex));
  return `sha256:${hex}`;
}

async function putAll(list) {
  const digests = new Array(list.length);
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < list.length) {
      const i = next++;
      digests[i] = await put(list[i]);
    }
  }));
  return digests;
}

function syncDir(path) {
  const fd = openSync(path, 'r');
  fsyncSync(fd);
  closeSync(fd);
}

function addToIndexJson(entries) {
  const file = join(dir, 'index.json');
  const index = JSON.parse(readFileSync(file, 'utf8'));
  index.manifests.push(...entries);
  const path = join(tmp, 'index.json');
  const fd = openSync(path, 'w');
  writeFileSync(fd, JSON.stringify(index));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(path, file);
  syncDir(dir);
}

async function main() {
  if (mode === 'attach') {
    const subjects = [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: arg, size: read(arg).length }];
    for (const d of JSON.parse(read(arg).toString('utf8')).manifests) subjects.push({ mediaType: d.mediaType, digest: d.digest, size: d.size });
    const empty = { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2, data: 'e30=' };
    const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const manifests = subjects.map((subject) =>
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: name, config: empty, layers: [empty], subject, annotations: { 'org.opencontainers.image.created': created } })),
    );
    const digests = await putAll([Buffer.from('{}'), ...manifests]);
    syncDir(blobs);
    addToIndexJson(manifests.map((m, i) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digests[i + 1], size: m.length })));
  } else {
    const children = readFileSync(arg, 'utf8').split('\n').map((digest) => {
      const bytes = read(digest);
      const manifest = JSON.parse(bytes.toString('utf8'));
      const config = JSON.parse(read(manifest.config.digest).toString('utf8'));
      return { mediaType: manifest.mediaType, digest, size: bytes.length, platform: { architecture: config.architecture, os: config.os } };
    });
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: children }));
    const [digest] = await putAll([bytes]);
    syncDir(blobs);
    addToIndexJson([{ mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: bytes.length, annotations: { 'org.opencontainers.image.ref.name': name } }]);
  }
}

main();
