import { expect, it } from 'vitest';
import { ADJECTIVES, NOUNS, normaliseEnvName, resolveEnvName } from './env-name.js';

it('trims the name and makes each space a dash, as the reference does', () => {
  expect(normaliseEnvName('  feature  branch\n', 'f')).toBe('feature--branch');
  expect(normaliseEnvName('release@v1.2+build~3', 'f')).toBe('release@v1.2+build~3');
});

it('refuses what tofu refuses as a workspace name, naming the field', () => {
  for (const name of ['a/b', 'a?b', 'a%b', 'a\tb', 'ümlaut'])
    expect(() => normaliseEnvName(name, 'params.env_name')).toThrow(/^invalid 'params\.env_name': /);
  expect(() => normaliseEnvName('  ', 'params.env_name')).toThrow(/the environment name is empty/);
});

it('gives up after 10 random names that are all taken, as the reference does', async () => {
  const taken = ADJECTIVES.flatMap((adjective) => NOUNS.map((noun) => `${adjective}-${noun}`));
  const source = { binary: 'tofu', workspace: 'env_name' } as const;
  const resolve = resolveEnvName(source, { generate_random_name: true }, '/nonexistent', () =>
    Promise.resolve(taken),
  );
  await expect(resolve).rejects.toThrow(/^params\.generate_random_name: no free name after 10 attempts/);
});
