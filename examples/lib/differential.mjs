// @ts-check
// Runs one pipeline on hangar and on a real Concourse, each against fresh services, and returns
// both outcomes (build status per job and build number, and the remote state the scenario reads:
// tags, versions, state files, locks, messages) for the caller to compare. Only -v/-l values differ
// between the two runs: the addresses at which each runner's builds reach the same services.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '@hangar/testkit';
import { buildStatuses, hangar, resourceTypeFlags } from './hangar.mjs';

/** @typedef {import('@hangar/testkit').ConcourseStack} ConcourseStack */

/**
 * @template State
 * @typedef {object} ScenarioRun
 * @property {Record<string, unknown>} vars -l values: the service addresses for this runner and
 *   anything else the pipeline needs.
 * @property {(() => Promise<void>)[]} [phases] further changes (a new commit): each is applied,
 *   then the pipeline runs until quiet again.
 * @property {() => Promise<State>} state the remote state to compare once the last phase is quiet.
 * @property {() => Promise<void>} close
 */

/**
 * @template State
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} pipeline
 * @property {Record<string, string>} [resourceTypes] custom `resource_types` names → our type, for
 *   hangar's --resource-type (Concourse pulls them from the registry).
 * @property {(at: (port: number) => Promise<string>, registry: string) => Promise<ScenarioRun<State>>} setup
 *   fresh services and remotes for one run. `at(port)` is `host:port` of the service on
 *   127.0.0.1:`port` as this runner's builds reach it; `registry` is where our images are.
 */

/**
 * @template State
 * @typedef {object} Outcome
 * @property {Record<string, string>} builds `{"<pipeline>/<job> #<n>": status}`
 * @property {string[][]} phases the build names that existed once each phase was quiet
 * @property {State} state
 * @property {number} seconds
 */

const gitIdentity = {
  GIT_AUTHOR_NAME: 'Hangar',
  GIT_AUTHOR_EMAIL: 'ci@hangar.invalid',
  GIT_COMMITTER_NAME: 'Hangar',
  GIT_COMMITTER_EMAIL: 'ci@hangar.invalid',
};

/**
 * `hangar run` once per phase on the host runtime, one state directory across them.
 * @template State
 * @param {Scenario<State>} scenario
 * @returns {Promise<Outcome<State>>}
 */
export async function runOnHangar(scenario) {
  const work = await tempDir(`hangar-diff-${scenario.name}-`);
  const run = await scenario.setup((port) => Promise.resolve(`127.0.0.1:${port}`), 'registry.invalid');
  const started = Date.now();
  try {
    const varsFile = join(work.path, 'vars.json');
    await writeFile(varsFile, JSON.stringify(run.vars));
    const args = [
      'run',
      scenario.pipeline,
      '-p',
      scenario.name,
      '--state',
      join(work.path, '.hangar'),
      '-l',
      varsFile,
    ];
    args.push(...resourceTypeFlags(scenario.resourceTypes ?? {}));
    /** @type {Record<string, string>} */
    const builds = {};
    /** @type {string[][]} */
    const phases = [];
    for (const phase of [() => Promise.resolve(), ...(run.phases ?? [])]) {
      await phase();
      const result = await hangar(args, { cwd: work.path, env: gitIdentity });
      Object.assign(builds, buildStatuses(result.output));
      phases.push(Object.keys(builds));
    }
    return { builds, phases, state: await run.state(), seconds: (Date.now() - started) / 1000 };
  } finally {
    await run.close();
    await work.remove();
  }
}

const FINISHED = new Set(['succeeded', 'failed', 'errored', 'aborted']);

/**
 * `fly set-pipeline` and unpause, then per phase: check every resource and wait until the builds
 * hangar had after that phase (`expected[phase]`) all exist and every build has finished.
 * @template State
 * @returns {Promise<Outcome<State>>}
 */
