import { OciError } from '../errors';
import { isValidTag } from '../reference';

/** One RepoTags entry of a docker save manifest.json. */
export interface ImageName {
  /** As written: `app:v1`, `example.com/team/app:v1`. */
  repoTag: string;
  /** The tag part, the layout's ref name (as Docker 25's docker save writes org.opencontainers.image.ref.name). */
  tag: string;
  /** The full name Docker would write as io.containerd.image.name: `docker.io/library/app:v1`. */
  fullName: string;
  /** `manifest.json[0].RepoTags[1]`. */
  place: string;
}

/** The RepoTags of one image: none (null or absent: an untagged image), or each `repo:tag` checked. */
export function namesOfImage(file: string, place: string, repoTags: unknown): ImageName[] {
  if (repoTags === undefined || repoTags === null) return [];
  if (!Array.isArray(repoTags)) throw new OciError('INVALID_LAYOUT', `${file}: ${place}: not a list`);
  const out: ImageName[] = [];
  repoTags.forEach((value: unknown, i) => {
    const at = `${place}[${i}]`;
    if (typeof value !== 'string') throw new OciError('INVALID_LAYOUT', `${file}: ${at}: not a string`);
    // Old docker wrote untagged images so.
    if (value === '<none>:<none>') return;
    const colon = value.lastIndexOf(':');
    const repo = colon > value.lastIndexOf('/') ? value.slice(0, colon) : '';
    const tag = colon > value.lastIndexOf('/') ? value.slice(colon + 1) : '';
    if (repo === '' || !isValidTag(tag) || value.includes('@')) {
      throw new OciError('INVALID_LAYOUT', `${file}: ${at}: ${JSON.stringify(value).slice(0, 200)} is not a repository:tag reference`);
    }
    out.push({ repoTag: value, tag, fullName: `${fullRepository(repo)}:${tag}`, place: at });
  });
  return out;
}

/** Docker's normalized name: a name with no registry host is Docker Hub's, and one with no namespace is under library/. */
function fullRepository(repo: string): string {
  const slash = repo.indexOf('/');
  const first = slash === -1 ? '' : repo.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
  if (!hasHost) return slash === -1 ? `docker.io/library/${repo}` : `docker.io/${repo}`;
  const host = first === 'index.docker.io' ? 'docker.io' : first;
  const path = repo.slice(slash + 1);
  return host === 'docker.io' && !path.includes('/') ? `docker.io/library/${path}` : `${host}/${path}`;
}
