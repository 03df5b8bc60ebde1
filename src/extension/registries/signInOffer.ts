// When a failure should offer "Sign In": keyed on the core's error code (UNAUTHORIZED: the registry or its token
// server still answers 401 after every credential we have was tried), never on message text. Free of `vscode`.
import { isOciError } from '../../oci/errors';
import { RegistryError } from '../../oci/registry/registryError';

/**
 * `undefined` when `err` is not an authentication failure; otherwise the argument for `manifold.signIn`: the
 * registry when it is known (given, or the host the failing request went to if the user added it), else `{}` so
 * the command asks which.
 */
export function signInOffer(err: unknown, options: { registry?: string; isKnown?: (host: string) => boolean } = {}): { registry?: string } | undefined {
  if (!isOciError(err, 'UNAUTHORIZED')) return undefined;
  if (options.registry) return { registry: options.registry };
  if (err instanceof RegistryError && options.isKnown) {
    const host = hostOf(err.url);
    if (host && options.isKnown(host)) return { registry: host };
  }
  return {};
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
