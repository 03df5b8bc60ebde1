import type { Target } from '../oci/target';
import type { LayoutFolders } from './layouts/layoutFolders';
import type { SourceRef } from './present/sourceRef';
import type { RegistryService } from './registries/registryService';

/** Opens what a SourceRef names: a layout store or a registry repository, both Targets. */
export class Sources {
  constructor(
    private readonly layouts: LayoutFolders,
    private readonly registries: RegistryService,
  ) {}

  async open(ref: SourceRef): Promise<Target> {
    return ref.kind === 'layout' ? this.layouts.open(ref.path) : this.registries.repository(ref.registry, ref.repository);
  }
}
