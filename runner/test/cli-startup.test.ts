// `hangar validate`, `format` and `graph` start fast because they evaluate only the model and yaml:
// not zod (go-json.ts decodes), the engine, the store (SQLite), metrics, the web server or the OCI
// runtime. The CLI is bundled as
// `npm run build` bundles it, and V8's coverage names every module initialiser of the bundle that
// ran (bundleCli keeps their names) plus every other file loaded, such as better-sqlite3.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a build script without type declarations
import { bundleHangar } from '../build.mjs';

const pipeline = join(import.meta.dirname, 'fixtures', 'graph', 'pipeline.yml');
let dir: string;
let bundle: string;

beforeAll(async () => {
  // Inside the package, so that the bundle finds better-sqlite3 as the built one does.
  const dist = join(import.meta.dirname, '..', 'dist');
  await mkdir(dist, { recursive: true });
  dir = await mkdtemp(join(dist, 'startup-test-'));
  bundle = join(dir, 'hangar.cjs');
  await (bundleHangar as (outfile: string) => Promise<void>)(bundle);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Coverage {
  result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
}

/** The modules one run of the bundled CLI evaluated: bundled ones by source path, others by URL. */
async function evaluatedModules(...args: string[]): Promise<string[]> {
  const coverage = await mkdtemp(join(dir, 'coverage-'));
  const run =
    'require(process.argv[1]).main(process.argv.slice(2)).then((code) => (process.exitCode = code))';
  await promisify(execFile)(process.execPath, ['-e', run, bundle, ...args], {
    env: { ...process.env, NODE_V8_COVERAGE: coverage },
  });
  const bundleUrl = pathToFileURL(bundle).href;
  const modules: string[] = [];
  for (const file of await readdir(coverage)) {
    const { result } = JSON.parse(await readFile(join(coverage, file), 'utf8')) as Coverage;
    for (const script of result) {
      if (script.url !== bundleUrl) {
        if (script.url.startsWith('file:')) modules.push(script.url);
        continue;
      }
      for (const fn of script.functions) {
        if (/\.[cm]?[jt]s$/.test(fn.functionName) && (fn.ranges[0]?.count ?? 0) > 0)
          modules.push(fn.functionName);
      }
    }
  }
  return modules;
}

/** What the model's commands may evaluate: the CLI's own files, the model, vars and yaml. */
const modelOnly = /^(\.\.\/)*(src\/(cli|model|vars)\/|node_modules\/yaml\/)/;

describe('hangar start-up', () => {
  it.each([['validate'], ['format'], ['graph']])(
    '%s evaluates the model and nothing of the engine',
    async (command) => {
      const modules = await evaluatedModules(command, pipeline);
      expect(modules).toContain('src/model/source.ts');
      expect(modules.filter((module) => !modelOnly.test(module))).toEqual([]);
    },
  );

  it('help evaluates no model either', async () => {
    const modules = await evaluatedModules('help');
    expect(modules.filter((module) => !/^src\/cli\//.test(module))).toEqual([]);
  });

  it('the bundle is ASCII, so V8 holds it one byte per character', async () => {
    const bytes = await readFile(bundle);
    const offset = bytes.findIndex((byte) => byte > 0x7f);
    const near = bytes.subarray(Math.max(0, offset - 40), offset + 10).toString();
    expect(offset, `non-ASCII near: ${near}`).toBe(-1);
  });

  it('builds opens the store (what the model commands must not do) and nothing of the engine', async () => {
    await mkdir(join(dir, 'state'));
    const modules = await evaluatedModules('builds', '--state', join(dir, 'state'));
    expect(modules).toContain('src/store/store.ts');
    expect(modules.some((module) => module.includes('/node_modules/better-sqlite3/'))).toBe(true);
    const engine = /^src\/(engine\/(?!state\.ts)|runtime\/|steps\/|web\/)|node_modules\/prom-client\//;
    expect(modules.filter((module) => engine.test(module))).toEqual([]);
  });
});
