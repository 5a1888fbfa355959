// in: write the annotation id to `<destination>/id` (no newline) so a later put can pass `path`.
import { join } from 'node:path';
import { ConfigError, writeFileAtomic, type InContext, type VersionResult } from '@hangar/resource-sdk';
import type { Source } from './source.js';

export async function get({
  version,
  destination,
}: InContext<Source, Record<string, never>>): Promise<VersionResult> {
  const id = version['id'];
  if (!id) throw new ConfigError("version has no 'id'");
  await writeFileAtomic(join(destination, 'id'), id);
  return { version };
}
