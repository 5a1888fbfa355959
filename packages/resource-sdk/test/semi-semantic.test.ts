import { describe, expect, it } from 'vitest';
import { compareSemiSemantic, parseSemiSemantic } from '../src/semi-semantic.js';

const parse = (text: string) => {
  const version = parseSemiSemantic(text);
  if (!version) throw new Error(`not a version: ${text}`);
  return version;
};
const order = (a: string, b: string) => Math.sign(compareSemiSemantic(parse(a), parse(b)));

describe('semi-semantic version ordering', () => {
  it.each([
    // [lower, higher]
    ['1.2.3', '1.2.4'],
    ['1.9', '1.10'], // numeric, not lexical
    ['0.9.9', '1'],
    ['1.0', '1.0.1'],
    ['1.a', '1.b'], // strings compare lexically
    ['1.99', '1.a'], // an integer component sorts before a string one
    ['1.0', '1.0.a'], // a missing component counts as 0, which is below any string
    ['1.0.0-rc.1', '1.0.0'], // pre-release before release
    ['1.0.0-alpha', '1.0.0-beta'],
    ['1.0.0-rc.2', '1.0.0-rc.10'],
    ['1.0.0-rc', '1.0.0-rc.1'],
    ['1.0.0', '1.0.0+build.1'], // post-release after release
    ['1.0.0+1', '1.0.0+2'],
    ['1.0.0-rc.1+5', '1.0.0-rc.2'],
    ['1.0.0-rc.1', '1.0.0-rc.1+5'],
    ['1_2', '1_3'],
    ['2', '10'],
    ['1.3.0-dev.41', '2.0.0'],
    ['20260101', '20260102'],
  ])('%s < %s', (lower, higher) => {
    expect(order(lower, higher)).toBe(-1);
    expect(order(higher, lower)).toBe(1);
  });

  it.each([
    ['1.0', '1.0.0'], // trailing zeros are ignored
    ['1', '1.0.0.0'],
    ['01.2', '1.2'],
    ['1.0-rc.1', '1.0.0-rc.1.0'],
  ])('%s == %s', (a, b) => expect(order(a, b)).toBe(0));

  it.each(['', '1..2', '.1', '1.', 'v 1', '1-', '1+', '1-rc..1', 'a/b', '1.2.3-rc+', 'é'])(
    'rejects %j',
    (text) => expect(parseSemiSemantic(text)).toBeUndefined(),
  );

  it('accepts words, underscores and dashes where the format allows them', () => {
    expect(parseSemiSemantic('v1.2')?.release).toEqual(['v1', 2]);
    expect(parseSemiSemantic('1.2-rc-1.3+build-7')).toMatchObject({ pre: ['rc-1', 3], post: ['build-7'] });
  });
});
