// Build: the single-file bundle dist/resource.js (run by /opt/resource/{check,in,out}) and the
// JSON Schemas in schema/. Types come from `tsc -p tsconfig.build.json` (the build script).
import { Buffer } from 'node:buffer';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { format, resolveConfig } from 'prettier';
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
// Formatted as the repository's prettier would, so `prettier --write` leaves them alone.
for (const [name, schema] of Object.entries(module.jsonSchemas())) {
  const file = join(here, 'schema', name);
  const options = { ...(await resolveConfig(file)), parser: 'json' };
  await writeFile(file, await format(JSON.stringify(schema), options));
}
