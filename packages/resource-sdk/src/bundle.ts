// Build-time helper (not part of the runtime): one esbuild configuration for every resource bundle.
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
 * Bundles a resource and all its dependencies into one ESM file. CommonJS dependencies get a
 * real `require` through createRequire, since ESM bundles have none.
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
    format: 'esm',
    target: nodeTarget,
    minify,
    legalComments: 'none',
    conditions: ['@hangar/source'],
    banner: {
      js: "import { createRequire as __hangarRequire } from 'node:module'; const require = __hangarRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
}
