// Releases as versions: the tag filter, the release/pre-release/draft filter, ordering.
import {
  compareSemiSemantic,
  parseSemiSemantic,
  type SemiSemanticVersion,
} from '@hangar/resource-sdk/semi-semantic';
import { ConfigError, type Version } from '@hangar/resource-sdk';
import semver from 'semver';
import { isOn, type Source } from './source.js';

/** The fields of GitHub's release object this resource reads. */
export interface Release {
  id: number;
  tag_name: string;
  name: string | null;
  body?: string | null;
  draft: boolean;
  prerelease: boolean;
  html_url: string;
  created_at: string;
  published_at: string | null;
  /** Published with immutable releases on: assets and tag are frozen. */
  immutable?: boolean;
}

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
  release: Release;
  version: string;
  parsed: SemiSemanticVersion | undefined;
  time: number;
}

/** The releases that are versions of this resource, oldest first. */
export function candidates(releases: readonly Release[], source: Source): Candidate[] {
  const filter = tagFilter(source);
  const allowed = constraint(source);
  const byTime = source.order_by === 'time';
  const kept: Candidate[] = [];
  for (const release of releases) {
    if (!wanted(release, source)) continue;
    const version = versionOfTag(release.tag_name, filter);
    if (version === undefined) continue;
    if (allowed && !allowed(version)) continue;
    const parsed = parseSemiSemantic(version);
    const time = Date.parse(timestampOf(release));
    if (byTime ? !(time > Date.parse(ZERO_TIME)) : !parsed) continue;
    kept.push({ release, version, parsed, time });
  }
  return kept.sort((a, b) =>
    byTime
      ? a.time - b.time || a.release.id - b.release.id
      : compareSemiSemantic(a.parsed!, b.parsed!) || a.release.id - b.release.id,
  );
}
