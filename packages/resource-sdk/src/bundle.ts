// Build-time helper (not part of the runtime): one esbuild configuration for every resource bundle.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

export interface BundleOptions {
  /** The resource's entry point, usually `src/index.ts`. */
  entry: string;
  /** Where the single-file bundle goes, usually `dist/resource.js`. */
  outfile: string;
  /** Node major version of the image the bundle runs on. */
  nodeTarget?: string;
  minify?: boolean;
}

/**
 * Bundles a resource and all its dependencies into one CommonJS file. CommonJS, not ESM: Node's
 * ESM loader alone costs about 10% of a resource's start-up, and Concourse starts a process for
 * every check. A `package.json` beside the bundle marks the directory as CommonJS, so the file
 * keeps its `.js` name even inside an ESM package.
 */
export async function bundleResource({
  entry,
  outfile,
  nodeTarget = 'node20',
  minify = true,
}: BundleOptions): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: nodeTarget,
    minify,
    legalComments: 'none',
    conditions: ['@hangar/source'],
    // ESM dependencies that call createRequire(import.meta.url) need a real URL in a CJS bundle.
    define: { 'import.meta.url': '__hangarImportMetaUrl' },
    banner: { js: "var __hangarImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });
  await writeFile(join(dirname(outfile), 'package.json'), '{ "type": "commonjs" }\n');
}
