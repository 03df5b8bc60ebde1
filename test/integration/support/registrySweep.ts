import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRASH_TEXT, mutateJson, seededRandom } from '../../helpers/jsonMutations';
import { runCli } from '../../helpers/runCli';
import { type Exchange, type Misbehaviour, startMisbehavingRegistry } from '../../helpers/misbehavingRegistry';
import { startOciServer } from './ociServer';

/**
 * A seeded random sweep over what a registry serves: a small repository (an index of two images and a buildx
 * attestation entry, an SBOM referring to the index) where one thing is damaged at random (a manifest or index, the
 * Content-Type or Docker-Content-Digest of a manifest, the tag list, the referrers listing, the bytes served for a
 * digest), then every command that reads a registry runs on it, in text and JSON. A finding is output that shows a
 * crash or meaningless text instead of an error naming the problem; the seed replays it.
 */

/** What a crash or meaningless text looks like in output: stderr as the layout sweep reads it; stdout, the meaningless text only. */
export const CRASH_IN_STDERR = CRASH_TEXT;
export const CRASH_IN_STDOUT = /\[object Object\]|\bNaN\b|\bundefined\b/;

export interface SweepFinding {
  iteration: number;
  command: string;
  /** The line of output that matched, or why the command did not return. */
  line: string;
  /** What was damaged, and how. */
  what: string;
}

const M = 'application/vnd.oci.image.manifest.v1+json';
const I = 'application/vnd.oci.image.index.v1+json';
const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** The layout sweep's generator (test/helpers/jsonMutations.ts): a seed replays a run. */
function generator(seed: number): { rnd: () => number; pick: <T>(a: readonly T[]) => T } {
  const rnd = seededRandom(seed);
  return { rnd, pick: (a) => a[Math.floor(rnd() * a.length)]! };
}

