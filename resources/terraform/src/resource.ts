// The terraform resource: one workspace per environment in any tofu/terraform backend.
import { defineResource } from '@hangar/resource-sdk';
import { check } from './check.js';
import { get } from './in.js';
import { out } from './out.js';
import { getParamsSchema, putParamsSchema, sourceSchema } from './source.js';
import { ABORT_GRACE_MS } from './tofu.js';

export const terraformResource = defineResource({
  name: 'terraform',
  source: sourceSchema,
  getParams: getParamsSchema,
  putParams: putParamsSchema,
  // The reference's Go decoder ignores keys it does not know: a warning naming the nearest known key.
  unknownKeys: 'warn',
  // Backend settings that hold credentials under a name the default pattern (…_key, secret, token) misses.
  secretKeys: ['conn_str'],
  // Room for tofu to stop after SIGINT and release its state lock, and for our cleanup.
  abortGraceMs: ABORT_GRACE_MS + 1_500,
  check,
  in: get,
  out,
});

export { ABORT_GRACE_MS };
