// The plan of a one-off build (`hangar execute`, `fly execute`): the gets of a job's inputs in
// parallel, then the task named `one-off`.
import type { GetStep, Step, TaskConfig, TaskStep } from '../model/types.js';

export interface OneOffTask {
  config: TaskConfig;
  params?: Record<string, unknown> | undefined;
  privileged?: boolean;
  inputMapping?: Record<string, string>;
}

/** `gets` maps an input name to the pipeline resource it comes from. */
export function oneOffStep(task: OneOffTask, gets: { name: string; resource: string }[]): Step {
  const taskStep: TaskStep = {
    kind: 'task',
    name: 'one-off',
    config: task.config,
    configUnknownFields: [],
    file: undefined,
    image: undefined,
    privileged: task.privileged ?? false,
    hermetic: false,
    vars: undefined,
    params: task.params,
    inputMapping: task.inputMapping ?? {},
    outputMapping: {},
    containerLimits: undefined,
    tags: [],
    timeout: undefined,
    path: [],
  };
  if (gets.length === 0) return taskStep;
  const getSteps = gets.map((g): GetStep => ({
    kind: 'get',
    name: g.name,
    resource: g.resource,
    passed: [],
    trigger: false,
    version: undefined,
    params: undefined,
    tags: [],
    timeout: undefined,
    path: [],
  }));
  return {
    kind: 'do',
    tags: [],
    path: [],
    steps: [
      {
        step: {
          kind: 'in_parallel',
          steps: getSteps.map((g) => ({ step: g, unknownFields: [], path: [] })),
          limit: undefined,
          failFast: false,
          tags: [],
          path: [],
        },
        unknownFields: [],
        path: [],
      },
      { step: taskStep, unknownFields: [], path: [] },
    ],
  };
}
