// Several files under one version (concourse/s3-resource#55, #66): `put` with `file` matching a
// directory uploads each file under `<key>.d/<relative path>`, then a small JSON manifest at
// `<key>` itself — last, so a version only appears once all of its files are there. `get` sees
// the manifest's marker and restores the directory as `<destination>/<basename of key>/`.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, RemoteError, resolveInside, type Logger } from '@hangar/resource-sdk';
import type { S3Connection } from '@hangar/s3-client';
import * as z from 'zod/mini';
import { downloadObject } from './transfer.js';

/** User-metadata marker (`x-amz-meta-hangar-bundle`) on a manifest object. */
export const BUNDLE_MARKER = 'hangar-bundle';
export const BUNDLE_FORMAT = 'v1';
export const BUNDLE_CONTENT_TYPE = 'application/vnd.hangar.s3-bundle+json';

const manifestSchema = z.object({
  format: z.literal('hangar-s3-bundle/v1'),
  files: z.array(
    z.object({
      path: z.string().check(z.minLength(1)),
      key: z.string().check(z.minLength(1)),
      version_id: z.optional(z.string()),
      size: z.number(),
    }),
  ),
});
export type BundleManifest = z.output<typeof manifestSchema>;

export const bundleFileKey = (key: string, relativePath: string): string => `${key}.d/${relativePath}`;

export function manifestBody(files: BundleManifest['files']): string {
  const manifest: BundleManifest = { format: 'hangar-s3-bundle/v1', files };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Downloads every file a manifest lists into `directory`; `text` is the manifest object's body. */
export async function restoreBundle(
  s3: S3Connection,
  bucket: string,
  key: string,
  text: string,
  directory: string,
  log: Logger,
  signal?: AbortSignal,
): Promise<number> {
  let manifest: BundleManifest;
  try {
    manifest = z.parse(manifestSchema, JSON.parse(text));
  } catch (error) {
    throw new RemoteError(`s3://${bucket}/${key} is marked as a file bundle but its manifest is unreadable`, {
      cause: error,
    });
  }
  await mkdir(directory, { recursive: true });
  for (const file of manifest.files) {
    let target: string;
    try {
      target = resolveInside(directory, file.path);
    } catch (error) {
      throw new RemoteError(`refusing bundle entry '${file.path}' of s3://${bucket}/${key}`, {
        cause: error,
      });
    }
    if (!file.key.startsWith(`${key}.d/`))
      throw new ConfigError(
        `refusing bundle entry '${file.path}': its key '${file.key}' is outside ${key}.d/`,
      );
    await mkdir(dirname(target), { recursive: true });
    await downloadObject(s3, { bucket, key: file.key, versionId: file.version_id }, target, log, signal);
  }
  return manifest.files.length;
}
