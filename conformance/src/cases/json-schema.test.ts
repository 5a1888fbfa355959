// schema/case-v1.schema.json is generated from the zod schema; regenerate with
// `npx tsx -e "import('./src/cases/format.ts').then(m => console.log(JSON.stringify(m.caseJsonSchema(), null, 2)))" > schema/case-v1.schema.json`
// and then `npx prettier --write schema/case-v1.schema.json`.
import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { caseJsonSchema } from './format.js';

test('the committed JSON Schema matches the case format', async () => {
  const committed = JSON.parse(
    await readFile(new URL('../../schema/case-v1.schema.json', import.meta.url), 'utf8'),
  ) as unknown;
  expect(committed).toEqual(caseJsonSchema());
});
