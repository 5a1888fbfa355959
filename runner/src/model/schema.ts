// zod schemas of the pipeline and task-config shapes of Concourse (atc/config.go, atc/job_config.go,
// atc/task.go). They give the model its types and generate the JSON Schema under runner/schema/;
// go-json.ts decodes (Go's rules and errors), and parse.ts and steps.ts read the decoded fields.
import { z } from 'zod';
import { wholeVarPattern } from '../vars/reference.js';

/** A value that is a single `((var))`, which may stand for any type until vars are resolved. */
export const varPlaceholder = z.string().regex(wholeVarPattern).describe('a ((var)) resolved later');
const v = <T extends z.ZodType>(schema: T) => z.union([schema, varPlaceholder]);

/** YAML 1.1 may read `1.10` or `yes` as a number or boolean; Go string fields keep them as text. */
const scalarText = (value: unknown): unknown =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : value === null ? '' : value;
const nullToUndefined = (value: unknown): unknown => (value === null ? undefined : value);

/** A Go string field: absent is the empty string (Go's zero value). */
const str = z.preprocess((x) => scalarText(x ?? ''), z.string());
const optText = z.preprocess(
  (x) => nullToUndefined(scalarText(x) === '' ? null : scalarText(x)),
  z.string().optional(),
);
const optBool = z.preprocess(nullToUndefined, v(z.boolean()).optional());
const optInt = z.preprocess(nullToUndefined, v(z.number().int()).optional());
const map = z.record(z.string(), z.unknown());
const anyMap = v(map.nullable());
const strList = v(z.array(v(str)).nullable());
const optDuration = z
  .preprocess(nullToUndefined, v(str).optional())
  .describe('Go duration such as 30s, 1h30m');

export const resourceSchema = z.object({
  name: str.describe('identifier of the resource'),
  type: str.describe('resource type: a resource_types entry or a worker base type'),
  source: anyMap.optional(),
  old_name: optText,
  icon: optText,
  version: v(z.record(z.string(), z.unknown()).nullable()).optional(),
  check_every: optDuration,
  check_timeout: optDuration,
  expose_build_created_by: optBool,
  tags: strList.optional(),
  public: optBool,
  webhook_token: optText,
});

export const resourceTypeSchema = z.object({
  name: str,
  type: str,
  source: anyMap.optional(),
  privileged: optBool,
  params: anyMap.optional(),
  check_every: optDuration,
  tags: strList.optional(),
  defaults: anyMap.optional(),
});

export const prototypeSchema = resourceTypeSchema;

export const varSourceSchema = z.object({
  name: str,
  type: str.describe('vault, dummy, ssm, secretsmanager or idtoken'),
  config: z.unknown().optional().describe("the credential manager's settings"),
});

export const groupSchema = z.object({
  name: str,
  jobs: strList.optional().describe('gobwas glob patterns of job names'),
  resources: strList.optional(),
});

export const displaySchema = z.object({
  background_image: optText,
  background_filter: optText,
});

export const buildLogRetentionSchema = z.object({
  builds: optInt,
  days: optInt,
  minimum_succeeded_builds: optInt,
});

/** Step data is parsed in steps.ts; here a step is any map (the JSON Schema refines it). */
const stepData = z.record(z.string(), z.unknown());

export const jobSchema = z.object({
  name: str,
  old_name: optText,
  plan: z.array(stepData).nullable().optional(),
  public: optBool,
  serial: optBool,
  serial_groups: strList.optional(),
  max_in_flight: optInt,
  build_log_retention: buildLogRetentionSchema.nullable().optional(),
  build_logs_to_retain: optInt,
  disable_manual_trigger: optBool,
  disable_reruns: optBool,
  interruptible: optBool,
  tags: strList.optional(),
  on_success: stepData.optional(),
  on_failure: stepData.optional(),
  on_abort: stepData.optional(),
  on_error: stepData.optional(),
  ensure: stepData.optional(),
});

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
  platform: optText.describe('linux, darwin, windows (required)'),
  image_resource: imageResourceSchema.nullable().optional(),
  rootfs_uri: optText,
  inputs: z
    .array(z.object({ name: optText, path: optText, optional: optBool }))
    .nullable()
    .optional(),
  outputs: z
    .array(z.object({ name: optText, path: optText }))
    .nullable()
    .optional(),
  caches: z
    .array(z.object({ path: str, ttl: optDuration }))
    .nullable()
    .optional(),
  params: anyMap.optional(),
  run: v(
    z.object({
      path: optText,
      args: v(z.array(z.unknown()).nullable()).optional(),
      dir: optText,
      user: optText,
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
    resource: optText,
    passed: strList.optional(),
    trigger: optBool,
    version: versionField.nullable().optional(),
    params: anyMap.optional(),
    tags: strList.optional(),
    timeout: optDuration,
  }),
  put: z.object({
    put: str,
    resource: optText,
    params: anyMap.optional(),
    inputs: inputsField.optional(),
    get_params: anyMap.optional(),
    no_get: optBool,
    tags: strList.optional(),
    timeout: optDuration,
  }),
  task: z.object({
    task: str,
    config: v(map).nullable().optional(),
    file: optText,
    image: optText,
    privileged: optBool,
    hermetic: optBool,
    vars: anyMap.optional(),
    params: anyMap.optional(),
    input_mapping: v(z.record(z.string(), str).nullable()).optional(),
    output_mapping: v(z.record(z.string(), str).nullable()).optional(),
    container_limits: containerLimitsSchema.nullable().optional(),
    tags: strList.optional(),
    timeout: optDuration,
  }),
  run: z.object({
    run: str,
    type: optText,
    params: anyMap.optional(),
    privileged: optBool,
    tags: strList.optional(),
    container_limits: containerLimitsSchema.nullable().optional(),
    timeout: optDuration,
  }),
  set_pipeline: z.object({
    set_pipeline: str,
    file: optText,
    team: optText,
    vars: anyMap.optional(),
    var_files: strList.optional(),
    instance_vars: anyMap.optional(),
  }),
  load_var: z.object({
    load_var: str,
    file: optText,
    format: optText.describe('json, yaml, yml, trim or raw (checked when the step runs)'),
    reveal: optBool,
  }),
  try: z.object({ try: stepData }),
  do: z.object({ do: z.array(stepData).nullable(), tags: strList.optional() }),
  in_parallel: z.object({
    in_parallel: z.union([
      z.array(stepData),
      z.object({
        steps: z.array(stepData).nullable().optional(),
        limit: optInt,
        fail_fast: optBool,
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
    fail_fast: optBool,
  }),
  attempts: z.object({ attempts: z.preprocess(nullToUndefined, v(z.number().int())) }),
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
