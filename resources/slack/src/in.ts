// in: echo the version; for a message posted with a bot token, leave the files a later put needs
// to reply in its thread or update it.
import { join } from 'node:path';
import { ConfigError, writeFileAtomic, type InContext, type VersionResult } from '@hangar/resource-sdk';
import type { Source } from './source.js';

export async function get({
  version,
  destination,
}: InContext<Source, Record<string, never>>): Promise<VersionResult> {
  const { timestamp, ts, channel } = version;
  // As the reference: a message cannot be fetched, so any version is echoed (`none` without one).
  if (!timestamp) return { version: { timestamp: 'none' }, metadata: [] };
  if (ts !== undefined && !/^\d+\.\d+$/.test(ts))
    throw new ConfigError(`version.ts '${ts.slice(0, 40)}' is not a Slack message ts`);
  const metadata = [];
  if (ts && channel) {
    await writeFileAtomic(join(destination, 'thread.json'), `${JSON.stringify({ channel, ts })}\n`);
    await writeFileAtomic(join(destination, 'ts'), ts);
    await writeFileAtomic(join(destination, 'channel'), channel);
    metadata.push({ name: 'channel', value: channel }, { name: 'ts', value: ts });
  }
  return { version, metadata };
}
