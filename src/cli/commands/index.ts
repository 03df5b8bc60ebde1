import type { Command } from '../command';
import { attach } from './attach';
import { blobFetch } from './blobFetch';
import { discover } from './discover';
import { indexCreate } from './indexCreate';
import { indexUpdate } from './indexUpdate';
import { manifestDelete } from './manifestDelete';
import { manifestFetch } from './manifestFetch';
import { manifestPush } from './manifestPush';
import { repoTags } from './repoTags';
import { resolve } from './resolve';
import { tag, untag } from './tag';

/** Every `manifold` command, in the order the overview lists them. */
export const COMMANDS: Command[] = [repoTags, indexCreate, indexUpdate, manifestFetch, manifestPush, manifestDelete, tag, untag, resolve, blobFetch, attach, discover];
