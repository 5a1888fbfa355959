import { describe, expect, it } from 'vitest';
import { literalLead, parseRegexp } from './key-regexp.js';

const parse = (text: string) => parseRegexp(text);

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

  it('gives put the directory part, unescaping \\. and naming a pattern as a problem', () => {
    expect(parse('my\\.dir/sub/app-(.*).tgz').uploadDirectory()).toEqual({ directory: 'my.dir/sub/' });
    expect(parse('app-(.*).tgz').uploadDirectory()).toEqual({ directory: '' });
    expect(parse('v\\d+/app-(.*).tgz').uploadDirectory()).toEqual({
      directory: 'v\\d+/',
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

  it('accepts a regexp without a group (the reference does; check warns)', () => {
    expect(parse('a/app.tgz').hasCapture).toBe(false);
    expect(parse('a/app.tgz').match('a/app.tgz')).toEqual({
      key: 'a/app.tgz',
      capture: undefined,
      group: '',
    });
  });
});
