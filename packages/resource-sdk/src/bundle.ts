// Build-time helpers (not part of the runtime): one esbuild configuration for every resource
// bundle, and one build for every resource package.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { resourceJsonSchemas } from './json-schema.js';

export interface BundleOptions {
  /** The resource's entry point, usually `src/index.ts`. */
  entry: string;
  /** Where the single-file bundle goes, usually `dist/resource.js`. */
  outfile: string;
  /** Node major version of the image the bundle runs on. */
  nodeTarget?: string;
  minify?: boolean;
}

/** What every Node bundle of this repository shares: one CommonJS file, sources over `dist/`. */
const nodeBundle: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  legalComments: 'none',
  conditions: ['@hangar/source'],
  // ESM dependencies that call createRequire(import.meta.url) need a real URL in a CJS bundle.
  define: { 'import.meta.url': '__hangarImportMetaUrl' },
  banner: { js: "var __hangarImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};

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
  await build({ ...nodeBundle, entryPoints: [entry], outfile, target: nodeTarget, minify });
  await writeFile(join(dirname(outfile), 'package.json'), '{ "type": "commonjs" }\n');
}

/**
 * Bundles a command-line program (an entry exporting `main(argv)`) into one `.cjs` file that
 * `launch` (./launch.cts) starts. Each `import()` stays lazy: esbuild wraps the modules only it
 * reaches in initialisers run on first import, so a command evaluates only its own code.
 * Identifiers are kept (whitespace and syntax are minified): V8 then names each initialiser after
 * its source path, which lets tests list the modules a command evaluated, and stacks stay readable.
 */
export async function bundleCli({
  entry,
  outfile,
  external = [],
}: {
  entry: string;
  outfile: string;
  /** Packages left to `require` at run time, such as native modules. */
  external?: string[];
}): Promise<void> {
  await build({
    ...nodeBundle,
    entryPoints: [entry],
    outfile,
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    external,
  });
}

/**
 * Builds the resource package in `dir`: types and the ESM library with `tsc -p tsconfig.build.json`
 * into `dist/lib`, the CommonJS bundle `dist/resource.js` (from `src/index.ts`) that
 * `/opt/resource/{check,in,out}` run, and `schema/*.json` from the zod schemas of the definition
 * the package exports. The library sits in its own directory marked as ESM because the bundle's
 * `package.json` makes `dist/` CommonJS.
 */
export async function buildResourcePackage(dir: string): Promise<void> {
  const tsc = createRequire(join(dir, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  await writeFile(join(dir, 'dist', 'lib', 'package.json'), '{ "type": "module" }\n');
  await bundleResource({ entry: join(dir, 'src', 'index.ts'), outfile: join(dir, 'dist', 'resource.js') });
  await writeSchemaFiles(dir);
}

/** Writes `schema/*.json` formatted as the repository's prettier would, so a format run keeps them. */
async function writeSchemaFiles(dir: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
    exports: { '.': { default: string } };
  };
  const library = join(dir, manifest.exports['.'].default);
  const exports = (await import(pathToFileURL(library).href)) as Record<string, unknown>;
  const definitions = Object.values(exports).filter(isDefinition);
  if (definitions.length !== 1)
    throw new Error(`${library} must export exactly one resource definition (found ${definitions.length})`);
  // Loaded here, not at the top: `bundleResource` callers (hangar-images) never need prettier.
  const { format, resolveConfig } = await import('prettier');
  await mkdir(join(dir, 'schema'), { recursive: true });
  for (const [name, schema] of Object.entries(resourceJsonSchemas(definitions[0]!))) {
    const file = join(dir, 'schema', name);
    const options = { ...(await resolveConfig(file)), filepath: file };
    await writeFile(file, await format(JSON.stringify(schema), options));
  }
}

function isDefinition(value: unknown): value is Parameters<typeof resourceJsonSchemas>[0] {
  if (typeof value !== 'object' || value === null) return false;
  return ['name', 'source', 'getParams', 'putParams', 'check'].every((key) => key in value);
}
