// Starts a command-line bundle made by `bundleCli` (./bundle.ts) with a V8 code cache: compiling a
// one-file bundle costs more than Node's own start-up, and the cache turns that into a read. This
// is what Node 22's `module.enableCompileCache()` does; Node 20 has nothing like it, and the
// v8-compile-cache package keeps only the code compiled before the bundle runs (measured: 1.9x a
// bare `node -e 0` for `hangar validate`, against 1.4x with the cache written after the command ran).
// CommonJS, as the bins that start it, so that Node starts without its ESM loader (with
// verbatimModuleSyntax, TypeScript's CommonJS imports are `import x = require()`).
/* eslint-disable @typescript-eslint/no-require-imports */
import fs = require('node:fs');
import Module = require('node:module');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');

interface CliBundle {
  main(argv: string[]): Promise<number>;
}

/**
 * Runs the bundle's `main` with this process's arguments; its result becomes the exit status, and
 * its settling ends the process (a command leaves nothing running behind it).
 */
function launch(bundle: string, argv: string[] = process.argv.slice(2)): void {
  const file = path.resolve(bundle);
  let cli: CliBundle;
  try {
    cli = load(file, argv[0]) as CliBundle;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).path !== file) throw error;
    process.stderr.write(`error: ${file} is missing: run \`npm run build\` first\n`);
    process.exitCode = 1;
    return;
  }
  void cli.main(argv).then((code) => {
    process.exitCode = code;
    // The command is done: once stdout and stderr are flushed the process ends, without Node's
    // exit-time garbage collection and heap teardown (3-10 ms, a tenth of a bare `node -e 0`).
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
}

/**
 * Evaluates a CommonJS file as `require` would, through a code cache kept per bundle build and per
 * command: each command compiles different functions, and the cache is written after the command
 * ran so that it holds them all.
 */
function load(file: string, command: string | undefined): unknown {
  const source = fs.readFileSync(file, 'utf8');
  const cache = cachePaths(file, command);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cache.file);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    process.once('exit', () => save(cache, script.createCachedData()));
  }
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

interface CachePaths {
  dir: string;
  /** File names of every cache of this bundle path start with it. */
  bundlePrefix: string;
  /** ... and of this build of it (size, time, Node version) with this. */
  buildPrefix: string;
  file: string;
}

/**
 * `$HANGAR_CACHE/v8/` (default ~/.cache/hangar). V8 checks a cache against the source's length
 * only, so the build's size and mtime are part of the name: a rebuilt bundle never runs stale code.
 */
function cachePaths(file: string, command: string | undefined): CachePaths {
  const dir = path.join(process.env['HANGAR_CACHE'] ?? path.join(os.homedir(), '.cache', 'hangar'), 'v8');
  const { size, mtimeNs } = fs.statSync(file, { bigint: true });
  const bundlePrefix = `${file.replaceAll(/[^\w.-]/g, '_')}-`;
  const buildPrefix = `${bundlePrefix}${[size, mtimeNs, process.version, process.arch].join('-')}-`;
  // Only names that look like commands get a cache of their own: not paths or typos.
  const name = command !== undefined && /^[a-z][a-z-]{0,30}$/.test(command) ? command : 'other';
  return { dir, bundlePrefix, buildPrefix, file: path.join(dir, `${buildPrefix}${name}.bin`) };
}

/** Writes the cache atomically and drops those of earlier builds; a cache is only an optimisation. */
function save(cache: CachePaths, data: Buffer): void {
  try {
    fs.mkdirSync(cache.dir, { recursive: true });
    const temp = `${cache.file}.${process.pid}`;
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, cache.file);
    for (const name of fs.readdirSync(cache.dir)) {
      if (name.startsWith(cache.bundlePrefix) && !name.startsWith(cache.buildPrefix)) {
        fs.rmSync(path.join(cache.dir, name), { force: true });
      }
    }
  } catch {
    // An unwritable cache directory only costs start-up time.
  }
}

export = { launch };
