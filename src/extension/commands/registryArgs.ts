import * as l10n from '@vscode/l10n';
import { checkRegistry, isLoopbackHost, parseRegistryAddress, type RegistryAddress } from '../../oci/registry';
import { RegistryNode } from '../registries/registryNodes';
import type { Services } from '../services';
import { plainArgs } from './args';
import { input, pickOne } from '../ui/prompts';

/** The registry host a command acts on: a registry node (or a node below one), `{ registry }`, or a pick. */
export async function registryFrom(services: Services, arg: unknown, title: string): Promise<string> {
  let n: unknown = arg;
  while (n && typeof n === 'object' && 'parent' in n && !(n instanceof RegistryNode)) n = (n as { parent?: unknown }).parent;
  if (n instanceof RegistryNode) return n.host;
  const given = plainArgs(arg).registry;
  if (typeof given === 'string') return checkRegistry(given);
  const list = services.registries.list();
  if (list.length === 0) return askHost(title);
  const other = l10n.t('Other registry…');
  const picked = await pickOne([...list.map((r) => ({ label: r.host })), { label: other }], { title, placeHolder: l10n.t('Registry') });
  return picked.label === other ? askHost(title) : picked.label;
}

export async function askHost(title: string): Promise<string> {
  return (await askAddress(title)).host;
}

/** Asks for a registry; a pasted `http://` or `https://` URL is taken as host plus what its scheme says. */
export function askAddress(title: string): Promise<RegistryAddress> {
  return input({
    title,
    prompt: l10n.t('Registry host and optional port (an http:// or https:// address is fine too)'),
    placeHolder: 'localhost:5000, ghcr.io',
    validateInput: (v) => {
      try {
        parseRegistryAddress(v);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  }).then(parseRegistryAddress);
}

/** Loopback registries usually talk plain HTTP; others must be asked about it explicitly. */
export async function askPlainHttp(host: string, title: string): Promise<boolean> {
  const https = { label: 'HTTPS', plain: false };
  const plain = { label: l10n.t('Plain HTTP'), description: l10n.t('credentials travel in clear'), plain: true };
  const items = isLoopbackHost(host) ? [plain, https] : [https, plain];
  return (await pickOne(items, { title, placeHolder: l10n.t('How to talk to {0}', host) })).plain;
}
