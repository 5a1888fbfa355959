import { expect, it } from 'vitest';
import { normaliseEnvName } from './env-name.js';

it('trims the name and makes each space a dash, as the reference does', () => {
  expect(normaliseEnvName('  feature  branch\n', 'f')).toBe('feature--branch');
  expect(normaliseEnvName('release@v1.2+build~3', 'f')).toBe('release@v1.2+build~3');
});

it('refuses what tofu refuses as a workspace name, naming the field', () => {
  for (const name of ['a/b', 'a?b', 'a%b', 'a\tb', 'ümlaut'])
    expect(() => normaliseEnvName(name, 'params.env_name')).toThrow(/^invalid 'params\.env_name': /);
  expect(() => normaliseEnvName('  ', 'params.env_name')).toThrow(/the environment name is empty/);
});
