// Runs one pipeline on hangar and on a real Concourse, each against fresh services, and returns
// both outcomes (build status per job and build number, and the remote state the scenario reads:
// tags, versions, state files, locks, messages) for the caller to compare. Only -v/-l values differ
// between the two runs: the addresses at which each runner's builds reach the same services.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type ConcourseStack } from '@hangar/testkit';
import { buildStatuses, hangar, resourceTypeFlags } from './hangar.mjs';

export interface ScenarioRun<State> {
  /** -l values: the service addresses for this runner and anything else the pipeline needs. */
  vars: Record<string, unknown>;
  /** Optional further changes (a new commit): each is applied, then the pipeline runs until quiet again. */
  phases?: (() => Promise<void>)[];
  /** The remote state to compare once the last phase is quiet. */
  state(): Promise<State>;
  close(): Promise<void>;
}

export interface Scenario<State> {
  name: string;
  pipeline: string;
  /** Custom `resource_types` names → our type, for hangar's --resource-type (Concourse pulls them). */
  resourceTypes?: Record<string, string>;
  /**
   * Fresh services and remotes for one run. `at(port)` is `host:port` of the service on
   * 127.0.0.1:`port` as this runner's builds reach it; `registry` is where our images are.
   */
  setup(at: (port: number) => Promise<string>, registry: string): Promise<ScenarioRun<State>>;
}

export interface Outcome<State> {
  /** `{"<pipeline>/<job> #<n>": status}` */
  builds: Record<string, string>;
  /** The build names that existed once each phase was quiet. */
  phases: string[][];
  state: State;
  seconds: number;
}

const gitIdentity = {
  GIT_AUTHOR_NAME: 'Hangar',
  GIT_AUTHOR_EMAIL: 'ci@hangar.invalid',
  GIT_COMMITTER_NAME: 'Hangar',
  GIT_COMMITTER_EMAIL: 'ci@hangar.invalid',
};

/** `hangar run` once per phase on the host runtime, one state directory across them. */
export async function runOnHangar<State>(scenario: Scenario<State>): Promise<Outcome<State>> {
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
    const builds: Record<string, string> = {};
    const phases: string[][] = [];
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

interface FlyBuild {
  name: string;
  status: string;
  job_name?: string;
  pipeline_name?: string;
}

const FINISHED = new Set(['succeeded', 'failed', 'errored', 'aborted']);

/**
 * `fly set-pipeline` and unpause, then per phase: check every resource and wait until the builds
 * hangar had after that phase (`expected[phase]`) all exist and every build has finished.
 */
export async function runOnConcourse<State>(
  stack: ConcourseStack,
  scenario: Scenario<State>,
  expected: readonly (readonly string[])[],
  options: { timeoutMs?: number; statuses?: Record<string, string> } = {},
): Promise<Outcome<State>> {
  const work = await tempDir(`hangar-diff-${scenario.name}-`);
  const run = await scenario.setup((port) => stack.expose(port), stack.registryInside);
  const started = Date.now();
  try {
    const varsFile = join(work.path, 'vars.json');
    await writeFile(varsFile, JSON.stringify(run.vars));
    await stack.fly(['set-pipeline', '-n', '-p', scenario.name, '-c', scenario.pipeline, '-l', varsFile]);
    await stack.fly(['unpause-pipeline', '-p', scenario.name]);
    const builds = async () => {
      const list = JSON.parse(
        (await stack.fly(['builds', '-p', scenario.name, '--json', '-c', '1000'])).stdout,
      ) as FlyBuild[];
      return Object.fromEntries(
        // Job builds only: `fly check-resource` shows up as a build without a job.
        list.filter((b) => b.job_name).map((b) => [`${scenario.name}/${b.job_name} #${b.name}`, b.status]),
      );
    };
    const phases: string[][] = [];
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
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // the poll interval
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
async function checkAll(stack: ConcourseStack, pipeline: string): Promise<void> {
  const resources = JSON.parse((await stack.fly(['resources', '-p', pipeline, '--json'])).stdout) as {
    name: string;
  }[];
  for (const { name } of resources)
    await stack.fly(['check-resource', '-r', `${pipeline}/${name}`], { allowFailure: true });
}

/** `url` with its 127.0.0.1:port replaced by where `at` says the runner reaches that port. */
export async function rehost(url: string, at: (port: number) => Promise<string>): Promise<string> {
  const parsed = new URL(url);
  parsed.host = await at(Number(parsed.port));
  return parsed.href;
}

/** Both runs of `scenario`: hangar first, and Concourse waits for the builds hangar produced. */
export async function differential<State>(stack: ConcourseStack, scenario: Scenario<State>) {
  const onHangar = await runOnHangar(scenario);
  const onConcourse = await runOnConcourse(stack, scenario, onHangar.phases, {
    statuses: onHangar.builds,
  });
  process.stdout.write(`${scenario.name}: hangar ${onHangar.seconds}s, Concourse ${onConcourse.seconds}s\n`);
  return { hangar: onHangar, concourse: onConcourse };
}
