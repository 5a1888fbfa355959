// `out`: every put operation of the reference, run in its fixed order; the answer reflects the
// last one. Each state change goes through performRobustAction (fetch, re-apply, commit, push).
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, RemoteError, type OutContext, type VersionResult } from '@hangar/resource-sdk';
import { lockCommitMessage, trailer, trailersFor, type Trailers, type Verb } from './commit-message.js';
import { formatDuration, parseDuration } from './duration.js';
import { performRobustAction, type EngineOptions, type Operation, type Step } from './lock-engine.js';
import { PoolRepo, assertLockName, type LockState } from './pool-repo.js';
import { openSourceSession, poolPath, validateSource } from './session.js';
import type { PutParams, Source } from './source.js';

const OPERATIONS = [
  'acquire',
  'claim',
  'release',
  'add',
  'add_claimed',
  'remove',
  'update',
  'check',
  'check_unclaimed',
] as const;

const DEFAULT_RETRY_DELAY_MS = 10_000;

interface Done {
  ref: string;
  locks: string[];
}

export async function out(context: OutContext<Source, PutParams>): Promise<VersionResult> {
  const { params, log, env, build, signal, sources } = context;
  const source = validateSource(context.source);
  const pool = poolPath(source.pool);
  // Go zero values (`""`, `false`) already read as "not set".
  const requested = OPERATIONS.filter((name) => params[name] !== undefined);
  if (!requested.length)
    throw new ConfigError(
      'invalid payload (missing acquire, release, remove, claim, add, add_claimed, update, check, or check_unclaimed): params must set one of them',
    );
  const retryDelayMs =
    delayField(params.retry_delay, 'params.retry_delay') ??
    delayField(source.retry_delay, 'source.retry_delay');
  const timeout =
    params.timeout !== undefined
      ? { ms: parseDuration(params.timeout, 'params.timeout'), field: 'params.timeout' }
      : source.timeout !== undefined
        ? { ms: parseDuration(source.timeout, 'source.timeout'), field: 'source.timeout' }
        : undefined;
  const maxHoldMs =
    source.max_hold !== undefined ? parseDuration(source.max_hold, 'source.max_hold') : undefined;
  const trailers = trailersFor(build);

  await using session = await openSourceSession(source, env);
  const work = await mkdtemp(join(env['TMPDIR'] ?? tmpdir(), 'pool-resource-'));
  try {
    const repo = await PoolRepo.clone(session.git, {
      uri: source.uri,
      branch: source.branch,
      pool,
      dir: join(work, 'repo'),
      signal,
    });
    const engine = (doing: string): EngineOptions => ({
      repo,
      log,
      signal,
      doing,
      retryDelayMs: retryDelayMs || DEFAULT_RETRY_DELAY_MS,
      ...(timeout ? { timeout } : {}),
    });
    const message = (verb: Verb, locks: readonly string[], extra?: Record<string, string>) =>
      lockCommitMessage(verb, locks, build, trailers, extra);
    const ops = new LockOperations(repo, message, trailers, maxHoldMs, context.log);

    let last: Done | undefined;
    for (const name of requested) {
      const value = params[name];
      switch (name) {
        case 'acquire': {
          const count = value === true ? 1 : Number(value);
          log.info(`acquiring lock on: ${pool}`);
          const chosen: string[] = [];
          const result = await performRobustAction(engine('acquiring lock'), ops.acquire(count, chosen));
          log.info('acquired!');
          last = { ref: result.ref, locks: chosen };
          break;
        }
        case 'claim': {
          const lock = String(value);
          assertLockName(lock, 'params.claim');
          log.info(`claiming lock on: ${pool}`);
          const result = await performRobustAction(engine(`claiming lock ${lock}`), ops.claim(lock));
          log.info('claimed!');
          last = { ref: result.ref, locks: [lock] };
          break;
        }
        case 'release': {
          const { names, metadata } = await readLockDir(sources, String(value), 'params.release', false);
          log.info(`releasing lock: ${names.join(', ')} on pool: ${pool}`);
          const result = await performRobustAction(
            engine('releasing lock'),
            ops.release(names, params.release_with_metadata ? metadata : undefined),
          );
          last = { ref: result.ref, locks: names };
          break;
        }
        case 'add':
        case 'add_claimed': {
          const state: LockState = name === 'add' ? 'unclaimed' : 'claimed';
          const { names, metadata } = await readLockDir(sources, String(value), `params.${name}`, true);
          const lock = single(names, `params.${name}`);
          log.info(`adding ${state} lock: ${lock} to pool: ${pool}`);
          const result = await performRobustAction(
            engine('adding lock'),
            ops.add(lock, metadata ?? '', state),
          );
          last = { ref: result.ref, locks: [lock] };
          break;
        }
        case 'remove': {
          const { names } = await readLockDir(sources, String(value), 'params.remove', false);
          const lock = single(names, 'params.remove');
          log.info(`removing lock: ${lock} on pool: ${pool}`);
          const result = await performRobustAction(engine('removing lock'), ops.remove(lock));
          last = { ref: result.ref, locks: [lock] };
          break;
        }
        case 'update': {
          const { names, metadata } = await readLockDir(sources, String(value), 'params.update', true);
          const lock = single(names, 'params.update');
          log.info(`updating lock: ${lock} in pool: ${pool}`);
          const result = await performRobustAction(engine('updating lock'), ops.update(lock, metadata ?? ''));
          log.info('updated!');
          last = { ref: result.ref, locks: [lock] };
          break;
        }
        case 'check':
        case 'check_unclaimed': {
          const { names } = await readLockDir(sources, String(value), `params.${name}`, false);
          const lock = single(names, `params.${name}`);
          log.info(`checking lock: ${lock} in pool: ${pool}`);
          const awaited: LockState = name === 'check' ? 'unclaimed' : 'claimed';
          const result = await performRobustAction(engine('checking lock'), ops.check(lock, awaited));
          last = { ref: result.ref, locks: [lock] };
          break;
        }
      }
    }
    if (!last) throw new ConfigError('params: nothing to do');
    return {
      version: { ref: last.ref },
      metadata: [
        { name: 'lock_name', value: last.locks.join(', ') },
        { name: 'pool_name', value: source.pool },
      ],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function delayField(value: string | number | undefined, field: string): number | undefined {
  return value === undefined ? undefined : parseDuration(value, field);
}

function single(names: string[], field: string): string {
  const [first, ...rest] = names;
  if (!first || rest.length) throw new ConfigError(`${field}: the name file must hold exactly one lock name`);
  return first;
}

/** Reads `<dir>/name` (one lock name per line) and, when present, `<dir>/metadata`. */
async function readLockDir(
  sources: string,
  dir: string,
  field: string,
  needMetadata: boolean,
): Promise<{ names: string[]; metadata: string | undefined }> {
  const base = resolve(sources, dir);
  const nameText = await readFile(join(base, 'name'), 'utf8').catch(() => undefined);
  if (nameText === undefined)
    throw new ConfigError(
      `${field}: ${dir}/name not found (the directory must hold a file 'name' with the lock name)`,
    );
  const names = [
    ...new Set(
      nameText
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    ),
  ];
  if (!names.length) throw new ConfigError(`${field}: ${dir}/name is empty`);
  for (const name of names) assertLockName(name, `${field} (${dir}/name)`);
  const metadata = await readFile(join(base, 'metadata'), 'utf8').catch(() => undefined);
  if (needMetadata && metadata === undefined)
    throw new ConfigError(`${field}: ${dir}/metadata not found (the lock's content)`);
  return { names, metadata };
}

/** Each put operation as a re-appliable function of a fresh checkout. */
class LockOperations {
  constructor(
    private readonly repo: PoolRepo,
    private readonly message: (
      verb: Verb,
      locks: readonly string[],
      extra?: Record<string, string>,
    ) => string,
    private readonly trailers: Trailers,
    private readonly maxHoldMs: number | undefined,
    private readonly log: { warn(message: string): void },
  ) {}

  private get pool(): string {
    return this.repo.pool;
  }

  /** Claimed locks held longer than max_hold (oldest first), when expiry is on. */
  private async expired(
    candidates: readonly string[],
  ): Promise<{ name: string; since: number; holder: string }[]> {
    if (this.maxHoldMs === undefined) return [];
    const limit = Date.now() / 1_000 - this.maxHoldMs / 1_000;
    const found = [];
    for (const name of candidates) {
      const since = await this.repo.claimedSince(name);
      if (since && since.at <= limit)
        found.push({
          name,
          since: since.at,
          holder: trailer(since.message, 'Hangar-Holder') ?? 'unknown holder',
        });
    }
    return found.sort((a, b) => a.since - b.since);
  }

  /** Moves expired claims back to unclaimed in their own commit, logging loudly. */
  private async takeOver(locks: { name: string; since: number; holder: string }[]): Promise<void> {
    for (const lock of locks) {
      const age = formatDuration(Date.now() - lock.since * 1_000);
      this.log.warn(
        `STALE LOCK: ${lock.name} in pool ${this.pool} has been claimed for ${age} by ${lock.holder} (longer than source.max_hold): taking it over`,
      );
      await this.repo.move(lock.name, 'claimed', 'unclaimed');
    }
    await this.repo.commit(
      this.message(
        'unclaiming',
        locks.map((lock) => lock.name),
        { 'Hangar-Expired': 'held longer than max_hold, taken over' },
      ),
    );
  }

  private releaseIfOurs(names: readonly string[]): Operation {
    return async (repo) => {
      const ours = [];
      for (const name of names) {
        const since = await repo.claimedSince(name);
        if (
          (await repo.exists('claimed', name)) &&
          since &&
          trailer(since.message, 'Hangar-Request') === this.trailers.request
        )
          ours.push(name);
      }
      if (!ours.length) return { kind: 'done' };
      for (const name of ours) await repo.move(name, 'claimed', 'unclaimed');
      return {
        kind: 'commit',
        message: this.message('unclaiming', ours, { 'Hangar-Undo': 'step interrupted' }),
      };
    };
  }

  acquire(count: number, chosen: string[]): Operation {
    return async (repo) => {
      await repo.assertPoolExists();
      const free = await repo.locks('unclaimed');
      const stale = free.length < count ? await this.expired(await repo.locks('claimed')) : [];
      if (free.length + stale.length < count) {
        const have = free.length ? ` (${free.length} free)` : '';
        return {
          kind: 'wait',
          reason: count === 1 ? 'waiting for lock' : `waiting for ${count} locks${have}`,
        };
      }
      const takeovers = stale.slice(0, count - free.length);
      if (takeovers.length) await this.takeOver(takeovers);
      const picked = [
        ...shuffle(free).slice(0, count - takeovers.length),
        ...takeovers.map((lock) => lock.name),
      ];
      for (const name of picked) await repo.move(name, 'unclaimed', 'claimed');
      chosen.splice(0, chosen.length, ...picked);
      return { kind: 'commit', message: this.message('claiming', picked), undo: this.releaseIfOurs(picked) };
    };
  }

  claim(name: string): Operation {
    return async (repo) => {
      await repo.assertPoolExists();
      const state = await repo.stateOf(name);
      if (state === 'absent') throw new RemoteError(`lock '${name}' does not exist in pool '${this.pool}'`);
      if (state === 'claimed') {
        const stale = await this.expired([name]);
        if (!stale.length) return { kind: 'wait', reason: `waiting for lock ${name} to become unclaimed` };
        await this.takeOver(stale);
      }
      await repo.move(name, 'unclaimed', 'claimed');
      return { kind: 'commit', message: this.message('claiming', [name]), undo: this.releaseIfOurs([name]) };
    };
  }

  release(names: readonly string[], metadata: string | undefined): Operation {
    return async (repo) => {
      for (const name of names) {
        const state = await repo.stateOf(name);
        if (state === 'absent') throw new RemoteError(`lock '${name}' does not exist in pool '${this.pool}'`);
        if (state === 'unclaimed')
          throw new RemoteError(`lock '${name}' is not claimed in pool '${this.pool}': nothing to release`);
        await repo.move(name, 'claimed', 'unclaimed');
        // #38, opt-in: the released lock carries the directory's metadata in the same commit.
        if (
          metadata !== undefined &&
          names.length === 1 &&
          metadata !== (await repo.readMetadata('unclaimed', name))
        )
          await repo.write('unclaimed', name, metadata);
      }
      return { kind: 'commit', message: this.message('unclaiming', names) };
    };
  }

  add(name: string, metadata: string, state: LockState): Operation {
    return async (repo) => {
      await repo.assertPoolExists();
      const existing = await repo.stateOf(name);
      if (existing !== 'absent')
        throw new RemoteError(
          `lock '${name}' already exists in pool '${this.pool}' (${existing}): lock names must be unique; use update to change its metadata`,
        );
      await repo.write(state, name, metadata);
      return {
        kind: 'commit',
        message: this.message(state === 'claimed' ? 'adding claimed' : 'adding unclaimed', [name]),
      };
    };
  }

  remove(name: string): Operation {
    return async (repo) => {
      // As in the reference, only a claimed lock can be removed: nobody can pull a free lock
      // out from under a build that is about to acquire it.
      const state = await repo.stateOf(name);
      if (state !== 'claimed')
        throw new RemoteError(
          state === 'absent'
            ? `lock '${name}' does not exist in pool '${this.pool}'`
            : `lock '${name}' is not claimed in pool '${this.pool}': only claimed locks can be removed`,
        );
      await repo.remove('claimed', name);
      return { kind: 'commit', message: this.message('removing', [name]) };
    };
  }

  update(name: string, metadata: string): Operation {
    return async (repo): Promise<Step> => {
      await repo.assertPoolExists();
      const state = await repo.stateOf(name);
      if (state === 'claimed')
        return { kind: 'wait', reason: `waiting for lock ${name} to become unclaimed` };
      if (state === 'unclaimed') {
        if ((await repo.readMetadata('unclaimed', name)) === metadata) return { kind: 'done' };
        await repo.write('unclaimed', name, metadata);
        return { kind: 'commit', message: this.message('updating', [name]) };
      }
      await repo.write('unclaimed', name, metadata);
      return { kind: 'commit', message: this.message('adding unclaimed', [name]) };
    };
  }

  check(name: string, awaited: LockState): Operation {
    return async (repo): Promise<Step> => {
      const state = await repo.stateOf(name);
      // The reference passes for a missing lock too: say so, since it is usually a typo.
      if (state === 'absent')
        this.log.warn(`lock '${name}' does not exist in pool '${this.pool}': nothing to wait for`);
      else if (state !== awaited) return { kind: 'wait', reason: `waiting for lock to become ${awaited}` };
      return { kind: 'done' };
    };
  }
}

function shuffle<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
