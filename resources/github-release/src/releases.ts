// Releases as versions: the tag filter, the release/pre-release/draft filter, ordering.
import {
  compareSemiSemantic,
  parseSemiSemantic,
  type SemiSemanticVersion,
} from '@hangar/resource-sdk/semi-semantic';
import { ConfigError, type Version } from '@hangar/resource-sdk';
import semver from 'semver';
import type { Release } from './answers.js';
import { isOn, type Source } from './source.js';

export type { Release } from './answers.js';

export const DEFAULT_TAG_FILTER = '^v?([^v].*)';
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function tagFilter(source: Source): RegExp {
  try {
    return new RegExp(source.tag_filter ?? DEFAULT_TAG_FILTER);
  } catch (error) {
    throw new ConfigError(`source.tag_filter is not a valid regular expression: ${String(error)}`, {
      cause: error,
    });
  }
}

/** The version a tag carries: the last capture group of the filter (or its whole match). */
export function versionOfTag(tag: string, filter: RegExp): string | undefined {
  const match = filter.exec(tag);
  if (!match) return undefined;
  return match.length > 1 ? (match[match.length - 1] ?? '') : match[0];
}

/** When a release happened: published, else created (drafts keep their real creation time). */
export const timestampOf = (release: Release): string =>
  release.published_at ?? release.created_at ?? ZERO_TIME;

export function versionOf(release: Release): Version {
  return {
    ...(release.tag_name ? { tag: release.tag_name } : {}),
    id: String(release.id),
    timestamp: timestampOf(release),
  };
}

/** The reference's truth table: release/pre_release pick the kinds; drafts must match exactly. */
export function wanted(release: Release, source: Source): boolean {
  const drafts = isOn(source.drafts);
  if (release.draft !== drafts) return false;
  const finals = isOn(source.release, true);
  const pre = isOn(source.pre_release);
  // Skipped when the release's kind is excluded by one flag and not rescued by the other;
  // `release: false, pre_release: false` therefore keeps both kinds, as the reference does.
  return !(pre !== release.prerelease && finals === release.prerelease);
}

/** Parses a version for a semver constraint, accepting `1` and `1.2` as the Go library does. */
function asSemver(version: string): semver.SemVer | null {
  const strict = semver.parse(version.replace(/^v/, ''));
  if (strict) return strict;
  const short = /^v?(\d+)(?:\.(\d+))?$/.exec(version);
  return short ? semver.parse(`${short[1]}.${short[2] ?? '0'}.0`) : null;
}

export function constraint(source: Source): ((version: string) => boolean) | undefined {
  if (!source.semver_constraint) return undefined;
  const range = semver.validRange(source.semver_constraint);
  if (range === null)
    throw new ConfigError(`source.semver_constraint '${source.semver_constraint}' is not a semver range`);
  return (version) => {
    const parsed = asSemver(version);
    return parsed !== null && semver.satisfies(parsed, range);
  };
}

export interface Candidate {
  /** Undefined for a tag without a release (`include_tags_without_release`). */
  release: Release | undefined;
  tag: string;
  version: string;
  parsed: SemiSemanticVersion | undefined;
  time: number;
}

/** A candidate's version: a tag without a release has neither id nor timestamp. */
export const versionOfCandidate = (candidate: Candidate): Version =>
  candidate.release ? versionOf(candidate.release) : { tag: candidate.tag };

/**
 * Tags no release uses, as versions: they count as final releases (never with `drafts: true`)
 * and have no time, so `order_by: time` leaves them out.
 */
function bareTags(tags: readonly string[], releases: readonly Release[], source: Source) {
  if (isOn(source.drafts) || (!isOn(source.release, true) && isOn(source.pre_release))) return [];
  const released = new Set(releases.map((release) => release.tag_name));
  return tags.filter((tag) => !released.has(tag));
}

/** The releases (and, when given, bare tags) that are versions of this resource, oldest first. */
export function candidates(
  releases: readonly Release[],
  source: Source,
  tags: readonly string[] = [],
): Candidate[] {
  const filter = tagFilter(source);
  const allowed = constraint(source);
  const byTime = source.order_by === 'time';
  const kept: Candidate[] = [];
  const entries = [
    ...releases
      .filter((release) => wanted(release, source))
      .map((release) => ({ release, tag: release.tag_name })),
    ...bareTags(tags, releases, source).map((tag) => ({ release: undefined, tag })),
  ];
  for (const { release, tag } of entries) {
    const version = versionOfTag(tag, filter);
    if (version === undefined) continue;
    if (allowed && !allowed(version)) continue;
    const parsed = parseSemiSemantic(version);
    const time = release ? Date.parse(timestampOf(release)) : NaN;
    if (byTime ? !(time > Date.parse(ZERO_TIME)) : !parsed) continue;
    kept.push({ release, tag, version, parsed, time });
  }
  const idOf = (candidate: Candidate) => candidate.release?.id ?? 0;
  return kept.sort((a, b) =>
    byTime
      ? a.time - b.time || idOf(a) - idOf(b)
      : compareSemiSemantic(a.parsed!, b.parsed!) || idOf(a) - idOf(b),
  );
}
