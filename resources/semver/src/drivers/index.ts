// Picks the driver named by `source.driver` (default s3, as in the reference).
import { ConfigError } from '@hangar/resource-sdk';
import type { DriverName, Source } from '../source.js';
import { GitTagStore } from './git-tag.js';
import { GcsStore } from './gcs.js';
import { GitFileStore } from './git.js';
import { S3Store } from './s3.js';
import type { DriverContext, VersionStore } from './types.js';

export type { DriverContext, VersionStore } from './types.js';

const GIT_FIELDS = [
  'uri',
  'branch',
  'private_key',
  'private_key_passphrase',
  'username',
  'password',
  'git_user',
  'commit_message',
  'known_hosts',
  'skip_ssl_verification',
];
const S3_FIELDS = [
  'bucket',
  'key',
  'access_key_id',
  'secret_access_key',
  'session_token',
  'region_name',
  'endpoint',
  'disable_ssl',
  'skip_ssl_verification',
  'ca_bundle',
  'use_path_style',
  'skip_s3_checksums',
  'checksum_algorithm',
  'max_attempts',
  'assume_role_arn',
  'server_side_encryption',
];

/** Fields each driver reads; anything else set in `source` is reported as unused. */
const FIELDS: Record<DriverName, readonly string[]> = {
  git: [...GIT_FIELDS, 'file'],
  'git-tag': [...GIT_FIELDS, 'tag_prefix'],
  s3: S3_FIELDS,
  gcs: ['bucket', 'key', 'json_key', 'token', 'gcs_endpoint'],
  swift: ['openstack'],
};

export function driverName(source: Source): DriverName {
  return source.driver || 's3';
}

export async function openStore(source: Source, context: DriverContext): Promise<VersionStore> {
  const driver = driverName(source);
  const known = new Set(['driver', 'initial_version', ...FIELDS[driver]]);
  const unused = Object.entries(source)
    .filter(([key, value]) => !known.has(key) && value !== undefined && value !== '' && value !== false)
    .map(([key]) => `source.${key}`);
  if (unused.length) context.log.warn(`ignoring ${unused.join(', ')}: not used by the ${driver} driver`);
  switch (driver) {
    case 'git':
      return GitFileStore.open(source, context);
    case 'git-tag':
      return GitTagStore.open(source, context);
    case 's3':
      return S3Store.open(source, context);
    case 'gcs':
      return GcsStore.open(source, context);
    case 'swift':
      throw new ConfigError(
        `source.driver '${driver}' is not supported by this image yet (supported: git, git-tag, s3, gcs)`,
      );
  }
}
