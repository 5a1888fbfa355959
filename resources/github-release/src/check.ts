// check: every release at or after the given version, oldest first; the latest when there is
// no usable given version or it no longer qualifies.
import type { CheckContext, Version } from '@hangar/resource-sdk';
import { compareSemiSemantic, parseSemiSemantic } from '@hangar/resource-sdk/semi-semantic';
import { connect } from './github.js';
import { listReleases, listTags } from './api.js';
import { candidates, tagFilter, versionOfCandidate, versionOfTag } from './releases.js';
import { isOn, type Source } from './source.js';

export async function check({
  source,
  version,
  log,
  env,
  redactor,
}: CheckContext<Source>): Promise<Version[]> {
  const repository = connect({ source, log, env, redactor });
  const tags = isOn(source.include_tags_without_release)
    ? (await listTags(repository)).map((tag) => tag.name)
    : [];
  const ordered = candidates(await listReleases(repository), source, tags);
  const latest = ordered.at(-1);
  if (!latest) return [];
  const fallback = [versionOfCandidate(latest)];
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
  return newer.length > 0 ? newer.map(versionOfCandidate) : fallback;
}
