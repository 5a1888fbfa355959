// in: no storage access. Writes the version (bumped locally when bump params are given) to
// `number` and `version`, and answers with the version as requested.
import { join } from 'node:path';
import { writeFileAtomic, type InContext, type VersionResult } from '@hangar/resource-sdk';
import type { GetParams, Source } from './source.js';
import { initialVersion, requestedVersion, result } from './wire.js';
import { applyBump, bumpWarning, formatVersion } from './version.js';

export async function get({
  source,
  version,
  params,
  destination,
  log,
}: InContext<Source, GetParams>): Promise<VersionResult> {
  initialVersion(source);
  const requested = requestedVersion(version);
  const warning = bumpWarning(params);
  if (warning) log.warn(warning);
  const bumped = applyBump(requested, params);
  const from = formatVersion(requested);
  const to = formatVersion(bumped);
  if (from !== to) log.info(`bumped locally from ${from} to ${to}`);
  await writeFileAtomic(join(destination, 'number'), to);
  await writeFileAtomic(join(destination, 'version'), to);
  return result(requested);
}
