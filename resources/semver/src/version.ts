// Version numbers and the bump rules. Parsing and validation come from the `semver` package; the
// rules themselves follow the reference resource (which differ from `semver.inc`: `patch` on a
// pre-release still increments the patch number, and build metadata survives a bump).
import { SemVer, valid } from 'semver';
import { ConfigError } from '@hangar/resource-sdk';

export const BUMP_KINDS = ['major', 'minor', 'patch', 'final'] as const;
export type BumpKind = (typeof BUMP_KINDS)[number];

/** The bump params shared by get and put. */
export interface BumpParams {
  /** One of {@link BUMP_KINDS}; anything else is ignored, as in the reference (see bumpWarning). */
  bump?: string | undefined;
  pre?: string | undefined;
  pre_without_version?: boolean | undefined;
  build?: string | undefined;
  build_without_version?: boolean | undefined;
}

/** A parsed version: numbers plus pre-release and build identifiers, kept as strings. */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
  build: string[];
}

/**
 * Parses `MAJOR.MINOR.PATCH[-pre][+build]` strictly (no `v` prefix, no leading zeros), or returns
 * undefined.
 */
export function tryParseVersion(text: string): Version | undefined {
  const trimmed = text.trim();
  if (!/^\d/.test(trimmed) || valid(trimmed) === null) return undefined;
  const parsed = new SemVer(trimmed);
  return {
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    pre: parsed.prerelease.map(String),
    build: [...parsed.build],
  };
}

/** Parses or throws a ConfigError naming `field`. */
export function parseVersion(text: string, field: string): Version {
  const parsed = tryParseVersion(text);
  if (!parsed)
    throw new ConfigError(
      `${field} '${text.trim()}' is not a semantic version (MAJOR.MINOR.PATCH[-pre][+build])`,
    );
  return parsed;
}

export function formatVersion(version: Version): string {
  const core = `${version.major}.${version.minor}.${version.patch}`;
  const pre = version.pre.length ? `-${version.pre.join('.')}` : '';
  const build = version.build.length ? `+${version.build.join('.')}` : '';
  return `${core}${pre}${build}`;
}

/** Semantic-version precedence (build metadata ignored): negative, zero or positive. */
export function compareVersions(a: Version, b: Version): number {
  return new SemVer(formatVersion(a)).compare(new SemVer(formatVersion(b)));
}

const PRE_IDENTIFIER = /^(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)$/;
const BUILD_IDENTIFIER = /^[0-9A-Za-z-]+$/;

function identifiers(value: string, field: string, pattern: RegExp): string[] {
  const parts = value.split('.');
  if (parts.some((part) => !pattern.test(part)))
    throw new ConfigError(
      `${field} '${value}' is not a valid identifier list (dot-separated [0-9A-Za-z-], no empty parts)`,
    );
  return parts;
}

/**
 * `pre`/`build` counters, as the reference counts them: when the first current identifier is the
 * param and a second one follows, that second one goes up by one (a non-numeric one restarts at 1);
 * otherwise the counter starts at 1. A dotted param (`pr.42`) never equals one identifier, so it
 * always restarts at 1: `1.2.3-pr.42.1` each time, a stable name per pull request.
 */
function nextCounter(current: readonly string[], value: string, prefix: readonly string[]): string[] {
  const counter = current.length >= 2 && current[0] === value ? current[1] : undefined;
  const next = counter !== undefined && /^\d+$/.test(counter) ? Number(counter) + 1 : 1;
  return [...prefix, String(next)];
}

/** True when any bump param is set. */
export function hasBump(params: BumpParams): boolean {
  return Boolean(params.bump || params.pre || params.build);
}

/** A warning for a `bump` value the reference (and so applyBump) silently ignores. */
export function bumpWarning(params: BumpParams, field = 'params'): string | undefined {
  if (!params.bump || (BUMP_KINDS as readonly string[]).includes(params.bump)) return undefined;
  return `ignoring ${field}.bump '${params.bump}': it is none of ${BUMP_KINDS.join(', ')}`;
}

/**
 * Applies `bump`, then `pre`, then `build`, as the reference does. `field` prefixes error messages
 * (`params`). Identifiers that would make an unparsable version are errors: the reference would
 * store a version nobody can read back.
 */
export function applyBump(version: Version, params: BumpParams, field = 'params'): Version {
  let next: Version = { ...version, pre: [...version.pre], build: [...version.build] };
  switch ((params.bump || undefined) as BumpKind | undefined) {
    case 'major':
      next = { ...next, major: next.major + 1, minor: 0, patch: 0, pre: [] };
      break;
    case 'minor':
      next = { ...next, minor: next.minor + 1, patch: 0, pre: [] };
      break;
    case 'patch':
      next = { ...next, patch: next.patch + 1, pre: [] };
      break;
    case 'final':
      next = { ...next, pre: [] };
      break;
    default:
      break;
  }
  if (params.pre) {
    const prefix = identifiers(params.pre, `${field}.pre`, PRE_IDENTIFIER);
    next.pre = params.pre_without_version ? prefix : nextCounter(next.pre, params.pre, prefix);
  }
  if (params.build) {
    const prefix = identifiers(params.build, `${field}.build`, BUILD_IDENTIFIER);
    next.build = params.build_without_version ? prefix : nextCounter(next.build, params.build, prefix);
  }
  return next;
}
