// The calls the generic protocol checks judge: first those that must not change the remote, then the put
// round-trip. Running and judging are separate so a timed-out call is reported once, by `timeouts`.
import type { Harness } from '../harness/harness.js';
import { checkVersions, responseVersion, succeeded, type Call } from '../harness/call.js';
import type { Version } from '../protocol/types.js';
import type { SuiteConfig } from './suite-config.js';

export interface ReadCalls {
  initial: Call[];
  latest: Version | undefined;
  unknown: Version;
  fromLatest: Call[];
  checkUnknown: Call | undefined;
  inLatest: Call | undefined;
  inMissing: Call;
  inNoParams: Call | undefined;
  checkNullSource: Call;
  inNullSource: Call;
}

export interface OutCalls {
  out: Call | undefined;
  inOut: Call | undefined;
  checkAfterOut: Call | undefined;
  outNoParams: Call;
  outNullSource: Call;
}

/** Makes a version of the same shape that the remote cannot have. */
export function unknownVersionLike(version: Version | undefined): Version {
  const token = `hangar-conformance-missing-${Date.now().toString(36)}`;
  if (version === undefined || Object.keys(version).length === 0) return { version: token };
  return Object.fromEntries(Object.keys(version).map((k) => [k, token]));
}

/** Phase 1: calls that must not change the remote. */
export async function runReadCalls(harness: Harness, config: SuiteConfig): Promise<ReadCalls> {
  const { source, getParams } = config;
  const checkTwice = (): Promise<Call[]> =>
    Promise.all([
      harness.call('check', { source }, { label: 'check (no version)', purpose: 'protocol' }),
      harness.call('check', { source }, { label: 'check (no version, again)', purpose: 'protocol' }),
    ]);
  let initial = await checkTwice();
  const none = (calls: Call[]): boolean =>
    calls[0] !== undefined && succeeded(calls[0]) && checkVersions(calls[0])?.length === 0;
  if (none(initial) && config.putParams !== undefined) {
    // An empty remote: let out create the first version, so in and check have something to work on.
    const label = 'out (seeding an empty remote)';
    await harness.call(
      'out',
      { source, params: config.putParams },
      { label, purpose: 'protocol', ...(config.inputs ? { inputs: config.inputs } : {}) },
    );
    initial = await checkTwice();
  }
  const first = initial[0] && succeeded(initial[0]) ? checkVersions(initial[0]) : undefined;
  const latest = first?.at(-1);
  const unknown = unknownVersionLike(latest);
  const get = (version: Version, label: string, params = getParams): Promise<Call> =>
    harness.call('in', { source, version, params }, { label, purpose: 'protocol' });

  const [fromLatest, checkUnknown, inLatest, inMissing, inNoParams, checkNullSource, inNullSource] =
    await Promise.all([
      latest
        ? Promise.all([
            harness.call(
              'check',
              { source, version: latest },
              { label: 'check (from latest)', purpose: 'protocol' },
            ),
            harness.call(
              'check',
              { source, version: latest },
              { label: 'check (from latest, again)', purpose: 'protocol' },
            ),
          ])
        : Promise.resolve([]),
      latest
        ? harness.call(
            'check',
            { source, version: unknown },
            { label: 'check (from unknown version)', purpose: 'protocol' },
          )
        : Promise.resolve(undefined),
      latest ? get(latest, 'in (latest)') : Promise.resolve(undefined),
      get(unknown, 'in (version that does not exist)'),
      // Without get params the in (latest) request already has no params key: no need to send it twice.
      latest && Object.keys(getParams ?? {}).length > 0
        ? get(latest, 'in (no params)', undefined)
        : Promise.resolve(undefined),
      harness.call('check', { source: null }, { label: 'check (source: null)', purpose: 'protocol' }),
      harness.call(
        'in',
        { source: null, version: latest ?? unknown },
        { label: 'in (source: null)', purpose: 'protocol' },
      ),
    ]);
  return {
    initial,
    latest,
    unknown,
    fromLatest,
    checkUnknown,
    inLatest,
    inMissing,
    inNoParams: inNoParams ?? inLatest,
    checkNullSource,
    inNullSource,
  };
}

/** Phase 3: the put round-trip, then the calls that may change the remote. */
export async function runOutCalls(
  harness: Harness,
  config: SuiteConfig,
  latest: Version | undefined,
): Promise<OutCalls> {
  const { source, putParams, getParams, inputs } = config;
  let out: Call | undefined;
  let inOut: Call | undefined;
  let checkAfterOut: Call | undefined;
  if (putParams !== undefined) {
    out = await harness.call(
      'out',
      { source, params: putParams },
      { label: 'out', purpose: 'protocol', ...(inputs ? { inputs } : {}) },
    );
    const created = succeeded(out) ? responseVersion(out) : undefined;
    if (created) {
      [inOut, checkAfterOut] = await Promise.all([
        harness.call(
          'in',
          { source, version: created, params: getParams },
          { label: 'in (version from out)', purpose: 'protocol' },
        ),
        harness.call('check', latest ? { source, version: latest } : { source }, {
          label: 'check (after out)',
          purpose: 'protocol',
        }),
      ]);
    }
  }
  const [outNoParams, outNullSource] = await Promise.all([
    harness.call(
      'out',
      { source },
      { label: 'out (no params)', purpose: 'protocol', ...(inputs ? { inputs } : {}) },
    ),
    harness.call(
      'out',
      { source: null, params: putParams },
      { label: 'out (source: null)', purpose: 'protocol', ...(inputs ? { inputs } : {}) },
    ),
  ]);
  return { out, inOut, checkAfterOut, outNoParams, outNullSource };
}
