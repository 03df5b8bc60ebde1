import type { Command } from '../command';
import { attach } from './attach';
import { attest } from './attest';
import { backup, restore } from './backup';
import { blobDelete } from './blobDelete';
import { blobFetch } from './blobFetch';
import { blobPush } from './blobPush';
import { check } from './check';
import { coverage } from './coverage';
import { cp } from './cp';
import { discover } from './discover';
import { indexCreate } from './indexCreate';
import { indexDiff } from './indexDiff';
import { indexUpdate } from './indexUpdate';
import { manifestDelete } from './manifestDelete';
import { manifestFetch } from './manifestFetch';
import { manifestFetchConfig } from './manifestFetchConfig';
import { layoutExport, layoutImport } from './layout';
import { login, logout } from './login';
import { manifestPush } from './manifestPush';
import { prune } from './prune';
import { pull } from './pull';
import { push } from './push';
import { repoLs } from './repoLs';
import { repoTags } from './repoTags';
import { resolve } from './resolve';
import { tag, untag } from './tag';
import { sign } from './sign';
import { inspect } from './inspect';
import { generateKeyPair, importKeyPair } from './keyPair';
import { generateCertificate } from './generateCertificate';
import { verify } from './verify';
import { verifyAttestation } from './verifyAttestation';
import { signBlob } from './signBlob';
import { verifyBlob } from './verifyBlob';

// repo ls comes before repo tags: it takes over the alias `repo ls` had there, as oras names it.
/** Every `manifold` command, in the order the overview lists them. */
export const COMMANDS: Command[] = [repoLs, repoTags, indexCreate, indexUpdate, indexDiff, manifestFetch, manifestFetchConfig, manifestPush, manifestDelete, tag, untag, resolve, blobFetch, blobPush, blobDelete, prune, push, pull, cp, layoutExport, layoutImport, backup, restore, login, logout, attach, discover, coverage, generateKeyPair, importKeyPair, generateCertificate, sign, verify, signBlob, verifyBlob, inspect, attest, verifyAttestation, check];