export async function registrySweep(options: { seed: number; count: number; onFinding?: (f: SweepFinding) => void; log?: (line: string) => void }): Promise<SweepFinding[]> {
  const { rnd, pick } = generator(options.seed);
  const findings: SweepFinding[] = [];
  // Every third repository is on a registry without the referrers API: its referrers are in the fallback index
  // (the tag sha256-<hex>), which is what gets damaged there. Chosen by the iteration, so a seed replays as before.
  const withApi = await startOciServer();
  const withoutApi = await startOciServer({ referrersApi: false });
  const proxies = [await startMisbehavingRegistry(`http://${withApi.host}`), await startMisbehavingRegistry(`http://${withoutApi.host}`)];
  const base = mkdtempSync(join(tmpdir(), 'manifold-rsweep-'));
  const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, MANIFOLD_RETRIES: process.env.MANIFOLD_RETRIES, MANIFOLD_TIMEOUT: process.env.MANIFOLD_TIMEOUT };
  process.env.DOCKER_CONFIG = mkdtempSync(join(tmpdir(), 'manifold-docker-'));
  process.env.MANIFOLD_RETRIES = '0'; // retries (with their back-off) test nothing here
  process.env.MANIFOLD_TIMEOUT = '10';
  try {
    for (let i = 0; i < options.count; i++) {
      const name = `fz/r${i}`;
      const fallback = i % 3 === 2;
      const server = fallback ? withoutApi : withApi;
      const proxy = proxies[fallback ? 1 : 0]!;
      const repo = server.repo(name);
      const put = (b: string): { digest: string; size: number } => {
        const d = sha(b);
        repo.blobs.set(d, Buffer.from(b));
        return { digest: d, size: Buffer.byteLength(b) };
      };
      const putManifest = (b: string, mediaType: string): { digest: string; size: number } => {
        const d = sha(b);
        repo.manifests.set(d, { mediaType, bytes: Buffer.from(b) });
        return { digest: d, size: Buffer.byteLength(b) };
      };
      const EMPTY = put('{}');
      const cfg = (arch: string): { digest: string; size: number } => put(JSON.stringify({ architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
      const layer = put('layer-bytes');
      const img = (arch: string): string => JSON.stringify({ schemaVersion: 2, mediaType: M, config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg(arch) }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }] });
      const a = img('amd64');
      const b = img('arm64');
      const A = putManifest(a, M);
      const B = putManifest(b, M);
      const indexOf = (first: { digest: string; size: number }): string =>
        JSON.stringify({
          schemaVersion: 2,
          mediaType: I,
          manifests: [
            { mediaType: M, ...first, platform: { architecture: 'amd64', os: 'linux' } },
            { mediaType: M, ...B, platform: { architecture: 'arm64', os: 'linux' } },
            { mediaType: M, ...A, platform: { architecture: 'unknown', os: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': first.digest } },
          ],
        });
      const idx = indexOf(A);
      const X = putManifest(idx, I);
      const sbom = put('{"spdx":1}');
      const art = JSON.stringify({ schemaVersion: 2, mediaType: M, artifactType: 'application/spdx+json', config: { mediaType: 'application/vnd.oci.empty.v1+json', ...EMPTY, data: 'e30=' }, layers: [{ mediaType: 'application/spdx+json', ...sbom, annotations: { 'org.opencontainers.image.title': 'sbom.json' } }], subject: { mediaType: I, ...X } });
      const R = putManifest(art, M);
      repo.tags.set('idx', X.digest);
      repo.tags.set('img', A.digest);
      repo.tags.set('fzi', X.digest);
      const listing = JSON.stringify({ schemaVersion: 2, mediaType: I, manifests: [{ mediaType: M, digest: R.digest, size: R.size, artifactType: 'application/spdx+json' }] });
      const fallbackTag = `sha256-${X.digest.slice(7)}`;
      if (fallback) repo.tags.set(fallbackTag, putManifest(listing, I).digest);
      const atoms = ['null', '[]', '{}', '""', '0', '-1', '1e400', '2.0', 'true', '"\\u0000"', '"\\ud800"', '{"a":1,"a":2}', '[[[[]]]]', '"sha256:zz"', '9007199254740993', '"a/b"', '"\u202e"', `"${A.digest}"`, `"${X.digest}"`, '{"mediaType":"x/y"}', `{"mediaType":"${M}","digest":"${B.digest}","size":${B.size}}`, '[null]', '[1]', '[{}]', '["\\u0000"]', '["fz","fz"]', '["../x"]', `[{"mediaType":"${M}","digest":"${R.digest}","size":${R.size}}]`];
      const mutate = (text: string): string => mutateJson(text, rnd, atoms);
      const path = (p: string): RegExp => new RegExp(`^/v2/${name}/${p}`);
      /** Passes the registry's answer on with the body and headers changed. */
      const alter = (change: (answer: { headers: Record<string, unknown>; body: string }) => void) => async (x: Exchange): Promise<void> => {
        const up = await x.upstream();
        const answer = { headers: { ...up.headers } as Record<string, unknown>, body: up.body.toString('utf8') };
        if (up.status === 200) change(answer);
        x.send({ status: up.status, headers: answer.headers as Exchange['req']['headers'], body: x.req.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(answer.body) }, x.req.method === 'HEAD');
      };
      // Headers damaged besides (a Link, a HEAD's Content-Length) come from a generator of their own, so the main
      // one draws as it did before they were added and a seed still replays the same documents.
      const side = generator(options.seed * 7919 + i);
      const link = side.rnd() < 0.5 ? side.pick(['', '<>; rel="next"', '<http://[::1>; rel="next"', `</v2/${name}/tags/list?n=1&last=>; rel="next"`, '</v2/../../etc/passwd>; rel="next"', `<${'x'.repeat(5000)}>; rel="next"`, '<?page=1>; rel="next", <?page=2>; rel="next"', 'rel="next"']) : undefined;
      const headLength = side.rnd() < 0.3 ? side.pick(['', '-1', '0', '1e400', 'abc', '9007199254740993', '5000000']) : undefined;
      const withLink = (r: { headers: Record<string, unknown> }): void => {
        if (link !== undefined) r.headers.link = link;
      };
      let what: string;
      const rules: Misbehaviour[] = [];
      const which = rnd();
      if (which < 0.45) {
        // A damaged document, stored under its own digest and tagged fz; a damaged image also stands in an index (fzi).
        const src = pick([a, idx, art]);
        const t = mutate(src);
        const d = putManifest(t, src === idx ? I : M);
        repo.tags.set('fz', d.digest);
        if (src === a) repo.tags.set('fzi', putManifest(indexOf(d), I).digest);
        what = `document ${d.digest}: ${JSON.stringify(t)}`;
      } else {
        const target = pick([X, A, R]);
        repo.tags.set('fz', target.digest);
        const kind = pick(['content-type', 'digest-header', 'tag-list', 'referrers', 'manifest-bytes', 'blob-bytes']);
        const onManifests = pick([`manifests/fz$`, `manifests/`, `manifests/${target.digest}$`]);
        if (kind === 'content-type') {
          const v = pick(['', 'application/json', 'text/plain', 'text/html; charset=utf-8', I, M, 'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'x/y', `${M}; charset=utf-8`, ',', null]);
          rules.push({ path: path(onManifests), act: alter((r) => (v === null ? delete r.headers['content-type'] : (r.headers['content-type'] = v))) });
          what = `Content-Type ${JSON.stringify(v)} on ${onManifests} (fz is ${target.digest})`;
        } else if (kind === 'digest-header') {
          const hex = target.digest.slice(7);
          const v = pick(['', 'sha256:zz', B.digest, `sha512:${hex}${hex}`, `SHA256:${hex.toUpperCase()}`, 'md5:abc', `${target.digest}, ${target.digest}`, `sha256:${hex.slice(1)}`, null]);
          rules.push({ path: path(onManifests), act: alter((r) => (v === null ? delete r.headers['docker-content-digest'] : (r.headers['docker-content-digest'] = v))) });
          what = `Docker-Content-Digest ${JSON.stringify(v)} on ${onManifests} (fz is ${target.digest})`;
        } else if (kind === 'tag-list') {
          const text = JSON.stringify({ name, tags: [...repo.tags.keys()].sort() });
          const t = mutate(text);
          rules.push({ path: path('tags/list'), act: alter((r) => (withLink(r), (r.body = t))) });
          what = `tag list ${JSON.stringify(t)}${link === undefined ? '' : `, Link ${JSON.stringify(link.slice(0, 60))}`}`;
        } else if (kind === 'referrers') {
          const t = mutate(listing);
          if (fallback) repo.tags.set(fallbackTag, putManifest(t, I).digest);
          else rules.push({ path: path(`referrers/${X.digest}`), act: alter((r) => (withLink(r), (r.body = t))) });
          what = `referrers of ${X.digest}${fallback ? ' (fallback tag)' : ''}: ${JSON.stringify(t)}${link === undefined || fallback ? '' : `, Link ${JSON.stringify(link.slice(0, 60))}`}`;
        } else if (kind === 'manifest-bytes') {
          const src = target === X ? idx : target === A ? a : art;
          const t = mutate(src);
          rules.push({ method: 'GET', path: path(onManifests), act: alter((r) => (r.body = t)) });
          what = `bytes served for ${onManifests} (fz is ${target.digest}): ${JSON.stringify(t)}`;
        } else {
          const blob = pick([layer.digest, EMPTY.digest, sbom.digest]);
          const t = pick(['', 'x', '{"spdx":2}', 'layer-byte', 'layer-bytes!']);
          rules.push({ method: 'GET', path: path(`blobs/${blob}`), act: alter((r) => (r.body = t)) });
          what = `bytes ${JSON.stringify(t)} served for blob ${blob} (fz is ${target.digest})`;
        }
      }
      // Last, so a rule above that alters a HEAD answer wins.
      if (headLength !== undefined) {
        rules.push({ method: 'HEAD', path: path('manifests/'), act: alter((r) => (r.headers['content-length'] = headLength)) });
        what += `; HEAD of manifests with Content-Length ${JSON.stringify(headLength)}`;
      }
      proxy.misbehave(rules);
      const ref = `${proxy.host}/${name}`;
      const out = (k: string): string => join(base, `${k}${i}`);
      const cmds: string[][] = [
        ['repo', 'tags', ref],
        ['repo', 'tags', ref, '--format', 'json'],
        ['check', `${ref}:fz`],
        ['check', `${ref}:fz`, '--format', 'json'],
        ['check', `${ref}:fzi`],
        ['discover', `${ref}:fz`, '--recursive'],
        ['discover', `${ref}:fz`, '--recursive', '--format', 'json'],
        ['discover', `${ref}:idx`, '--recursive'],
        ['discover', `${ref}:fz`, '--platform', 'linux/amd64', '--format', 'json'],
        ['coverage', `${ref}:fz`],
        ['coverage', `${ref}:fz`, '--format', 'json'],
        ['coverage', `${ref}:idx`],
        ['manifest', 'fetch', `${ref}:fz`],
        ['manifest', 'fetch', `${ref}:fz`, '--descriptor'],
        ['manifest', 'fetch', `${ref}:fz`, '--platform', 'linux/arm64'],
        ['manifest', 'fetch', `${ref}:fzi`, '--platform', 'linux/amd64', '--descriptor'],
        ['manifest', 'fetch-config', `${ref}:fz`, '--output', '-'],
        ['manifest', 'fetch-config', `${ref}:fz`, '--platform', 'linux/amd64', '--output', '-'],
        ['manifest', 'index', 'diff', `${ref}:fz`, `${ref}:idx`],
        ['manifest', 'index', 'diff', `${ref}:idx`, `${ref}:fzi`, '--format', 'json'],
        ['resolve', `${ref}:fz`],
        ['resolve', `${ref}:fz`, '--platform', 'linux/arm64'],
        ['blob', 'fetch', `${ref}@${layer.digest}`, '--output', out('b')],
        ['blob', 'fetch', `${ref}@${layer.digest}`, '--descriptor'],
        ['cp', `${ref}:fz`, '--to-oci-layout', `${out('c')}:fz`, '-r'],
        ['cp', `${ref}:fzi`, '--to-oci-layout', `${out('d')}:fz`, '--platform', 'linux/amd64'],
        ['cp', `${ref}:fz`, '--to-oci-layout', `${out('e')}:fz`, '--platform', 'linux/amd64', '--dry-run', '--format', 'json'],
        ['backup', '-o', out('k'), ref, '--include-referrers'],
        ['backup', '-o', `${out('t')}.tar`, `${ref}:fz,fzi`, '--include-referrers', '--format', 'json'],
        ['pull', `${ref}:fz`, '-o', out('p')],
        ['pull', `${ref}:fz`, '-o', out('q'), '--format', 'json'],
        ['attach', `${ref}:fz`, '--artifact-type', 'application/x', '--recursive', '-a', 'k=v'],
        ['manifest', 'index', 'update', `${ref}:fz`, '--add', 'img'],
        ['tag', `${ref}:fz`, 'fz2'],
      ];
      for (const c of cmds) {
        const argv = [...c, '--plain-http'];
        const shown = c.slice(0, c[0] === 'manifest' ? 3 : 2).join(' ');
        let r;
        try {
          r = await Promise.race([runCli(...argv), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer in 60 s')), 60_000).unref())]);
        } catch (err) {
          const f = { iteration: i, command: argv.join(' '), line: `THROWN ${String(err).slice(0, 300)}`, what };
          findings.push(f);
          options.onFinding?.(f);
          continue;
        }
        const bad = r.stderr.split('\n').find((l) => CRASH_IN_STDERR.test(l)) ?? r.stdout.split('\n').find((l) => CRASH_IN_STDOUT.test(l));
        if (bad !== undefined) {
          const f = { iteration: i, command: argv.join(' '), line: bad.slice(0, 400), what };
          findings.push(f);
          options.onFinding?.(f);
        }
        options.log?.(`${i} [${what.slice(0, 60)}] ${shown} ${r.code} ${r.code ? (r.stderr.trim().split('\n').pop() || r.stdout.trim().split('\n').pop()) : ''}`);
      }
      rmSync(base, { recursive: true, force: true });
      mkdirSync(base);
    }
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (k === 'DOCKER_CONFIG' && process.env.DOCKER_CONFIG) rmSync(process.env.DOCKER_CONFIG, { recursive: true, force: true });
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(base, { recursive: true, force: true });
    for (const p of proxies) await p.stop();
    await withApi.stop();
    await withoutApi.stop();
  }
  return findings;
}
