// The shipped artefacts: schema/*.json match the zod schemas.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../src/json-schemas.js';

describe('schema/*.json', () => {
  it.each(Object.entries(jsonSchemas()))(
    '%s is up to date (npm run build regenerates it)',
    async (name, schema) => {
      expect(JSON.parse(await readFile(join(import.meta.dirname, '../schema', name), 'utf8'))).toEqual(
        schema,
      );
    },
  );
});
