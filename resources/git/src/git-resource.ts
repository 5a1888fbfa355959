// The git resource definition: schemas plus check/in/out.
import { defineResource } from '@hangar/resource-sdk';
import { check } from './check.js';
import { get } from './in.js';
import { put } from './out.js';
import { SECRET_KEYS, getParamsSchema, putParamsSchema, sourceSchema } from './source.js';

export const gitResource = defineResource({
  name: 'git',
  source: sourceSchema,
  getParams: getParamsSchema,
  putParams: putParamsSchema,
  secretKeys: SECRET_KEYS,
  abortGraceMs: 2_000,
  check,
  in: get,
  out: put,
});
