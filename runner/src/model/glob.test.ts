import { describe, expect, it } from 'vitest';
import { compileGobwas, compilePathMatch } from './glob.js';
import { checkIdentifier } from './identifier.js';
import { isGoDuration, parseGoDuration } from './duration.js';

describe('group job globs (gobwas)', () => {
  it.each([
    ['*', 'any/thing', true],
    ['build-*', 'build-linux', true],
    ['build-?', 'build-ab', false],
    ['{unit,integration}-tests', 'integration-tests', true],
    ['test-[a-c]', 'test-b', true],
    ['test-[!a-c]', 'test-b', false],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(compileGobwas(pattern)?.(name)).toBe(expected);
  });

  it('rejects malformed patterns', () => {
    for (const bad of ['[abc', '{a,b', 'x\\']) expect(compileGobwas(bad)).toBeUndefined();
  });
});

describe('passed globs (path.Match)', () => {
  it('does not cross slashes and supports ^ negation', () => {
    expect(compilePathMatch('deploy-*')?.('deploy-prod')).toBe(true);
    expect(compilePathMatch('*')?.('a/b')).toBe(false);
    expect(compilePathMatch('job-[^x]')?.('job-y')).toBe(true);
    expect(compilePathMatch('[a')).toBeUndefined();
  });
});

describe('identifiers (RFC 040)', () => {
  it.each([
    ['build-1.2_x', 'ok'],
    ['123abc', 'ok'],
    ['über', 'ok'],
    ['Build', 'must start with a lowercase letter or a number'],
    ['build job', "illegal character ' '"],
    ['bUild', "illegal character 'U'"],
    ['123', 'cannot be just numbers'],
  ])('%s', (name, reason) => {
    const check = checkIdentifier(name, 'jobs.x');
    if (reason === 'ok') expect(check.kind).toBe('ok');
    else
      expect(check).toEqual({
        kind: 'warning',
        message: `jobs.x: '${name}' is not a valid identifier: ${reason}`,
      });
  });

  it('makes an empty name an error', () => {
    expect(checkIdentifier('', 'jobs[0]')).toEqual({
      kind: 'error',
      message: 'jobs[0]: identifier cannot be an empty string',
    });
  });
});

describe('Go durations', () => {
  it('parses what time.ParseDuration parses', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('0')).toBe(0);
    for (const bad of ['', '1', '1 hour', '10d', 'h']) expect(isGoDuration(bad)).toBe(false);
  });
});
