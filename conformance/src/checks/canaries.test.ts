import { expect, test } from 'vitest';
import { normalizeSecretField, plantCanaries } from './canaries.js';

test('secret fields default to source and accept dotted paths', () => {
  expect(normalizeSecretField('private_key')).toBe('source.private_key');
  expect(normalizeSecretField('params.token')).toBe('params.token');
});

test('each secret gets its own unique canary, in source and in both params', () => {
  const { canaries, config } = plantCanaries({
    source: { uri: 'git@x', private_key: 'real', auth: { password: 'p' } },
    putParams: { file: 'a' },
    secrets: ['private_key', 'source.auth.password', 'params.token'],
  });
  expect(canaries.map((c) => c.field)).toEqual([
    'source.private_key',
    'source.auth.password',
    'params.token',
  ]);
  const [key, password, token] = canaries.map((c) => c.value);
  expect(new Set([key, password, token]).size).toBe(3);
  expect(config.source).toEqual({ uri: 'git@x', private_key: key, auth: { password } });
  expect(config.getParams).toEqual({ token });
  expect(config.putParams).toEqual({ file: 'a', token });
});
