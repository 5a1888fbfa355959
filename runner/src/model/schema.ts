// zod schemas of the pipeline and task-config shapes of Concourse (atc/config.go, atc/job_config.go,
// atc/task.go). They type-check the YAML and generate the JSON Schema under runner/schema/.
// Steps are parsed by hand in steps.ts (key precedence), so only their fields are listed here.
import { z } from 'zod';
import { wholeVarPattern } from '../vars/reference.js';

/** A value that is a single `((var))`, which may stand for any type until vars are resolved. */
export const varPlaceholder = z.string().regex(wholeVarPattern).describe('a ((var)) resolved later');
const v = <T extends z.ZodType>(schema: T) => z.union([schema, varPlaceholder]);

const str = z.string();
const bool = v(z.boolean());
const int = v(z.number().int());
const map = z.record(z.string(), z.unknown());
const anyMap = v(map.nullable());
const strList = v(z.array(v(str)).nullable());
const duration = v(str).describe('Go duration such as 30s, 1h30m');

export const resourceSchema = z.object({
  name: str.describe('identifier of the resource'),
  type: str.describe('resource type: a resource_types entry or a worker base type'),
  source: anyMap.optional(),
  old_name: str.optional(),
  icon: str.optional(),
  version: v(z.record(z.string(), z.unknown()).nullable()).optional(),
  check_every: duration.optional(),
  check_timeout: duration.optional(),
  expose_build_created_by: bool.optional(),
  tags: strList.optional(),
  public: bool.optional(),
  webhook_token: str.optional(),
});

export const resourceTypeSchema = z.object({
  name: str,
  type: str,
  source: anyMap.optional(),
  privileged: bool.optional(),
  params: anyMap.optional(),
  check_every: duration.optional(),
  tags: strList.optional(),
  defaults: anyMap.optional(),
});

export const prototypeSchema = resourceTypeSchema;

export const varSourceSchema = z.object({
  name: str,
  type: str.describe('vault, dummy, ssm, secretsmanager or idtoken'),
  config: anyMap.optional(),
});

export const groupSchema = z.object({
  name: str,
  jobs: strList.optional().describe('gobwas glob patterns of job names'),
  resources: strList.optional(),
});

export const displaySchema = z.object({
  background_image: str.optional(),
  background_filter: str.optional(),
});

export const buildLogRetentionSchema = z.object({
  builds: int.optional(),
  days: int.optional(),
  minimum_succeeded_builds: int.optional(),
});

/** Step data is parsed in steps.ts; here a step is any map (the JSON Schema refines it). */
const stepData = z.record(z.string(), z.unknown());

export const jobSchema = z.object({
  name: str,
  old_name: str.optional(),
  plan: z.array(stepData).nullable().optional(),
  public: bool.optional(),
  serial: bool.optional(),
  serial_groups: strList.optional(),
  max_in_flight: int.optional(),
  build_log_retention: buildLogRetentionSchema.nullable().optional(),
  build_logs_to_retain: int.optional(),
  disable_manual_trigger: bool.optional(),
  disable_reruns: bool.optional(),
  interruptible: bool.optional(),
  tags: strList.optional(),
  on_success: stepData.optional(),
  on_failure: stepData.optional(),
  on_abort: stepData.optional(),
  on_error: stepData.optional(),
  ensure: stepData.optional(),
});

export const pipelineTopLevelKeys = [
  'jobs',
  'resources',
  'resource_types',
  'var_sources',
  'groups',
  'display',
  'prototypes',
  'user_data',
] as const;

export const imageResourceSchema = z.object({
  type: str,
  source: anyMap.optional(),
  params: anyMap.optional(),
  version: v(z.record(z.string(), z.unknown()).nullable()).optional(),
  tags: strList.optional(),
});

export const containerLimitsSchema = z.object({
  cpu: v(z.number().int().nullable()).optional(),
  memory: v(z.union([z.number().int(), z.string()]).nullable()).optional(),
});

