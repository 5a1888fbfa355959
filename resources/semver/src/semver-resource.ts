// The semver resource definition: schemas plus check/in/out.
import { defineResource } from '@hangar/resource-sdk';
import { check } from './check.js';
import { get } from './in.js';
import { put } from './out.js';
import { SECRET_KEYS, getParamsSchema, putParamsSchema, sourceSchema } from './source.js';

export const semverResource = defineResource({
  name: 'semver',
  source: sourceSchema,
  getParams: getParamsSchema,
  putParams: putParamsSchema,
  secretKeys: SECRET_KEYS,
  // The reference (Go's json.Unmarshal) ignores keys it does not know: warn, naming the nearest.
  unknownKeys: 'warn',
  check,
  in: get,
  out: put,
});

export {
  applyBump,
  formatVersion,
  parseVersion,
  tryParseVersion,
  compareVersions,
  type Version,
} from './version.js';
