import { describe, expect, it } from 'vitest';
import {
  applyBump,
  bumpWarning,
  compareVersions,
  formatVersion,
  parseVersion,
  tryParseVersion,
  type BumpParams,
} from './version.js';

const bump = (from: string, params: BumpParams): string =>
  formatVersion(applyBump(parseVersion(from, 'v'), params));

// The reference's bump table (version/bump_from_params_test.go and the per-bump tests): start
// version, params, result.
const table: [string, BumpParams, string][] = [
  ['1.2.3', {}, '1.2.3'],
  ['1.2.3', { bump: 'final' }, '1.2.3'],
  ['1.2.3', { bump: 'patch' }, '1.2.4'],
  ['1.2.3', { bump: 'minor' }, '1.3.0'],
  ['1.2.3', { bump: 'major' }, '2.0.0'],
  ['1.2.3', { pre: 'rc' }, '1.2.3-rc.1'],
  ['1.2.3', { bump: 'final', pre: 'rc' }, '1.2.3-rc.1'],
  ['1.2.3', { bump: 'patch', pre: 'rc' }, '1.2.4-rc.1'],
  ['1.2.3', { bump: 'minor', pre: 'rc' }, '1.3.0-rc.1'],
  ['1.2.3', { bump: 'major', pre: 'rc' }, '2.0.0-rc.1'],
  ['1.2.3-rc.1', { pre: 'rc' }, '1.2.3-rc.2'],
  ['1.2.3-rc.1', { bump: 'final', pre: 'rc' }, '1.2.3-rc.1'],
  ['1.2.3-rc.1', { bump: 'patch', pre: 'rc' }, '1.2.4-rc.1'],
  ['1.2.3-rc.1', { bump: 'minor', pre: 'rc' }, '1.3.0-rc.1'],
  ['1.2.3-rc.1', { bump: 'major', pre: 'rc' }, '2.0.0-rc.1'],
  ['1.2.3-different-type.1', { pre: 'rc' }, '1.2.3-rc.1'],
  ['1.2.3-different-type.1', { bump: 'final', pre: 'rc' }, '1.2.3-rc.1'],
  ['1.2.3-different-type.1', { bump: 'patch', pre: 'rc' }, '1.2.4-rc.1'],
  ['1.2.3-different-type.1', { bump: 'minor', pre: 'rc' }, '1.3.0-rc.1'],
  ['1.2.3-different-type.1', { bump: 'major', pre: 'rc' }, '2.0.0-rc.1'],
  ['1.2.3-rc.1', {}, '1.2.3-rc.1'],
  ['1.2.3-rc.1', { bump: 'final' }, '1.2.3'],
  ['1.2.3-rc.1', { bump: 'patch' }, '1.2.4'],
  ['1.2.3-rc.1', { bump: 'minor' }, '1.3.0'],
  ['1.2.3-rc.1', { bump: 'major' }, '2.0.0'],
  // pre_without_version
  ['1.2.3', { bump: 'patch', pre: 'SNAPSHOT', pre_without_version: true }, '1.2.4-SNAPSHOT'],
  ['1.2.3-SNAPSHOT', { pre: 'SNAPSHOT', pre_without_version: true }, '1.2.3-SNAPSHOT'],
  // build metadata: kept by version bumps, counted like pre
  ['1.2.3+build.4', { bump: 'major' }, '2.0.0+build.4'],
  ['1.2.3+build.4', { bump: 'minor' }, '1.3.0+build.4'],
  ['1.2.3-rc.1+build.4', { bump: 'patch' }, '1.2.4+build.4'],
  ['1.2.3-rc.1+build.4', { bump: 'final' }, '1.2.3+build.4'],
  ['1.2.3', { build: 'build' }, '1.2.3+build.1'],
  ['1.2.3+build.1', { build: 'build' }, '1.2.3+build.2'],
  ['1.2.3+other.7', { build: 'build' }, '1.2.3+build.1'],
  ['1.2.3+build.x', { build: 'build' }, '1.2.3+build.1'],
  ['1.2.3+build.1', { build: 'linux', build_without_version: true }, '1.2.3+linux'],
  // first put on an empty store: bump minor, pre alpha, build build
  ['0.0.0', { bump: 'minor', pre: 'alpha', build: 'build' }, '0.1.0-alpha.1+build.1'],
  // `""` means unset, as the reference's fixtures send it
  ['1.2.3', { bump: '', pre: '', build: '' }, '1.2.3'],
  // as in the reference: a dotted pre is never one identifier, so it always restarts at .1
  ['1.2.3', { pre: 'pr.foo' }, '1.2.3-pr.foo.1'],
  ['1.2.3-pr.foo.1', { pre: 'pr.foo' }, '1.2.3-pr.foo.1'],
  ['1.2.3+b.c.4', { build: 'b.c' }, '1.2.3+b.c.1'],
  // unknown bump values are ignored, as in the reference (bumpWarning says so)
  ['1.2.3', { bump: 'Major' }, '1.2.3'],
  ['1.2.3', { bump: 'rc', pre: 'rc' }, '1.2.3-rc.1'],
  ['1.2.3-pr.bar.4', { pre: 'pr.foo' }, '1.2.3-pr.foo.1'],
  ['1.2.3-pr.1', { pre: 'pr.foo' }, '1.2.3-pr.foo.1'],
  ['1.2.3-rc.9.extra', { pre: 'rc' }, '1.2.3-rc.10'],
  ['1.2.3-rc.x', { pre: 'rc' }, '1.2.3-rc.1'],
];

describe('bump rules', () => {
  it.each(table)('%s with %j gives %s', (from, params, expected) => {
    expect(bump(from, params)).toBe(expected);
  });

  it('warns about an unknown bump, naming the allowed values', () => {
    expect(bumpWarning({ bump: 'Major' })).toBe(
      "ignoring params.bump 'Major': it is none of major, minor, patch, final",
    );
    expect(bumpWarning({ bump: 'major' })).toBeUndefined();
    expect(bumpWarning({})).toBeUndefined();
  });

  it('rejects invalid pre and build identifiers, naming the field', () => {
    expect(() => bump('1.2.3', { pre: 'rc..1' })).toThrow(/params\.pre 'rc\.\.1'/);
    expect(() => bump('1.2.3', { pre: 'r c' })).toThrow(/params\.pre/);
    expect(() => bump('1.2.3', { build: 'b_1' })).toThrow(/params\.build/);
  });
});

describe('parsing', () => {
  it('accepts MAJOR.MINOR.PATCH[-pre][+build] only', () => {
    expect(formatVersion(parseVersion(' 1.2.3-rc.1+b.2\n', 'f'))).toBe('1.2.3-rc.1+b.2');
    for (const bad of ['v1.2.3', '=1.2.3', '1.2', '01.2.3', '1.2.3-01', 'x', ''])
      expect(tryParseVersion(bad), bad).toBeUndefined();
    expect(() => parseVersion('1.2', 'source.initial_version')).toThrow(
      "source.initial_version '1.2' is not a semantic version",
    );
  });

  it('orders pre-releases below their release and ignores build metadata', () => {
    const v = (text: string) => parseVersion(text, 'v');
    expect(compareVersions(v('1.2.3-rc.1'), v('1.2.3'))).toBeLessThan(0);
    expect(compareVersions(v('1.2.3-rc.2'), v('1.2.3-rc.10'))).toBeLessThan(0);
    expect(compareVersions(v('1.2.3+a'), v('1.2.3+b'))).toBe(0);
  });
});
