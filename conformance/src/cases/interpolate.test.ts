import { expect, test } from 'vitest';
import { interpolate, InterpolationError } from './interpolate.js';

const scope = { setup: { dir: '/tmp/r', port: 9000 }, steps: { put: { version: { ref: 'abc' } } } };

test('a whole-string reference keeps the value type', () => {
  expect(interpolate({ version: '${steps.put.version}', port: '${setup.port}' }, scope)).toEqual({
    version: { ref: 'abc' },
    port: 9000,
  });
});

test('references inside text become text', () => {
  expect(interpolate(['file://${setup.dir}/x', 'p=${setup.port}'], scope)).toEqual([
    'file:///tmp/r/x',
    'p=9000',
  ]);
});

test('an unresolved reference is an error naming it', () => {
  expect(() => interpolate('${steps.get.version}', scope)).toThrow(InterpolationError);
  expect(() => interpolate('${steps.get.version}', scope)).toThrow(
    '${steps.get.version} does not resolve (no "get")',
  );
});
