// package.json's own strings (titles, view names, welcome texts, setting descriptions) live in package.nls.json, so
// VS Code can show them translated (package.nls.<locale>.json). Every %key% must resolve, no key may be stale, and
// the strings a user reads must be keys, not literals that would escape translation.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const pkgText = readFileSync(join(root, 'package.json'), 'utf8');
const pkg = JSON.parse(pkgText);
const nls: Record<string, string> = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
const used = [...pkgText.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]!);

/** Where a user-facing string sits in package.json, with its value. */
function userStrings(): [string, unknown][] {
  const c = pkg.contributes;
  const out: [string, unknown][] = [
    ['displayName', pkg.displayName],
    ['description', pkg.description],
    ['capabilities.untrustedWorkspaces.description', pkg.capabilities.untrustedWorkspaces.description],
    ['configuration.title', c.configuration.title],
  ];
  c.viewsContainers.activitybar.forEach((v: { id: string; title: string }) => out.push([`viewsContainers ${v.id}`, v.title]));
  for (const views of Object.values<{ id: string; name: string; contextualTitle?: string }[]>(c.views)) {
    for (const v of views) out.push([`views ${v.id}`, v.name], [`views ${v.id} contextualTitle`, v.contextualTitle ?? '%-%']);
  }
  c.viewsWelcome.forEach((w: { view: string; when: string; contents: string }) => out.push([`viewsWelcome ${w.view} (${w.when})`, w.contents]));
  c.commands.forEach((cmd: { command: string; title: string; category?: string }) =>
    out.push([`command ${cmd.command} title`, cmd.title], [`command ${cmd.command} category`, cmd.category ?? '%-%']),
  );
  for (const [name, p] of Object.entries<{ description?: string; markdownDescription?: string }>(c.configuration.properties)) {
    out.push([`setting ${name}`, p.markdownDescription ?? p.description]);
  }
  c.customEditors.forEach((e: { viewType: string; displayName: string }) => out.push([`customEditor ${e.viewType}`, e.displayName]));
  return out;
}

describe('extension manifest: package.nls.json', () => {
  it('every %key% package.json uses is defined', () => {
    assert.ok(used.length > 40, `only ${used.length} keys used`);
    assert.deepEqual([...new Set(used.filter((k) => !(k in nls)))], []);
  });

  it('no key is stale', () => {
    assert.deepEqual(Object.keys(nls).filter((k) => !used.includes(k)), []);
  });

  it('every string a user reads is a key, with non-empty text', () => {
    const literal = userStrings().filter(([, v]) => typeof v !== 'string' || !/^%[^%]+%$/.test(v));
    assert.deepEqual(literal.map(([where, v]) => `${where}: ${JSON.stringify(v)}`), []);
    assert.deepEqual(Object.entries(nls).filter(([, v]) => typeof v !== 'string' || v.trim() === ''), []);
  });

  it('keeps the texts users know (spot checks)', () => {
    const title = (id: string): string => nls[pkg.contributes.commands.find((c: { command: string }) => c.command === id).title.slice(1, -1)]!;
    assert.equal(title('manifold.createIndex'), 'Create Multi-Arch Index…');
    assert.equal(nls['command.category'], 'Manifold');
    assert.equal(nls['views.manifold.layouts.name'], 'Layouts');
  });
});
