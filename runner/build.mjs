// The bundles `npm run build` makes after tsc: the web UI, and the `hangar` CLI as one file that
// bin/hangar.js starts (unbundled, the CLI read several hundred files before any command ran).
import { bundleCli } from '@hangar/resource-sdk/bundle';
import { fileURLToPath } from 'node:url';
import { bundleUi } from './ui/bundle.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** Bundles the CLI; tests bundle it again into a directory of their own. */
export async function bundleHangar(outfile = here('dist/cli/hangar.cjs')) {
  await bundleCli({ entry: here('src/cli/main.ts'), outfile, external: ['better-sqlite3'] });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleUi();
  await bundleHangar();
}
