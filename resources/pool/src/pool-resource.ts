// The pool resource definition: schemas plus check/in/out.
import { defineResource } from '@hangar/resource-sdk';
import { check } from './check.js';
import { getLock } from './in.js';
import { out } from './out.js';
import { SECRET_KEYS, getParamsSchema, putParamsSchema, sourceSchema } from './source.js';

export const poolResource = defineResource({
  name: 'pool',
  source: sourceSchema,
  getParams: getParamsSchema,
  putParams: putParamsSchema,
  secretKeys: SECRET_KEYS,
  // The reference ignores keys it does not know: warn, naming the nearest known one.
  unknownKeys: 'warn',
  // After SIGTERM, time to undo a claim whose push was already in flight.
  abortGraceMs: 20_000,
  check,
  in: getLock,
  out,
});

export { parseDuration } from './duration.js';
