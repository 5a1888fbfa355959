import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { jsonSchemas } from './json-schemas.js';

it('schema/*.json are generated from the zod schemas (run `node build.mjs schemas`)', async () => {
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    const committed = JSON.parse(
      await readFile(join(import.meta.dirname, '../schema', name), 'utf8'),
    ) as unknown;
    expect(committed, name).toEqual(schema);
  }
  const source = jsonSchemas()['source.json'] as {
    properties: Record<string, unknown>;
    additionalProperties: unknown;
  };
  expect(Object.keys(source.properties)).toContain('lock_timeout');
  expect(source.additionalProperties).toBe(false);
});
