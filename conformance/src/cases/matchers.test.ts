import { expect, test } from 'vitest';
import { matchString, matchVersion, matchVersions } from './matchers.js';

test('string matchers', () => {
  expect(matchString('a', 'a')).toBeUndefined();
  expect(matchString('a', 'b')).toBe('expected "a", got "b"');
  expect(matchString({ matches: '^v\\d+$' }, 'v12')).toBeUndefined();
  expect(matchString({ contains: 'found' }, 'not found')).toBeUndefined();
  expect(matchString({ exists: false }, undefined)).toBeUndefined();
  expect(matchString({ exists: true }, undefined)).toBe('expected to exist');
  expect(matchString({ equals: 'x' }, undefined)).toBe('absent');
});

test('version matchers are exact about keys', () => {
  expect(matchVersion({ ref: { matches: '^[0-9a-f]{4}$' } }, { ref: 'beef' })).toBeUndefined();
  expect(matchVersion({ ref: 'beef' }, { ref: 'beef', extra: '1' })).toContain('unexpected keys extra');
});

test('version list matchers', () => {
  const versions = [{ n: '1' }, { n: '2' }];
  expect(matchVersions([{ n: '1' }, { n: '2' }], versions)).toEqual([]);
  expect(matchVersions({ last: { n: '2' }, length: 2, contains: [{ n: '1' }] }, versions)).toEqual([]);
  expect(matchVersions({ last: { n: '1' } }, versions)).toHaveLength(1);
  expect(matchVersions([{ n: '1' }], versions)).toEqual(['expected 1 versions, got [{"n":"1"},{"n":"2"}]']);
});
