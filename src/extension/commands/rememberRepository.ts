import { isOciError } from '../../oci/errors';
import type { Services } from '../services';

/**
 * A registry and repository typed for a copy or a pull join the Registries view once the registry has answered:
 * after the copy or pull, or when it asks for credentials, so Sign In names it. A mistyped or
 * unreachable one is not kept for good. (addRepository adds the registry too when it is not there yet, and does
 * nothing for a repository already listed.)
 */
export function rememberRepository(services: Services, ref: { registry: string; repository: string }): Promise<void> {
  return services.registries.addRepository(ref.registry, ref.repository);
}

/** Runs `transfer` (a copy to or a pull from `ref`), then remembers `ref`: once done, or when the registry asked for credentials. */
export async function rememberedAfter<T>(services: Services, ref: { registry: string; repository: string }, transfer: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await transfer();
  } catch (err) {
    if (isOciError(err, 'UNAUTHORIZED')) await rememberRepository(services, ref);
    throw err;
  }
  await rememberRepository(services, ref);
  return result;
}
