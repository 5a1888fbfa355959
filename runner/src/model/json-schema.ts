// JSON Schema (draft 2020-12) for pipeline and task files, generated from the zod schemas that
// type the model (test/schema.test.ts holds them to the fields the decoder reads), so editors
// (yaml-language-server) autocomplete and flag what hangar would.
import { z } from 'zod';
import {
  buildLogRetentionSchema,
  displaySchema,
  groupSchema,
  jobSchema,
  prototypeSchema,
  resourceSchema,
  resourceTypeSchema,
  stepFieldSchemas,
  taskConfigSchema,
  varPlaceholder,
  varSourceSchema,
} from './schema.js';

type JsonSchema = Record<string, unknown>;

const toJson = (schema: z.ZodType): JsonSchema => {
  const out = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
};

const stepRef = { $ref: '#/$defs/step' };
const stepList = { type: 'array', items: stepRef };
const placeholder = toJson(varPlaceholder);

function stepDefinition(): JsonSchema {
  const properties: Record<string, unknown> = {};
  for (const schema of Object.values(stepFieldSchemas)) {
    const json = toJson(schema);
    Object.assign(properties, json.properties as Record<string, unknown>);
  }
  for (const hook of ['on_success', 'on_failure', 'on_abort', 'on_error', 'ensure', 'try'])
    properties[hook] = stepRef;
  properties.do = stepList;
  properties.in_parallel = {
    anyOf: [
      stepList,
      {
        type: 'object',
        properties: {
          steps: stepList,
          limit: { anyOf: [{ type: 'integer' }, placeholder] },
          fail_fast: { anyOf: [{ type: 'boolean' }, placeholder] },
        },
        additionalProperties: false,
      },
    ],
  };
  properties.config = { anyOf: [{ $ref: '#/$defs/taskConfig' }, placeholder] };
  const stepKinds = ['get', 'put', 'task', 'run', 'set_pipeline', 'load_var', 'try', 'do', 'in_parallel'];
  return {
    description:
      'A step: one of get/put/task/set_pipeline/load_var/in_parallel/do/try, with modifiers and hooks',
    type: 'object',
    properties,
    additionalProperties: false,
    anyOf: stepKinds.map((k) => ({ required: [k] })),
  };
}

export function pipelineJsonSchema(): JsonSchema {
  const job = toJson(jobSchema);
  const jobProps = job.properties as Record<string, unknown>;
  jobProps.plan = stepList;
  for (const hook of ['on_success', 'on_failure', 'on_abort', 'on_error', 'ensure']) jobProps[hook] = stepRef;
  jobProps.build_log_retention = toJson(buildLogRetentionSchema);
  const list = (item: JsonSchema): JsonSchema => ({
    anyOf: [{ type: 'array', items: item }, { type: 'null' }],
  });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://hangar.dev/schema/pipeline.schema.json',
    title: 'Concourse pipeline',
    description:
      'A Concourse pipeline as `fly set-pipeline` and `hangar` read it. Unknown top-level keys are ignored.',
    type: 'object',
    required: ['jobs'],
    properties: {
      jobs: { type: 'array', items: job },
      resources: list(toJson(resourceSchema)),
      resource_types: list(toJson(resourceTypeSchema)),
      prototypes: list(toJson(prototypeSchema)),
      var_sources: list(toJson(varSourceSchema)),
      groups: list(toJson(groupSchema)),
      display: toJson(displaySchema),
      user_data: {},
    },
    additionalProperties: true,
    $defs: { step: stepDefinition(), taskConfig: toJson(taskConfigSchema) },
  };
}

export function taskJsonSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://hangar.dev/schema/task.schema.json',
    title: 'Concourse task config',
    description: 'A task file, as a task step `file:` or `fly execute -c` reads it.',
    ...toJson(taskConfigSchema),
  };
}
