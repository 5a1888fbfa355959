// Every example pipeline as Concourse would be given it: hangar's validator in strict mode, and the
// real fly (built by scripts/bootstrap from Concourse's pinned source).
import { execFileSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { flyBinary } from '@hangar/testkit';

const examples = join(import.meta.dirname, '..');
const hangar = join(examples, '..', 'runner', 'bin', 'hangar.js');
const pipelines = readdirSync(examples)
  .map((name) => join(examples, name, 'pipeline.yml'))
  .filter((file) => existsSync(file));

test.each(pipelines)('hangar validate --strict %s', (file) => {
  const out = execFileSync(process.execPath, [hangar, 'validate', '--strict', file], { encoding: 'utf8' });
  expect(out.trim()).toBe('looks good');
});

test.each(pipelines)('fly validate-pipeline %s', (file) => {
  const out = execFileSync(flyBinary(), ['validate-pipeline', '-c', file], { encoding: 'utf8' });
  expect(out.trim()).toBe('looks good');
});

test('the examples are found', () => {
  expect(pipelines.map((file) => file.split('/').at(-2))).toEqual(
    expect.arrayContaining(['continuous-terraform', 'deployment-pipeline', 'hello']),
  );
});
