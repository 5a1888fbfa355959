// Build: the single-file bundle dist/resource.js (run by /opt/resource/{check,in,out}) and the
// JSON Schemas in schema/. Types come from `tsc -p tsconfig.build.json` (the build script).
import { Buffer } from 'node:buffer';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleResource } from '@hangar/resource-sdk/bundle';

const here = import.meta.dirname;
await bundleResource({ entry: join(here, 'src/index.ts'), outfile: join(here, 'dist/resource.js') });

const compiled = await build({
  entryPoints: [join(here, 'src/json-schemas.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  conditions: ['@hangar/source'],
  logLevel: 'warning',
});
const module = await import(
  `data:text/javascript;base64,${Buffer.from(compiled.outputFiles[0].text).toString('base64')}`
);
for (const [name, schema] of Object.entries(module.jsonSchemas()))
  await writeFile(join(here, 'schema', name), `${JSON.stringify(schema, null, 2)}\n`);
