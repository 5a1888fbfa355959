// in: write the annotation id to `<destination>/id` (no newline) so a later put can pass `path`.
import { join } from 'node:path';
import { ConfigError, writeFileAtomic, type InContext, type VersionResult } from '@hangar/resource-sdk';
import type { Source } from './source.js';

export async function get({
  version,
  destination,
}: InContext<Source, Record<string, never>>): Promise<VersionResult> {
  const id = version['id'];
  // Only puts make versions: a numeric annotation id, or 'none' when creation was tolerated to fail.
  if (!id || !/^(\d+|none)$/.test(id))
    throw new ConfigError("version was not made by this resource: it needs an annotation 'id'");
  await writeFileAtomic(join(destination, 'id'), id);
  return { version };
}
