// The wire format: `{"number": "<semver>"}` plus `number` metadata.
import { ConfigError, type Version as WireVersion, type VersionResult } from '@hangar/resource-sdk';
import type { Source } from './source.js';
import { formatVersion, parseVersion, type Version } from './version.js';

export const toWire = (version: Version): WireVersion => ({ number: formatVersion(version) });

export function result(version: Version): VersionResult {
  const number = formatVersion(version);
  return { version: { number }, metadata: [{ name: 'number', value: number }] };
}

/** `source.initial_version`, default 0.0.0. */
export function initialVersion(source: Source): Version {
  return parseVersion(source.initial_version || '0.0.0', 'source.initial_version');
}

/** The version Concourse hands to `in`. */
export function requestedVersion(version: WireVersion): Version {
  const number = version['number'];
  if (number === undefined) throw new ConfigError("missing 'version.number'");
  return parseVersion(number, 'version.number');
}
