// schema/*.json (for editors) must match the zod schemas the resource validates with.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJsonSchema } from '@hangar/resource-sdk/json-schema';
import { expect, test } from 'vitest';
import { getParamsSchema, putParamsSchema, sourceSchema } from '../src/definition.js';

test.each([
  ['source.json', sourceSchema, 'github-release resource source'],
  ['get-params.json', getParamsSchema, 'github-release resource get params'],
  ['put-params.json', putParamsSchema, 'github-release resource put params'],
] as const)('schema/%s is up to date (npm run build regenerates it)', (file, schema, title) => {
  const committed: unknown = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'schema', file), 'utf8'),
  );
  expect(committed).toEqual(toJsonSchema(schema, title));
});
