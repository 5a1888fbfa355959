import { expect, test } from 'vitest';
import { CaseFormatError, parseCase } from './format.js';

test('a minimal case gets defaults', () => {
  const loaded = parseCase('format: hangar-conformance/v1\nsource: {uri: x}\n', '/c/minimal.yaml');
  expect(loaded.name).toBe('minimal');
  expect(loaded.spec.steps).toEqual([]);
  expect(loaded.spec.generic).toEqual({});
  expect(loaded.spec.secrets).toEqual([]);
});

test('steps default to expecting exit 0', () => {
  const loaded = parseCase('format: hangar-conformance/v1\nsource: {}\nsteps:\n  - check: {}\n', 'c.yaml');
  expect(loaded.spec.steps[0]?.expect).toEqual({ exit: 0 });
});

test.each([
  ['format: v0\nsource: {}\n', /^c\.yaml:1:9: .* at format$/],
  ['format: hangar-conformance/v1\nsource: {}\nsurprise: 1\n', /^c\.yaml:\d+:\d+: .*surprise/],
  [
    'format: hangar-conformance/v1\nsource: {}\nsteps:\n  - check: {}\n    in: {}\n',
    /exactly one of check, in, out/,
  ],
  ['format: hangar-conformance/v1\nsource: [\n', /^c\.yaml:\d+:\d+: /],
  [
    'format: hangar-conformance/v1\nsource: {}\nsteps:\n  - {name: a, check: {}}\n  - {name: a, check: {}}\n',
    /^c\.yaml:5:\d+: duplicate step name "a" at steps\.1\.name$/,
  ],
])('rejects %j with a located message', (text, message) => {
  expect(() => parseCase(text, 'c.yaml')).toThrow(CaseFormatError);
  expect(() => parseCase(text, 'c.yaml')).toThrow(message);
});
