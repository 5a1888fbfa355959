import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { epochToIso, resolveEpoch, sourceDateEpoch } from './epoch.js';

describe('canonical JSON', () => {
  it('sorts keys at every level, drops undefined and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: undefined, x: 'é' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"x":"é","z":1}]},"b":1}',
    );
  });

  it('refuses values JSON cannot represent exactly', () => {
    expect(() => canonicalJson({ size: Number.NaN })).toThrow(/\$\.size is not a finite number/);
    expect(() => canonicalJson({ when: () => 1 })).toThrow(/unsupported type function/);
  });
});

describe('SOURCE_DATE_EPOCH', () => {
  it('reads whole seconds, defaults to 0, and refuses anything else', () => {
    expect(sourceDateEpoch({})).toBeUndefined();
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: ' 1700000000 ' })).toBe(1_700_000_000);
    expect(resolveEpoch(undefined, {})).toBe(0);
    expect(resolveEpoch(5, { SOURCE_DATE_EPOCH: '7' })).toBe(5);
    expect(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: '2026-11-27' })).toThrow(/whole number of seconds/);
    expect(() => resolveEpoch(-1, {})).toThrow(/>= 0/);
    expect(epochToIso(0)).toBe('1970-01-01T00:00:00Z');
  });
});
