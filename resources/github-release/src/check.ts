// check: every release at or after the given version, oldest first; the latest when there is
// no usable given version or it no longer qualifies.
import type { CheckContext, Version } from '@hangar/resource-sdk';
import { compareSemiSemantic, parseSemiSemantic } from '@hangar/resource-sdk/semi-semantic';
import { connect } from './github.js';
import { listReleases } from './api.js';
import { candidates, tagFilter, versionOf, versionOfTag } from './releases.js';
import type { Source } from './source.js';

export async function check({ source, version, log, env }: CheckContext<Source>): Promise<Version[]> {
  const repository = connect(source, log, env);
  const ordered = candidates(await listReleases(repository), source);
  const latest = ordered.at(-1);
  if (!latest) return [];
  const fallback = [versionOf(latest.release)];
  if (!version) return fallback;
  let newer;
  if (source.order_by === 'time') {
    const since = Date.parse(version['timestamp'] ?? '');
    if (!(since > Date.parse('0001-01-01T00:00:00Z'))) return fallback;
    newer = ordered.filter((candidate) => candidate.time >= since);
  } else {
    const given = version['tag'] === undefined ? undefined : versionOfTag(version['tag'], tagFilter(source));
    const parsed = given === undefined ? undefined : parseSemiSemantic(given);
    if (!parsed) return fallback;
    newer = ordered.filter((candidate) => compareSemiSemantic(candidate.parsed!, parsed) >= 0);
  }
  return newer.length > 0 ? newer.map((candidate) => versionOf(candidate.release)) : fallback;
}
