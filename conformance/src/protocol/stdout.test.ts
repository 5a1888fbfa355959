import { describe, expect, test } from 'vitest';
import { parseLenient, parseStrict } from './stdout.js';

describe('parseStrict', () => {
  test('accepts exactly one JSON value with surrounding whitespace', () => {
    expect(parseStrict('\n[{"ref":"a"}]\n')).toEqual({ ok: true, value: [{ ref: 'a' }] });
  });
  test.each([
    ['', 'stdout is empty'],
    ['fetching…\n{"version":{}}', 'stdout has other output around the JSON value'],
    ['{"a":1}{"b":2}', 'stdout is not JSON'],
    ['done', 'stdout is not JSON'],
  ])('rejects %j', (stdout, reason) => {
    const parsed = parseStrict(stdout);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe('parseLenient', () => {
  test('finds the JSON value among log lines', () => {
    expect(parseLenient('log 1\n{"version":\n {"n":"1"}}\nlog 2')).toEqual({
      found: true,
      value: { version: { n: '1' } },
    });
  });
  test('reports nothing found', () => {
    expect(parseLenient('no json here')).toEqual({ found: false });
  });
});
