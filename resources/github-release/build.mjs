// Bundles dist/resource.js and regenerates schema/*.json from the zod schemas (formatted as the
// repository's prettier would, so a format run leaves them alone).
import { mkdir, writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import { toJsonSchema } from '@hangar/resource-sdk/json-schema';
import { getParamsSchema, putParamsSchema, sourceSchema } from './dist/definition.js';

const type = 'github-release';
await bundleResource({ entry: 'src/index.ts', outfile: 'dist/resource.js' });
await mkdir('schema', { recursive: true });
for (const [file, schema, title] of [
  ['source.json', sourceSchema, `${type} resource source`],
  ['get-params.json', getParamsSchema, `${type} resource get params`],
  ['put-params.json', putParamsSchema, `${type} resource put params`],
]) {
  const path = `schema/${file}`;
  const options = { ...(await resolveConfig(path)), filepath: path };
  await writeFile(path, await format(JSON.stringify(toJsonSchema(schema, title)), options));
}
