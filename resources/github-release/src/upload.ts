// Asset uploads: which files, and each one's upload with retries.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ConfigError, isInside, type Logger } from '@hangar/resource-sdk';
import { deleteAsset, listAssets, uploadAsset } from './api.js';
import { UnexpectedAnswer } from './answers.js';
import { remote, statusOf, type Repository } from './github.js';
import { streamWithProgress } from './progress.js';
import type { Release } from './releases.js';

/** Attempts per asset upload, as in the reference. */
export const UPLOAD_ATTEMPTS = 10;

/** Files under `sources` matching `pattern`; a pattern may not reach outside `sources`. */
async function globFiles(sources: string, pattern: string): Promise<string[]> {
  const { glob } = await import('tinyglobby');
  const matches = await glob(pattern, { cwd: sources, onlyFiles: true, dot: true, absolute: true });
  return matches.filter((path) => isInside(sources, path)).sort();
}

export async function filesToUpload(sources: string, globs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of globs) {
    const matched = await globFiles(sources, pattern);
    if (matched.length === 0) throw new ConfigError(`params.globs: '${pattern}' matched no files`);
    files.push(...matched);
  }
  return files;
}

export async function uploadWithRetries(
  repository: Repository,
  release: Release,
  path: string,
  log: Logger,
): Promise<void> {
  const name = basename(path);
  const { size } = await stat(path);
  for (let attempt = 1; ; attempt++) {
    try {
      log.info(`uploading ${name} (${size} bytes)`);
      const stream = streamWithProgress(path, name, size, log);
      await uploadAsset(repository, release.id, name, { stream, size });
      return;
    } catch (error) {
      const status = statusOf(error);
      // Retrying cannot fix credentials, a missing release or a refusal such as an immutable release.
      const final =
        status === 401 ||
        status === 403 ||
        status === 404 ||
        status === 422 ||
        error instanceof UnexpectedAnswer;
      if (final) throw remote(`uploading ${name}`, error);
      log.warn(
        `uploading ${name} failed (attempt ${attempt}/${UPLOAD_ATTEMPTS}): ${(error as Error).message}`,
      );
      // An interrupted upload can leave a half-written asset that blocks the name. As in the
      // reference, it is removed after every failed attempt, the last one too.
      const partial = (await listAssets(repository, release.id)).filter((asset) => asset.name === name);
      for (const asset of partial) await deleteAsset(repository, asset);
      if (attempt >= UPLOAD_ATTEMPTS) throw remote(`uploading ${name}`, error);
    }
  }
}
