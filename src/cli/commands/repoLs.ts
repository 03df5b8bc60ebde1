import { Registry } from '../../oci/registry/registry';
import { shownName } from '../../oci/shownName';
import { checkRegistry } from '../../oci/registry/registryReference';
import { boolOpt, type Command, LAYOUT_OPTION } from '../command';
import { FORMAT_TEMPLATE_OPTION, outputFormat, printStructured } from '../outputFormat';
import { registryClientOptions } from '../registryOptions';
import { repoTags } from './repoTags';

export const repoLs: Command = {
  path: 'repo ls',
  aliases: ['repository ls', 'repo list'],
  summary: 'List the repositories of a registry (under a namespace, if given)',
  usage: 'repo ls [flags] {REGISTRY[/NAMESPACE]|--oci-layout DIR}',
  examples: [
    'manifold repo ls localhost:5000 --plain-http',
    'manifold repo ls ghcr.io/org',
    'manifold repo ls --last team/app localhost:5000 --plain-http',
    'manifold repo ls --oci-layout layout   # a layout has no repositories: its tags, as repo tags lists them',
  ],
  minArgs: 1,
  maxArgs: 1,
  options: {
    ...LAYOUT_OPTION,
    'oci-layout': { type: 'boolean', description: 'list the tags of the OCI image layout folder DIR (or a .tar of one) instead, as repo tags does' },
    ...FORMAT_TEMPLATE_OPTION,
    all: repoTags.options.all!,
    last: {
      type: 'string',
      description: "list only the repositories after this one (its full name; the catalog's last parameter), as oras takes it; with --oci-layout, the tags after this one",
      valueName: 'REPO',
    },
  },
  async run(p, printer) {
    // A layout has no repositories: `repo ls --oci-layout DIR` keeps meaning its tags, as it did.
    if (boolOpt(p, 'oci-layout')) return repoTags.run(p, printer);
    const out = outputFormat(p, ['text', 'json', 'go-template']);
    const raw = p.positionals[0]!;
    const slash = raw.indexOf('/');
    const registry = checkRegistry(slash === -1 ? raw : raw.slice(0, slash));
    const namespace = slash === -1 ? '' : raw.slice(slash + 1).replace(/\/+$/, '');
    const reg = new Registry(registry, await registryClientOptions(p, registry));
    const names: string[] = [];
    // The catalog is sorted: it starts after --last, or at the namespace, whichever comes later.
    const given = typeof p.values.last === 'string' && p.values.last !== '' ? p.values.last : undefined;
    const last = given !== undefined && given > namespace ? given : namespace || undefined;
    for await (const name of reg.repositories({ last })) {
      if (!namespace) names.push(name);
      else if (name.startsWith(`${namespace}/`)) names.push(name.slice(namespace.length + 1));
      else if (name > `${namespace}/\uffff`) break; // the catalog is sorted: past the namespace
    }
    if (out.format !== 'text') printStructured(printer, out, { registry, repositories: names });
    // A registry's catalog may hold any name: shown as stored names are (the JSON keeps each as listed).
    else for (const n of names) printer.out(`${shownName(n)}\n`);
  },
};
