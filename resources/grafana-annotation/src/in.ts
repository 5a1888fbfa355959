// in: write the annotation id to `<destination>/id` (no newline) so a later put can pass `path`.
import { join } from 'node:path';
import { writeFileAtomic, type InContext, type VersionResult } from '@hangar/resource-sdk';
import type { Source } from './source.js';

export async function get({
  version,
  destination,
}: InContext<Source, Record<string, never>>): Promise<VersionResult> {
  // As the reference: whatever id the version holds (none: empty) is written and echoed.
  const id = version['id'] ?? '';
  await writeFileAtomic(join(destination, 'id'), id);
  return { version: { id } };
}
