import * as l10n from '@vscode/l10n';
import type { Services } from '../services';
import { plainArgs } from './args';
import { withProgress } from '../ui/progress';
import { input } from '../ui/prompts';
import { registryFrom } from './registryArgs';
import { offerRetry } from './retry';

/**
 * `manifold.signIn`: stores a user name and password (or token) in VS Code's secret storage after the
 * registry accepted them. Arguments: a registry node or `{ registry, username, password, retry? }` (`retry`: the
 * failed command whose message offered Sign In…, offered again once signed in).
 */
export async function signIn(services: Services, arg?: unknown): Promise<string> {
  const title = l10n.t('Sign In to Registry');
  const host = await registryFrom(services, arg, title);
  const plain = plainArgs(arg);
  // An empty user name or password is refused before anything is sent or stored: a registry that asks for no
  // credentials would take them, and every later request would carry them. A user name pasted with spaces is trimmed.
  const username = (
    typeof plain.username === 'string'
      ? plain.username
      : await input({ title: `${title}: ${host}`, prompt: l10n.t('User name'), validateInput: (v) => (v.trim() === '' ? l10n.t('Enter a user name') : undefined) })
  ).trim();
  if (username === '') throw new Error(l10n.t('Sign in to {0}: the user name is empty.', host));
  const password =
    typeof plain.password === 'string'
      ? plain.password
      : await input({
          title: `${title}: ${host}`,
          prompt: l10n.t('Password or access token for {0}', username),
          password: true,
          validateInput: (v) => (v === '' ? l10n.t('Enter a password or access token') : undefined),
        });
  if (password === '') throw new Error(l10n.t('Sign in to {0}: the password is empty.', host));
  if (!services.registries.entry(host)) await services.registries.add(host, false);
  await withProgress(l10n.t('Signing in to {0}', host), (signal) => services.registries.signIn(host, { username, password }, { signal }));
  services.log.info(`signed in to ${host} as ${username}`);
  // A notification rather than the status bar: the sign-in prompt has closed, and this says it worked.
  offerRetry(l10n.t('Signed in to {0} as {1}.', host, username), plain.retry);
  return host;
}
