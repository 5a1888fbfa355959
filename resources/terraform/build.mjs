// The library (tsc, ESM, dist/lib), the single-file bundle the image runs as
// /opt/resource/{check,in,out} (CommonJS, dist/resource.js), and schema/*.json from the zod schemas.
// `node build.mjs schemas` writes only the schemas.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleResource } from '@hangar/resource-sdk/bundle';
import * as prettier from 'prettier';

async function writeSchemas() {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-terraform-schemas-'));
  try {
    const module = join(dir, 'schemas.js');
    await bundleResource({ entry: 'src/json-schemas.ts', outfile: module, minify: false });
    const { jsonSchemas } = createRequire(import.meta.url)(module);
    for (const [name, schema] of Object.entries(jsonSchemas())) {
      const file = join('schema', name);
      const options = (await prettier.resolveConfig(file)) ?? {};
      await writeFile(
        file,
        await prettier.format(JSON.stringify(schema, null, 2), { ...options, filepath: file }),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] !== 'schemas') {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // The bundle's directory is CommonJS; the library below it stays ESM.
  await writeFile('dist/lib/package.json', '{ "type": "module" }\n');
  await bundleResource({ entry: 'src/index.ts', outfile: 'dist/resource.js' });
}
await writeSchemas();
