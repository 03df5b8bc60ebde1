import type { Services } from '../services';

/**
 * A registry and repository typed for a copy or a pull join the Registries view once the registry has answered:
 * after the copy or pull, or (for a copy) when it asks for credentials, so Sign In names it. A mistyped or
 * unreachable one is not kept for good. (addRepository adds the registry too when it is not there yet, and does
 * nothing for a repository already listed.)
 */
export function rememberRepository(services: Services, ref: { registry: string; repository: string }): Promise<void> {
  return services.registries.addRepository(ref.registry, ref.repository);
}
