import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { BAD_INPUT_CORPUS } from './bad-input.js';
import { GENERIC_CHECKS, levelOf } from './catalog.js';

test('the bad-input corpus is SHOULD, case steps are MUST', () => {
  for (const entry of BAD_INPUT_CORPUS) expect(levelOf(`bad-input.${entry.id}`)).toBe('should');
  expect(levelOf('bad-input.remote-unchanged')).toBe('should');
  expect(levelOf('step.publish')).toBe('must');
});

test("the README's table lists every check with its class", async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| `([^`]+)` +\| (MUST|SHOULD) +\|/gm)].map((m) => [m[1], m[2]?.toLowerCase()]),
  );
  for (const check of GENERIC_CHECKS) expect(rows.get(check.id), check.id).toBe(check.level);
  expect(rows.get('bad-input.*')).toBe('should');
});
