// package.json's contributions against the extension's code, read statically (the code imports vscode).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allContextValues } from '../../src/extension/present/contextValues';
import { TRUST_NEEDED } from '../../src/extension/trust';

const root = resolve(__dirname, '../..');
// As VS Code reads it: each "%key%" replaced by its text from package.nls.json.
const nls: Record<string, string> = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8').replace(/"%([^"%]+)%"/g, (m, k: string) => (k in nls ? JSON.stringify(nls[k]) : m)));
const contributes = pkg.contributes ?? {};
const declared: string[] = (contributes.commands ?? []).map((c: { command: string }) => c.command);
const tableSource = readFileSync(join(root, 'src/extension/commands/table.ts'), 'utf8');
const registered = [...tableSource.matchAll(/\{\s*id:\s*'([^']+)',\s*handler:/g)].map((m) => m[1]!);
const menuItems: { menu: string; command: string; when?: string }[] = Object.entries<{ command: string; when?: string }[]>(contributes.menus ?? {}).flatMap(
  ([menu, items]) => items.map((i) => ({ menu, ...i })),
);

describe('extension manifest', () => {
  it('the command table lists each command once', () => {
    assert.ok(registered.length > 5, 'no commands read from table.ts');
    assert.equal(new Set(registered).size, registered.length);
  });

  it('every declared command is registered in the table', () => {
    assert.deepEqual(declared.filter((c) => !registered.includes(c)), []);
  });

  it('every registered command is declared in package.json', () => {
    assert.deepEqual(registered.filter((c) => !declared.includes(c)), []);
  });

  it('menus only name declared commands', () => {
    assert.deepEqual(menuItems.filter((i) => !declared.includes(i.command)).map((i) => `${i.menu}: ${i.command}`), []);
  });

  it('every viewItem regex in a when clause matches a contextValue the tree sets', () => {
    const values = allContextValues();
    const problems: string[] = [];
    for (const i of menuItems) {
      for (const m of (i.when ?? '').matchAll(/viewItem =~ \/(.+?)\/(?=\s|$)/g)) {
        const re = new RegExp(m[1]!);
        if (!values.some((v) => re.test(v))) problems.push(`${i.menu} ${i.command}: /${m[1]}/`);
      }
      if (/viewItem ==/.test(i.when ?? '')) problems.push(`${i.menu} ${i.command}: match contextValue tokens with =~, not ==`);
    }
    assert.deepEqual(problems, []);
  });

  const whenOf = (menu: string, command: string, view: string) =>
    menuItems.filter((i) => i.menu === menu && i.command === command && (i.when ?? '').includes(`view == ${view}`)).map((i) => i.when ?? '');
  /** The contextValues a menu entry's viewItem regexes match. */
  const matched = (when: string) => {
    const res = [...when.matchAll(/viewItem =~ \/(.+?)\/(?=\s|$)/g)].map((m) => new RegExp(m[1]!));
    return allContextValues().filter((v) => res.some((re) => re.test(v)));
  };

  it('the tree\'s writing commands are not offered on layout archives; the layout-only ones not on registry nodes', () => {
    const writes = ['manifold.createIndex', 'manifold.updateIndex', 'manifold.annotate', 'manifold.attach', 'manifold.tag', 'manifold.untag', 'manifold.delete', 'manifold.copyToRegistry'];
    const layoutOnly = ['manifold.createIndex', 'manifold.untag'];
    const offered = menuItems
      .filter((i) => i.menu === 'view/item/context' && writes.includes(i.command))
      .flatMap((i) =>
        matched(i.when ?? '')
          .filter((v) => v.endsWith('+readonly') || (layoutOnly.includes(i.command) && v.endsWith('+remote')))
          .map((v) => `${i.command} on ${v}`),
      );
    assert.deepEqual(offered, []);
  });

  it('registry tags and manifests offer tag, delete, attach, update, copy, pull and coverage, in the Registries view only', () => {
    const remoteRows = ['manifold:tag+index+remote', 'manifold:tag+image+remote', 'manifold:manifest+image+child+remote', 'manifold:manifest+artifact+referrer+remote'];
    const on = (command: string) => whenOf('view/item/context', command, 'manifold.registries').flatMap(matched);
    for (const command of ['manifold.tag', 'manifold.delete', 'manifold.attach', 'manifold.copyToRegistry', 'manifold.pullToLayout']) {
      assert.deepEqual(remoteRows.filter((v) => !on(command).includes(v)), [], command);
      assert.ok(on(command).every((v) => v.endsWith('+remote')), command);
      assert.ok(whenOf('view/item/context', command, 'manifold.registries').every((w) => /&& isWorkspaceTrusted$/.test(w)), command);
    }
    // Attestation rows (buildx's) are read, not changed, as in the Layouts view.
    assert.ok(!on('manifold.delete').includes('manifold:manifest+image+attestation+remote'));
    assert.deepEqual(on('manifold.updateIndex'), ['manifold:tag+index+remote', 'manifold:manifest+index+child+remote', 'manifold:manifest+index+referrer+remote']);
    assert.deepEqual(on('manifold.annotate'), ['manifold:tag+index+remote']);
    assert.ok(on('manifold.showCoverage').includes('manifold:tag+index+remote'));
  });

  it('the layout node offers Copy to Registry, Pull into This Layout, index.json in the editor and Reveal in Explorer', () => {
    const on = (command: string) => whenOf('view/item/context', command, 'manifold.layouts').flatMap(matched);
    for (const command of ['manifold.copyLayoutToRegistry', 'manifold.pullIntoLayout', 'manifold.openLayoutIndex', 'manifold.revealLayout']) {
      assert.ok(on(command).includes('manifold:layout') && on(command).includes('manifold:layout+added'), command);
      assert.ok(on(command).every((v) => v.startsWith('manifold:layout')), command);
    }
    // An archive (read-only) is not pulled into, and has no index.json file to open.
    assert.ok(!on('manifold.pullIntoLayout').some((v) => v.includes('readonly')));
    assert.ok(!on('manifold.openLayoutIndex').some((v) => v.includes('readonly')));
  });

  it('the Explorer offers Pull into Layout on layout folders and Open in Index Editor on index.json files', () => {
    const explorer = (command: string) => menuItems.filter((i) => i.menu === 'explorer/context' && i.command === command).map((i) => i.when);
    assert.deepEqual(explorer('manifold.pullIntoLayout'), ['explorerResourceIsFolder && resourcePath in manifold.layoutFolders && isWorkspaceTrusted']);
    assert.deepEqual(explorer('manifold.openInIndexEditor'), ['!explorerResourceIsFolder && resourceFilename == index.json']);
  });

  it('welcome views link only to declared or built-in commands', () => {
    const links = (contributes.viewsWelcome ?? []).flatMap((w: { contents: string }) => [...w.contents.matchAll(/\(command:([^)\s]+)\)/g)].map((m) => m[1]!));
    assert.ok(links.length > 0);
    assert.deepEqual(links.filter((c: string) => c.startsWith('manifold.') && !declared.includes(c)), []);
  });

  it('icons and views it names exist', () => {
    for (const c of contributes.viewsContainers?.activitybar ?? []) assert.ok(existsSync(join(root, c.icon)), c.icon);
    const views = Object.values<{ id: string }[]>(contributes.views ?? {}).flat().map((v) => v.id);
    assert.ok(views.includes('manifold.layouts'));
    assert.ok(views.includes('manifold.registries'));
    const source = readFileSync(join(root, 'src/extension/layouts/layoutsTree.ts'), 'utf8');
    assert.match(source, /LAYOUTS_VIEW = 'manifold\.layouts'/);
  });

  it('settings live under one title, each described', () => {
    const props = Object.entries<{ description?: string; markdownDescription?: string }>(contributes.configuration?.properties ?? {});
    assert.equal(contributes.configuration?.title, 'Manifold');
    for (const [key, p] of props) {
      assert.ok(key.startsWith('manifold.'), key);
      assert.ok(p.description || p.markdownDescription, key);
    }
  });

  describe('Restricted Mode (untrusted workspaces)', () => {
    const needTrust = Object.keys(TRUST_NEEDED);
    // Every other command only reads: a new command must be put in one list or the other.
    const browseOnly = [
      'manifold.refresh', 'manifold.showLog', 'manifold.addLayoutFolder', 'manifold.removeLayoutFolder', 'manifold.openInManifold',
      'manifold.copyDigest', 'manifold.copyReference', 'manifold.openManifest', 'manifold.openConfig', 'manifold.showReferrersTree', 'manifold.showReferrersText',
      'manifold.openInIndexEditor', 'manifold.openLayoutIndex',
      // A layout folder shown in the Explorer view or the file manager.
      'manifold.revealLayout',
      // The coverage page reads; its attach buttons run manifold.attach, which is refused when untrusted.
      'manifold.showCoverage',
      // A blob shown, or saved to a file the user picks: nothing in a layout changes.
      'manifold.openBlob', 'manifold.saveBlobAs',
      // Two indexes shown side by side.
      'manifold.compareIndex',
      // Read and verified; the results go to the Problems panel.
      'manifold.checkImage', 'manifold.checkLayout', 'manifold.checkRepository',
      // Signatures read and verified with keys of the user's own setting (not the workspace's) or chosen; results to the Problems panel.
      'manifold.verifySignatures',
      // Every signature shown as it reads, nothing trusted: a read-only document.
      'manifold.inspectSignatures',
      // Attestations read and verified likewise.
      'manifold.verifyAttestations',
      // A file's signature beside it read and verified likewise; a notification says the result.
      'manifold.verifyFileSignature',
    ];

    it('is declared limited, with a description', () => {
      assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, 'limited');
      assert.match(pkg.capabilities.untrustedWorkspaces.description, /registr/);
    });

    it('every registered command is either refused when untrusted or browse-only', () => {
      assert.deepEqual(needTrust.filter((c) => !registered.includes(c)), [], 'TRUST_NEEDED names unknown commands');
      assert.deepEqual(needTrust.filter((c) => browseOnly.includes(c)), []);
      assert.deepEqual(registered.filter((c) => !needTrust.includes(c) && !browseOnly.includes(c)), []);
    });

    it('every menu entry of a write or registry command carries isWorkspaceTrusted', () => {
      const open = menuItems.filter((i) => needTrust.includes(i.command) && i.when !== 'false' && !/(^|&&\s*)isWorkspaceTrusted(\s*&&|$)/.test(i.when ?? ''));
      assert.deepEqual(open.map((i) => `${i.menu}: ${i.command} when ${i.when ?? '(always)'}`), []);
    });

    it('every write or registry command is kept out of the palette when untrusted', () => {
      const palette = new Set(menuItems.filter((i) => i.menu === 'commandPalette').map((i) => i.command));
      assert.deepEqual(needTrust.filter((c) => !palette.has(c)), []);
    });

    it('welcome links to write or registry commands show only in trusted workspaces, and each view has an untrusted text', () => {
      const welcome: { view: string; contents: string; when?: string }[] = contributes.viewsWelcome ?? [];
      const problems = welcome.flatMap((w) =>
        [...w.contents.matchAll(/\(command:([^)\s]+)\)/g)]
          .map((m) => m[1]!)
          .filter((c) => needTrust.includes(c) && !/(^|&&\s*)isWorkspaceTrusted(\s*&&|$)/.test(w.when ?? ''))
          .map((c) => `${w.view}: ${c}`),
      );
      assert.deepEqual(problems, []);
      for (const view of ['manifold.layouts', 'manifold.registries']) {
        assert.ok(welcome.some((w) => w.view === view && /!isWorkspaceTrusted/.test(w.when ?? '') && /not trusted/.test(w.contents)), view);
      }
    });
  });
});
