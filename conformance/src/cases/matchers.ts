// Matching actual values against the case file's expectations; each mismatch is a readable reason.
import type { StringMatcher } from './format.js';
import { isPlainObject, showVersion, type Version } from '../protocol/types.js';

/** Returns undefined on a match, else why not. `actual` undefined means "absent". */
export function matchString(matcher: StringMatcher, actual: string | undefined): string | undefined {
  if (typeof matcher === 'string')
    return actual === matcher ? undefined : `expected ${JSON.stringify(matcher)}, got ${show(actual)}`;
  if ('exists' in matcher) {
    if (matcher.exists === (actual !== undefined)) return undefined;
    return matcher.exists ? 'expected to exist' : `expected to be absent, got ${show(actual)}`;
  }
  if (actual === undefined) return 'absent';
  if ('equals' in matcher)
    return actual === matcher.equals
      ? undefined
      : `expected ${JSON.stringify(matcher.equals)}, got ${show(actual)}`;
  if ('contains' in matcher)
    return actual.includes(matcher.contains)
      ? undefined
      : `expected to contain ${JSON.stringify(matcher.contains)}, got ${show(actual)}`;
  return new RegExp(matcher.matches).test(actual)
    ? undefined
    : `expected to match /${matcher.matches}/, got ${show(actual)}`;
}

function show(actual: string | undefined): string {
  if (actual === undefined) return 'nothing';
  return JSON.stringify(actual.length > 100 ? `${actual.slice(0, 100)}…` : actual);
}

/** A version matcher after interpolation: key -> string matcher, or a whole version value. */
export function matchVersion(matcher: unknown, actual: Version | undefined): string | undefined {
  if (actual === undefined) return 'no version';
  if (!isPlainObject(matcher)) return `bad version matcher ${JSON.stringify(matcher)}`;
  const problems: string[] = [];
  for (const [key, m] of Object.entries(matcher)) {
    const why = matchString(typeof m === 'string' ? m : (m as StringMatcher), actual[key]);
    if (why) problems.push(`${key}: ${why}`);
  }
  const extra = Object.keys(actual).filter((k) => !(k in matcher));
  if (extra.length > 0) problems.push(`unexpected keys ${extra.join(', ')}`);
  return problems.length === 0 ? undefined : `version ${showVersion(actual)}: ${problems.join('; ')}`;
}

export function matchVersions(matcher: unknown, actual: Version[]): string[] {
  if (Array.isArray(matcher)) {
    if (matcher.length !== actual.length)
      return [`expected ${matcher.length} versions, got ${showVersion(actual)}`];
    return matcher.flatMap((m, i) => {
      const why = matchVersion(m, actual[i]);
      return why ? [`#${i + 1}: ${why}`] : [];
    });
  }
  if (!isPlainObject(matcher)) return [`bad versions matcher ${JSON.stringify(matcher)}`];
  const problems: string[] = [];
  if (typeof matcher['length'] === 'number' && matcher['length'] !== actual.length)
    problems.push(`expected ${matcher['length']} versions, got ${showVersion(actual)}`);
  if (matcher['last'] !== undefined) {
    const why = matchVersion(matcher['last'], actual.at(-1));
    if (why) problems.push(`last: ${why}`);
  }
  for (const wanted of Array.isArray(matcher['contains']) ? (matcher['contains'] as unknown[]) : []) {
    if (!actual.some((v) => matchVersion(wanted, v) === undefined))
      problems.push(`no version matches ${JSON.stringify(wanted)} in ${showVersion(actual)}`);
  }
  return problems;
}
