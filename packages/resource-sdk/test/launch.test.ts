// launch: runs a CLI bundle's main as the process's exit status, with a code cache per bundle build
// and command that is written once, reused, and never used for another build of the bundle.
import { execFile } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp.js';

/** launch.cts as CommonJS, as tsc builds it, and a way to run a bundle through it. */
async function launcher(dir: string) {
  const launchFile = join(dir, 'launch.cjs');
  await build({
    entryPoints: [join(import.meta.dirname, '../src/launch.cts')],
    outfile: launchFile,
    format: 'cjs',
    platform: 'node',
    logLevel: 'warning',
  });
  const run = join(dir, 'run.cjs');
  await writeFile(
    run,
    `require(${JSON.stringify(launchFile)}).launch(process.argv[2], process.argv.slice(3));\n`,
  );
  return async (bundle: string, ...args: string[]) => {
    return promisify(execFile)(process.execPath, [run, bundle, ...args], {
      env: { ...process.env, HANGAR_CACHE: join(dir, 'cache') },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );
  };
}

const bundleSaying = (word: string) =>
  `exports.main = async (argv) => { console.log('${word}', argv.join(' ')); return 3; };\n`;

describe('launch', () => {
  it('runs main with the arguments and exits with its result; one cache per command, reused', async () => {
    const dir = await tempDir();
    const launch = await launcher(dir);
    const bundle = join(dir, 'cli.cjs');
    await writeFile(bundle, bundleSaying('hello'));

    expect(await launch(bundle, 'greet', 'world')).toEqual({
      code: 3,
      stdout: 'hello greet world\n',
      stderr: '',
    });
    const cacheDir = join(dir, 'cache', 'v8');
    const [cache] = await readdir(cacheDir);
    expect(cache).toMatch(/-greet\.bin$/);
    const written = await stat(join(cacheDir, cache!));

    expect(await launch(bundle, 'greet', 'again')).toMatchObject({ code: 3, stdout: 'hello greet again\n' });
    expect((await stat(join(cacheDir, cache!))).mtimeMs).toBe(written.mtimeMs); // accepted, not rewritten

    await launch(bundle, 'other');
    expect((await readdir(cacheDir)).sort()).toEqual(
      [cache, cache!.replace(/greet\.bin$/, 'other.bin')].sort(),
    );
  });

  it('never runs the cached code of an earlier build, even one of the same length', async () => {
    const dir = await tempDir();
    const launch = await launcher(dir);
    const bundle = join(dir, 'cli.cjs');
    await writeFile(bundle, bundleSaying('hello'));
    await launch(bundle, 'greet');
    const [before] = await readdir(join(dir, 'cache', 'v8'));

    await writeFile(bundle, bundleSaying('howdy')); // V8 alone checks only the source's length
    expect(await launch(bundle, 'greet')).toMatchObject({ code: 3, stdout: 'howdy greet\n' });
    const after = await readdir(join(dir, 'cache', 'v8'));
    expect(after).toHaveLength(1);
    expect(after).not.toContain(before);
  });

  it('ends the process when main returns, after all of its output', async () => {
    const dir = await tempDir();
    const launch = await launcher(dir);
    const bundle = join(dir, 'cli.cjs');
    const main = `exports.main = async () => {
      setTimeout(() => console.log('never'), 60000);
      process.stdout.write('x'.repeat(1 << 19) + '\\n');
      console.error('done');
      return 4;
    };\n`;
    await writeFile(bundle, main);
    // a process waiting for the timer would outlive the test's time limit
    expect(await launch(bundle, 'big')).toEqual({
      code: 4,
      stdout: `${'x'.repeat(1 << 19)}\n`,
      stderr: 'done\n',
    });
  });

  it('says in one line that a bundle is not built yet', async () => {
    const dir = await tempDir();
    const launch = await launcher(dir);
    const bundle = join(dir, 'dist', 'cli.cjs');
    expect(await launch(bundle, 'greet')).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${bundle} is missing: run \`npm run build\` first\n`,
    });
  });
});