export async function runOnConcourse(
  /** @type {ConcourseStack} */ stack,
  /** @type {Scenario<State>} */ scenario,
  /** @type {readonly (readonly string[])[]} */ expected,
  /** @type {{ timeoutMs?: number, statuses?: Record<string, string> }} */ options = {},
) {
  const work = await tempDir(`hangar-diff-${scenario.name}-`);
  const run = await scenario.setup((port) => stack.expose(port), stack.registryInside);
  const started = Date.now();
  try {
    const varsFile = join(work.path, 'vars.json');
    await writeFile(varsFile, JSON.stringify(run.vars));
    await stack.fly(['set-pipeline', '-n', '-p', scenario.name, '-c', scenario.pipeline, '-l', varsFile]);
    await stack.fly(['unpause-pipeline', '-p', scenario.name]);
    const builds = async () => {
      /** @type {{ name: string, status: string, job_name?: string }[]} */
      const list = JSON.parse(
        (await stack.fly(['builds', '-p', scenario.name, '--json', '-c', '1000'])).stdout,
      );
      return Object.fromEntries(
        // Job builds only: `fly check-resource` shows up as a build without a job.
        list.filter((b) => b.job_name).map((b) => [`${scenario.name}/${b.job_name} #${b.name}`, b.status]),
      );
    };
    /** @type {string[][]} */
    const phases = [];
    for (const [index, phase] of [() => Promise.resolve(), ...(run.phases ?? [])].entries()) {
      await phase();
      if (index > 0) await checkAll(stack, scenario.name);
      const want = expected[index] ?? [];
      const deadline = Date.now() + (options.timeoutMs ?? 240_000);
      for (;;) {
        const now = await builds();
        const finished = Object.values(now).every((status) => FINISHED.has(status));
        if (finished && want.every((name) => name in now)) {
          phases.push(Object.keys(now));
          break;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `${scenario.name} on Concourse: builds ${JSON.stringify(now)}, waiting for ${want.join(', ')}`,
          );
        }
        await sleep(1_000); // the poll interval
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const end = await builds();
    // For the reader of a difference, never for assertions: logs of builds that ended otherwise.
    for (const [build, status] of Object.entries(end)) {
      if (status === (options.statuses?.[build] ?? 'succeeded')) continue;
      const [job, number] = build.split(' #');
      const log = await stack.fly(['watch', '-j', job ?? '', '-b', number ?? ''], { allowFailure: true });
      process.stderr.write(`--- ${build} ${status} on Concourse:\n${log.stdout.slice(-4000)}\n`);
    }
    return { builds: end, phases, state: await run.state(), seconds };
  } finally {
    await stack.fly(['destroy-pipeline', '-n', '-p', scenario.name], { allowFailure: true });
    await run.close();
    await work.remove();
  }
}

/** A check of every resource of the pipeline now, not at the next check interval. */
async function checkAll(/** @type {ConcourseStack} */ stack, /** @type {string} */ pipeline) {
  /** @type {{ name: string }[]} */
  const resources = JSON.parse((await stack.fly(['resources', '-p', pipeline, '--json'])).stdout);
  for (const { name } of resources)
    await stack.fly(['check-resource', '-r', `${pipeline}/${name}`], { allowFailure: true });
}

/** `url` with its 127.0.0.1:port replaced by where `at` says the runner reaches that port. */
export async function rehost(/** @type {string} */ url, /** @type {(port: number) => Promise<string>} */ at) {
  const parsed = new URL(url);
  parsed.host = await at(Number(parsed.port));
  return parsed.href;
}

/**
 * Both runs of `scenario`: hangar first, and Concourse waits for the builds hangar produced.
 * @template State
 * @param {ConcourseStack} stack
 * @param {Scenario<State>} scenario
 */
export async function differential(stack, scenario) {
  const onHangar = await runOnHangar(scenario);
  const onConcourse = await runOnConcourse(stack, scenario, onHangar.phases, {
    statuses: onHangar.builds,
  });
  process.stdout.write(`${scenario.name}: hangar ${onHangar.seconds}s, Concourse ${onConcourse.seconds}s\n`);
  return { hangar: onHangar, concourse: onConcourse };
}
