import { describe, expect, it } from 'vitest';
import { literalLead, parseRegexp } from './key-regexp.js';

const parse = (text: string) => parseRegexp(text, { requireCapture: true });

describe('source.regexp', () => {
  it('splits into segments after dropping ^ and $', () => {
    expect(parse('^releases/v\\d+/app-(.*)\\.tgz$').segments).toEqual([
      'releases',
      'v\\d+',
      'app-(.*)\\.tgz',
    ]);
  });

  it('captures the group named version, else the first group', () => {
    expect(parse('a/(?P<name>\\w+)-(?P<version>[\\d.]+).tgz').match('a/app-1.2.tgz')).toEqual({
      key: 'a/app-1.2.tgz',
      capture: '1.2',
      group: 'version',
    });
    expect(parse('a/(\\w+)-([\\d.]+).tgz').match('a/app-1.2.tgz')?.capture).toBe('app');
    expect(parse('a/app-(.*).tgz').match('b/app-1.tgz')).toBeUndefined();
    expect(parse('a/app-(.*).tgz').match('xa/app-1.tgz')).toBeUndefined(); // anchored
  });

  it('uses the literal start of a segment as a listing prefix', () => {
    expect(literalLead('app-(.*).tgz')).toBe('app-');
    expect(literalLead('apps?-(.*)')).toBe('app'); // the s is optional
    expect(literalLead('a|b-(.*)')).toBe('');
    expect(literalLead('plain')).toBe('plain');
    expect(literalLead('(.*)')).toBe('');
  });

  it('gives put a literal directory, unescaping \\. and refusing patterns', () => {
    expect(parse('my\\.dir/sub/app-(.*).tgz').uploadDirectory()).toEqual({ directory: 'my.dir/sub/' });
    expect(parse('app-(.*).tgz').uploadDirectory()).toEqual({ directory: '' });
    expect(parse('v\\d+/app-(.*).tgz').uploadDirectory()).toMatchObject({
      problem: expect.stringContaining('is a pattern') as string,
    });
  });

  it('matches directories of the listing one segment at a time', () => {
    const regexp = parse('builds/v(\\d+)/app-(.*).tgz');
    const pattern = regexp.directoryPattern('builds/', 1);
    expect(pattern.test('builds/v12/')).toBe(true);
    expect(pattern.test('builds/vx/')).toBe(false);
    expect(pattern.test('builds/v1/2/')).toBe(false);
  });

  it('accepts a regexp without a group only when versions come from upload times', () => {
    expect(() => parse('a/app.tgz')).toThrow(/capture group/);
    expect(parseRegexp('a/app-.*.tgz', { requireCapture: false }).hasCapture).toBe(false);
  });
});