export const taskConfigSchema = z.object({
  platform: str.optional().describe('linux, darwin, windows (required)'),
  image_resource: imageResourceSchema.nullable().optional(),
  rootfs_uri: str.optional(),
  inputs: z
    .array(z.object({ name: str.optional(), path: str.optional(), optional: bool.optional() }))
    .nullable()
    .optional(),
  outputs: z
    .array(z.object({ name: str.optional(), path: str.optional() }))
    .nullable()
    .optional(),
  caches: z
    .array(z.object({ path: str, ttl: duration.optional() }))
    .nullable()
    .optional(),
  params: anyMap.optional(),
  run: v(
    z.object({
      path: str.optional(),
      args: v(z.array(z.unknown()).nullable()).optional(),
      dir: str.optional(),
      user: str.optional(),
    }),
  ).optional(),
  container_limits: containerLimitsSchema.nullable().optional(),
});

const versionField = v(z.union([z.enum(['latest', 'every']), z.record(z.string(), z.unknown())]));
const inputsField = v(z.union([z.enum(['all', 'detect']), z.array(str), z.null()]));
const maxInFlight = v(z.union([z.literal('all'), z.number().int()]));

/** Fields each step kind owns, checked after the key precedence of steps.ts picked the kind. */
export const stepFieldSchemas = {
  get: z.object({
    get: str,
    resource: str.optional(),
    passed: strList.optional(),
    trigger: bool.optional(),
    version: versionField.nullable().optional(),
    params: anyMap.optional(),
    tags: strList.optional(),
    timeout: duration.optional(),
  }),
  put: z.object({
    put: str,
    resource: str.optional(),
    params: anyMap.optional(),
    inputs: inputsField.optional(),
    get_params: anyMap.optional(),
    no_get: bool.optional(),
    tags: strList.optional(),
    timeout: duration.optional(),
  }),
  task: z.object({
    task: str,
    config: v(map).nullable().optional(),
    file: str.optional(),
    image: str.optional(),
    privileged: bool.optional(),
    hermetic: bool.optional(),
    vars: anyMap.optional(),
    params: anyMap.optional(),
    input_mapping: v(z.record(z.string(), str).nullable()).optional(),
    output_mapping: v(z.record(z.string(), str).nullable()).optional(),
    container_limits: containerLimitsSchema.nullable().optional(),
    tags: strList.optional(),
    timeout: duration.optional(),
  }),
  run: z.object({
    run: str,
    type: str.optional(),
    params: anyMap.optional(),
    privileged: bool.optional(),
    tags: strList.optional(),
    container_limits: containerLimitsSchema.nullable().optional(),
    timeout: duration.optional(),
  }),
  set_pipeline: z.object({
    set_pipeline: str,
    file: str.optional(),
    team: str.optional(),
    vars: anyMap.optional(),
    var_files: strList.optional(),
    instance_vars: anyMap.optional(),
  }),
  load_var: z.object({
    load_var: str,
    file: str.optional(),
    format: z.enum(['json', 'yaml', 'yml', 'trim', 'raw']).or(varPlaceholder).optional(),
    reveal: bool.optional(),
  }),
  try: z.object({ try: stepData }),
  do: z.object({ do: z.array(stepData).nullable(), tags: strList.optional() }),
  in_parallel: z.object({
    in_parallel: z.union([
      z.array(stepData),
      z.object({
        steps: z.array(stepData).nullable().optional(),
        limit: int.optional(),
        fail_fast: bool.optional(),
      }),
    ]),
    tags: strList.optional(),
  }),
  across: z.object({
    across: z
      .array(
        z.strictObject({
          var: str,
          values: v(z.array(z.unknown()).nullable()).optional(),
          max_in_flight: maxInFlight.optional(),
        }),
      )
      .nullable(),
    fail_fast: bool.optional(),
  }),
  attempts: z.object({ attempts: int }),
  timeout: z.object({ timeout: v(str) }),
  ensure: z.object({ ensure: stepData }),
  on_error: z.object({ on_error: stepData }),
  on_abort: z.object({ on_abort: stepData }),
  on_failure: z.object({ on_failure: stepData }),
  on_success: z.object({ on_success: stepData }),
} as const;

export type StepKey = keyof typeof stepFieldSchemas;

export type ResourceConfig = z.infer<typeof resourceSchema>;
export type ResourceTypeConfig = z.infer<typeof resourceTypeSchema>;
export type PrototypeConfig = z.infer<typeof prototypeSchema>;
export type VarSourceConfig = z.infer<typeof varSourceSchema>;
export type GroupConfig = z.infer<typeof groupSchema>;
export type DisplayConfig = z.infer<typeof displaySchema>;
export type TaskConfig = z.infer<typeof taskConfigSchema>;
export type JobData = z.infer<typeof jobSchema>;
