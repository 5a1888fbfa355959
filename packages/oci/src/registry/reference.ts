// Image references: [registry/]repository[:tag][@digest].
import { ConfigError } from '@hangar/resource-sdk';
import { isDigest, type Digest } from '../digest.js';

export interface ImageReference {
  /** host[:port]; 'docker.io' when the reference names none. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: Digest;
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Parses `127.0.0.1:5000/hangar/git-resource:1.2.3` and friends. */
export function parseImageReference(text: string): ImageReference {
  let rest = text;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const candidate = rest.slice(at + 1);
    if (!isDigest(candidate))
      throw new ConfigError(`image reference '${text}': '${candidate}' is not a sha256 digest`);
    digest = candidate;
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let path = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon > path.lastIndexOf('/')) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw new ConfigError(`image reference '${text}': invalid tag '${tag}'`);
  }
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (!REPOSITORY.test(path))
    throw new ConfigError(`image reference '${text}': invalid repository '${path}'`);
  const reference: ImageReference = { registry, repository: path };
  if (tag) reference.tag = tag;
  if (digest) reference.digest = digest;
  return reference;
}
