// serial / serial_groups / max_in_flight (§5.4): a job's groups are its serial_groups, else its
// own name when serial or max_in_flight is set; the limit is 1 for serial or serial_groups, else
// max_in_flight. A pending build starts only below the limit and when it is the oldest pending
// build across the jobs sharing a group.
import type { Job } from '../model/types.js';

export function serialGroups(job: Job): string[] {
  if (job.serialGroups.length > 0) return job.serialGroups;
  if (job.serial || (job.maxInFlight ?? 0) > 0) return [job.name];
  return [];
}

export function inFlightLimit(job: Job): number {
  if (job.serial || job.serialGroups.length > 0) return 1;
  return job.maxInFlight && job.maxInFlight > 0 ? job.maxInFlight : Infinity;
}

/** Jobs sharing at least one serial group with `job` (itself included). */
export function relatedJobs(job: Job, all: readonly Job[]): Job[] {
  const mine = serialGroups(job);
  if (mine.length === 0) return [job];
  return all.filter((j) => j === job || serialGroups(j).some((g) => mine.includes(g)));
}
