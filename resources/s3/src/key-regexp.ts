// `source.regexp`: a `/`-separated sequence of per-segment regular expressions over object keys,
// anchored at both ends, whose capture (the group named `version`, else the first) is the version.
import { ConfigError } from '@hangar/resource-sdk';

const META = /[\\.^$|?*+()[\]{}]/;

export interface KeyMatch {
  key: string;
  /** The captured text; undefined when the regexp has no capture group. */
  capture: string | undefined;
  /** `version` or `1`, for messages. */
  group: string;
}

export interface KeyRegexp {
  /** The regexp as the user wrote it. */
  readonly source: string;
  /** The segments between `/`. */
  readonly segments: readonly string[];
  readonly hasCapture: boolean;
  match(key: string): KeyMatch | undefined;
  /** Regexp for a key prefix ending after segment `index` (a "directory" of the listing). */
  directoryPattern(prefix: string, index: number): RegExp;
  /**
   * The key prefix `put` uploads under: everything up to the last `/`, with `\.`-style escapes
   * undone; `problem` says why a directory part that is a pattern is no fixed place.
   */
  uploadDirectory(): { directory: string; problem?: string };
}

/** Go's RE2 spells named groups `(?P<name>…)`; JavaScript spells them `(?<name>…)`. */
const toJavaScript = (pattern: string): string => pattern.replace(/\(\?P</g, '(?<');

export const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** Positions of `/` that sit inside a group or a character class (and would break the split). */
function slashesInsideGroups(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') {
      index++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      else if (char === '/') return true;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === '/' && depth > 0) return true;
  }
  return false;
}

/**
 * The literal text a segment must start with, usable as an S3 listing prefix: characters before
 * the first metacharacter, minus one if a quantifier makes it optional; nothing if the segment
 * has an alternation.
 */
export function literalLead(segment: string): string {
  if (segment.includes('|')) return '';
  const index = segment.search(META);
  if (index < 0) return segment;
  const next = segment[index];
  const lead = segment.slice(0, index);
  return next === '?' || next === '*' || next === '{' ? lead.slice(0, -1) : lead;
}

export const isLiteral = (segment: string): boolean => !META.test(segment);

export function parseRegexp(raw: string): KeyRegexp {
  const fail = (why: string): never => {
    throw new ConfigError(`invalid 'source.regexp' ${JSON.stringify(raw)}: ${why}`);
  };
  const stripped = raw.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
  if (slashesInsideGroups(stripped))
    fail(
      'a "/" inside a group or character class cannot be matched: the regexp is applied one path segment at a time',
    );
  let full: RegExp;
  try {
    full = new RegExp(`^(?:${toJavaScript(stripped)})$`);
  } catch (error) {
    return fail((error as Error).message.replace(/^Invalid regular expression: /, ''));
  }
  const groupCount = new RegExp(`${full.source}|`).exec('')!.length - 1;
  const named = /\(\?P?<version>/.test(stripped);
  const segments = stripped.split('/');
  const directoryPatterns = new Map<string, RegExp>();
  return {
    source: raw,
    segments,
    hasCapture: groupCount > 0,
    match(key) {
      const match = full.exec(key);
      if (!match) return undefined;
      if (groupCount === 0) return { key, capture: undefined, group: '' };
      if (named && match.groups?.['version'] !== undefined)
        return { key, capture: match.groups['version'], group: 'version' };
      return { key, capture: match[1], group: '1' };
    },
    directoryPattern(prefix, index) {
      const cacheKey = `${index}\0${prefix}`;
      let pattern = directoryPatterns.get(cacheKey);
      if (!pattern) {
        pattern = new RegExp(`^${escapeRegExp(prefix)}(?:${toJavaScript(segments[index] ?? '')})/$`);
        directoryPatterns.set(cacheKey, pattern);
      }
      return pattern;
    },
    uploadDirectory() {
      const slash = stripped.lastIndexOf('/');
      if (slash < 0) return { directory: '' };
      const written = stripped.slice(0, slash + 1);
      // `a\.b/` means the literal directory `a.b/`.
      const unescaped = written.replace(/\\([^A-Za-z0-9])/g, '$1');
      const withoutEscapes = written.replace(/\\[^A-Za-z0-9]/g, '');
      // As the reference does, a pattern is taken as written: check will not find what lands there.
      if (META.test(withoutEscapes))
        return {
          directory: written,
          problem: `the directory part ${JSON.stringify(written)} of 'source.regexp' is a pattern, not a fixed place to upload to`,
        };
      return { directory: unescaped };
    },
  };
}
