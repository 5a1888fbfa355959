// build_log_retention (and the deprecated build_logs_to_retain): which builds' logs to delete, by
// the rules of Concourse's build log collector (atc/gc/build_log_collector.go). Builds are walked
// newest first; unfinished builds are never reaped; `minimum_succeeded_builds` succeeded builds are
// kept before counting others; with `days` too, a build beyond the count is kept while younger.
// The build rows stay (inputs and `passed` need them); only their events go.
import type { Job } from '../model/types.js';
import type { BuildRow } from '../store/store.js';
import { finishedStatuses } from '../store/store.js';

export interface LogRetention {
  builds: number;
  days: number;
  minimumSucceededBuilds: number;
}

const dayMs = 24 * 60 * 60 * 1000;

/** The job's policy, or undefined when it keeps every log. */
export function logRetention(job: Job): LogRetention | undefined {
  const r = job.buildLogRetention;
  const builds = (r ? r.builds : job.buildLogsToRetain) ?? 0;
  const days = r?.days ?? 0;
  if (builds === 0 && days === 0) return undefined;
  const minimum = r?.minimumSucceededBuilds ?? 0;
  return { builds, days, minimumSucceededBuilds: minimum <= builds ? minimum : 0 };
}

/** Ids of the builds whose logs go; `builds` are the job's builds not reaped yet, newest first. */
export function buildsToReap(builds: readonly BuildRow[], policy: LogRetention, now: number): number[] {
  const reap: number[] = [];
  const candidates: number[] = [];
  let retained = 0;
  let retainedSucceeded = 0;
  for (const build of builds) {
    if (!finishedStatuses.includes(build.status)) continue;
    const expired = build.endTime !== null && build.endTime + policy.days * dayMs < now;
    if (policy.builds !== 0) {
      if (build.status === 'succeeded' && retainedSucceeded < policy.minimumSucceededBuilds) {
        retained++;
        retainedSucceeded++;
        continue;
      }
      if (retained < policy.builds) {
        retained++;
        candidates.push(build.id);
        continue;
      }
    }
    if (policy.days !== 0 && !expired) {
      retained++;
      candidates.push(build.id);
      continue;
    }
    reap.push(build.id);
  }
  if (reap.length === 0) return [];
  // more kept than the count allows (minimum succeeded ones counted in): the oldest candidates go
  for (let i = 0; policy.builds !== 0 && i < retained - policy.builds; i++) {
    const id = candidates[candidates.length - 1 - i];
    if (id !== undefined) reap.push(id);
  }
  return reap;
}
