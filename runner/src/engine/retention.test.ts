// build_log_retention's choice of builds, as Concourse's build log collector makes it.
import { describe, expect, it } from 'vitest';
import type { BuildRow, BuildStatus } from '../store/store.js';
import { buildsToReap } from './retention.js';

const day = 24 * 60 * 60 * 1000;
const now = 100 * day;
/** Builds newest first: id 1 is the oldest; each ended `age` days ago. */
const builds = (...specs: [BuildStatus, number][]): BuildRow[] =>
  specs
    .map(([status, age], i) => ({
      id: i + 1,
      status,
      endTime: status === 'started' || status === 'pending' ? null : now - age * day,
    }))
    .reverse() as BuildRow[];

describe('buildsToReap', () => {
  it('keeps the newest N; never reaps unfinished builds', () => {
    const list = builds(['succeeded', 9], ['failed', 8], ['succeeded', 7], ['started', 0]);
    expect(buildsToReap(list, { builds: 2, days: 0, minimumSucceededBuilds: 0 }, now)).toEqual([1]);
  });

  it('keeps minimum_succeeded_builds succeeded ones within the count', () => {
    const list = builds(['succeeded', 9], ['failed', 8], ['failed', 7], ['failed', 6]);
    // the succeeded build 1 is kept; the count of 2 leaves room for one failed one, the newest
    expect(buildsToReap(list, { builds: 2, days: 0, minimumSucceededBuilds: 1 }, now).sort()).toEqual([2, 3]);
  });

  it('with days only, reaps builds that ended longer ago', () => {
    const list = builds(['succeeded', 9], ['failed', 3], ['succeeded', 1]);
    expect(buildsToReap(list, { builds: 0, days: 5, minimumSucceededBuilds: 0 }, now)).toEqual([1]);
  });

  it('with builds and days, builds beyond the count stay while younger than days', () => {
    const young = builds(['succeeded', 3], ['succeeded', 2], ['succeeded', 1]);
    expect(buildsToReap(young, { builds: 1, days: 5, minimumSucceededBuilds: 0 }, now)).toEqual([]);
    // once one is past both limits, the collector trims the kept ones to the count as well
    const old = builds(['succeeded', 9], ['succeeded', 3], ['succeeded', 2], ['succeeded', 1]);
    expect(buildsToReap(old, { builds: 1, days: 5, minimumSucceededBuilds: 0 }, now).sort()).toEqual([
      1, 2, 3,
    ]);
  });
});
