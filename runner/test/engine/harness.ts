// A pipeline in a temp directory, run in-process on the host runtime with the file-backed test
// resource (type `file`, versions are files `<root>/<resource>/v<N>`).
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildEvent } from '../../src/engine/events.js';
import { PipelineRunner } from '../../src/engine/pipeline-runner.js';
import { openState, setPipelineFromFile } from '../../src/engine/state.js';
import { HostRuntime } from '../../src/runtime/host.js';
import { ResourceTypeRegistry } from '../../src/runtime/registry.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import type { BuildRow, Store } from '../../src/store/store.js';

export const fileResource = fileURLToPath(
  new URL('../fixtures/resources/file-resource.mjs', import.meta.url),
);

export interface Harness {
  dir: string;
  store: Store;
  runner: PipelineRunner;
  events: BuildEvent[];
  /** Lines the runner printed about checks and scheduling (check stderr included). */
  messages: string[];
  /** Every build status change seen, in order (started, then the final status). */
  statuses: { buildId: number; status: string }[];
  /** Adds version N+1 of a file resource with this content. */
  push: (resource: string, content?: string) => void;
  builds: (job?: string) => BuildRow[];
  eventsOf: (buildId: number) => BuildEvent[];
  logOf: (buildId: number) => string;
  /** Triggers a job manually and runs that build to its end. */
  runJob: (job: string) => Promise<BuildRow>;
  /** Resolves on the first event matching. */
  waitFor: (match: (e: BuildEvent) => boolean) => Promise<BuildEvent>;
  close: () => void;
}

/** `pipeline` is YAML or an object (written as JSON, which is YAML). `((root))` is the temp dir. */
export interface HarnessOptions {
  noCache?: boolean;
  overrides?: Map<string, string>;
  /** Another runtime over the registry (which knows the `file` type); default the host runtime. */
  runtime?: (registry: ResourceTypeRegistry, stateDir: string) => Runtime;
}

export function harness(pipeline: unknown, options: HarnessOptions = {}) {
  return setup(pipeline, options);
}

async function setup(pipeline: unknown, options: HarnessOptions): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-test-'));
  const file = join(dir, 'pipeline.yml');
  writeFileSync(file, typeof pipeline === 'string' ? pipeline : JSON.stringify(pipeline, null, 2));
  const { store } = openState(join(dir, '.hangar'));
  await setPipelineFromFile(store, file, 'p', { root: dir });
  const registry = new ResourceTypeRegistry();
  registry.register('file', [process.execPath, fileResource]);
  const events: BuildEvent[] = [];
  const statuses: { buildId: number; status: string }[] = [];
  const messages: string[] = [];
  const waiters: { match: (e: BuildEvent) => boolean; resolve: (e: BuildEvent) => void }[] = [];
  const runner = new PipelineRunner({
    store,
    runtime: options.runtime?.(registry, join(dir, '.hangar')) ?? new HostRuntime(registry),
    stateDir: join(dir, '.hangar'),
    pipelineName: 'p',
    onMessage: (t) => messages.push(t),
    build: {
      noCache: options.noCache ?? false,
      overrides: options.overrides ?? new Map(),
      externalUrl: 'http://127.0.0.1:9',
    },
    listeners: [
      (id, e) => {
        events.push(e);
        if (e.event === 'status') statuses.push({ buildId: id, status: String(e.data.status) });
        for (const w of [...waiters]) {
          if (w.match(e)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
      },
    ],
  });
  const h: Harness = {
    dir,
    store,
    runner,
    events,
    statuses,
    messages,
    push: (resource, content = resource) => {
      const root = join(dir, resource);
      mkdirSync(root, { recursive: true });
      const n = readdirSync(root).filter((f) => /^v\d+$/.test(f)).length + 1;
      writeFileSync(join(root, `v${n}`), `${content}${n}`);
    },
    builds: (job) =>
      store
        .builds({ pipelineId: runner.pipelineId })
        .filter((b) => job === undefined || b.job === job)
        .reverse(),
    eventsOf: (id) => store.events(id) as BuildEvent[],
    logOf: (id) =>
      (store.events(id) as BuildEvent[])
        .map((e) =>
          e.event === 'log'
            ? String(e.data.payload)
            : e.event === 'error'
              ? `ERROR ${String(e.data.message)}\n`
              : '',
        )
        .join(''),
    runJob: async (job) => {
      const build = await runner.trigger(job);
      await runner.runBuildToEnd(build.id);
      return store.build(build.id);
    },
    waitFor: (match) => new Promise((resolve) => waiters.push({ match, resolve })),
    close: () => store.close(),
  };
  return h;
}

/** Task step config running `sh -c script`. */
export function sh(
  name: string,
  script: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { inputs, outputs, params, caches, ...step } = extra;
  return {
    task: name,
    config: {
      platform: 'linux',
      ...(inputs ? { inputs } : {}),
      ...(outputs ? { outputs } : {}),
      ...(params ? { params } : {}),
      ...(caches ? { caches } : {}),
      run: { path: 'sh', args: ['-c', script] },
    },
    ...step,
  };
}

/** A job config: name, plan and any other fields. */
export const job = (name: string, plan: unknown[], extra: Record<string, unknown> = {}) => ({
  name,
  plan,
  ...extra,
});

/** A resource of the test type. */
export const fileRes = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'file',
  source: { root: `((root))/${name}`, ...((extra.source as object | undefined) ?? {}) },
  ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'source')),
});

/**
 * A pipeline whose job `set` sets `child` twice under `across`, as the instanced pipelines
 * `child/branch:a` and `child/branch:b`; each child's job `hello` echoes its branch, and fails for b.
 */
export function setsInstancedChildren(): unknown {
  // `@branch@` becomes the var `((branch))` only when the task writes the child's config: in the
  // parent's config it would be a var of the parent's build
  const child = {
    resources: [fileRes('src')],
    jobs: [job('hello', [{ get: 'src', trigger: true }, sh('t', 'echo hello @branch@; test @branch@ = a')])],
  };
  return {
    resources: [fileRes('src')],
    jobs: [
      job('set', [
        { get: 'src', trigger: true },
        sh('w', `echo '${JSON.stringify(child)}' | sed 's/@branch@/(\\(branch))/g' > o/child.yml`, {
          outputs: [{ name: 'o' }],
        }),
        {
          across: [{ var: 'b', values: ['a', 'b'] }],
          set_pipeline: 'child',
          file: 'o/child.yml',
          instance_vars: { branch: '((.:b))' },
        },
      ]),
    ],
  };
}
