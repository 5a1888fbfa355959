// Large uploads report progress on stderr, a line per tenth; small ones stay quiet.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { useFakeGitHub } from './helpers.js';
import { invoke, tempDir } from './invoke.js';

const fake = useFakeGitHub();

test('a 5 MiB asset is streamed with ten throttled progress lines and arrives intact', async () => {
  const dir = await tempDir();
  const big = randomBytes(5 * 1024 * 1024);
  await mkdir(join(dir, 'dist'));
  await writeFile(join(dir, 'tag'), 'v1.0.0');
  await writeFile(join(dir, 'dist', 'big.bin'), big);
  await writeFile(join(dir, 'dist', 'small.txt'), 'small');
  const outcome = await invoke(
    'out',
    { source: fake.source(), params: { name: 'tag', tag: 'tag', globs: ['dist/*'] } },
    { dir },
  );
  expect(outcome.code, outcome.stderr).toBe(0);
  const lines = outcome.stderr.split('\n').filter((line) => /uploading .*: \d+%/.test(line));
  expect(lines.map((line) => /: (\d+)%/.exec(line)?.[1])).toEqual([
    '10',
    '20',
    '30',
    '40',
    '50',
    '60',
    '70',
    '80',
    '90',
    '100',
  ]);
  expect(lines.every((line) => line.includes('big.bin'))).toBe(true);
  expect(lines.at(-1)).toMatch(/100% \(5\.0 of 5\.0 MiB\)/);
  const assets = fake.github.release('v1.0.0')?.assets ?? [];
  expect(assets.find((asset) => asset.name === 'big.bin')?.data.equals(big)).toBe(true);
  expect(assets.find((asset) => asset.name === 'small.txt')?.data.toString()).toBe('small');
});
