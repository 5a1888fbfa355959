// Bundles dist/resource.js and regenerates schema/*.json from the zod schemas.
import { mkdir, writeFile } from 'node:fs/promises';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { toJsonSchema } from '@hangar/resource-sdk/json-schema';
import { getParamsSchema, putParamsSchema, sourceSchema } from './dist/definition.js';

const type = 'grafana-annotation';
await bundleResource({ entry: 'src/index.ts', outfile: 'dist/resource.js' });
await mkdir('schema', { recursive: true });
for (const [file, schema, title] of [
  ['source.json', sourceSchema, `${type} resource source`],
  ['get-params.json', getParamsSchema, `${type} resource get params`],
  ['put-params.json', putParamsSchema, `${type} resource put params`],
]) {
  await writeFile(`schema/${file}`, `${JSON.stringify(toJsonSchema(schema, title), null, 2)}\n`);
}
