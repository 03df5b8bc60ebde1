import type { Services } from '../services';
import { createLayout } from './createLayout';

/** `manifold.initLayoutHere`: the Explorer's "Initialize OCI Layout Here" on a folder. */
export function initLayoutHere(services: Services, arg?: unknown): Promise<string> {
  return createLayout(services, arg);
}
