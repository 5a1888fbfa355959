// The committed JSON Schemas are the generated ones, and they accept the corpus.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  displaySchema,
  groupSchema,
  jobSchema,
  parseYamlSource,
  pipelineJsonSchema,
  prototypeSchema,
  resourceSchema,
  resourceTypeSchema,
  sectionFields,
  stepFieldSchemas,
  stepFields,
  taskConfigFields,
  taskConfigSchema,
  taskJsonSchema,
  varSourceSchema,
} from '../src/model/index.js';
import { corpusEntries } from './corpus.js';

const schemaDir = join(import.meta.dirname, '..', 'schema');
const generated = {
  'pipeline.schema.json': pipelineJsonSchema(),
  'task.schema.json': taskJsonSchema(),
};

describe('JSON Schema', () => {
  it.each(Object.entries(generated))(
    '%s is up to date (HANGAR_WRITE_SCHEMA=1 regenerates)',
    (name, schema) => {
      if (process.env.HANGAR_WRITE_SCHEMA === '1') {
        writeFileSync(join(schemaDir, name), JSON.stringify(schema, null, 2) + '\n');
      }
      // compared as data: the committed file is laid out by prettier
      expect(JSON.parse(readFileSync(join(schemaDir, name), 'utf8'))).toEqual(schema);
    },
  );

  it('describes the fields the model reads, section by section and step by step', () => {
    const keys = (shape: object) => Object.keys(shape).sort();
    const pairs: [string, z.ZodObject, object][] = [
      ['groups', groupSchema, sectionFields.groups],
      ['resources', resourceSchema, sectionFields.resources],
      ['resource_types', resourceTypeSchema, sectionFields.resource_types],
      ['prototypes', prototypeSchema, sectionFields.prototypes],
      ['var_sources', varSourceSchema, sectionFields.var_sources],
      ['jobs', jobSchema, sectionFields.jobs],
      ['display', displaySchema, sectionFields.display],
      ['task config', taskConfigSchema, taskConfigFields],
      ...Object.entries(stepFieldSchemas).map(([kind, schema]): [string, z.ZodObject, object] => [
        `${kind} step`,
        schema,
        stepFields[kind as keyof typeof stepFields],
      ]),
    ];
    for (const [name, schema, fields] of pairs) {
      expect(keys(fields), name).toEqual(keys(schema.shape));
    }
  });

  const ajv = new Ajv2020({ strict: false, allErrors: false });
  const validatePipeline = ajv.compile(generated['pipeline.schema.json']);
  const validateTask = ajv.compile(generated['task.schema.json']);

  it('accepts every corpus pipeline hangar accepts and rejects the removed aggregate step', () => {
    const failures: string[] = [];
    for (const entry of corpusEntries('pipelines')) {
      let data: unknown;
      try {
        data = parseYamlSource(readFileSync(entry.path, 'utf8'), entry.file).data;
      } catch {
        continue; // unreadable YAML (duplicate keys) is not the schema's business
      }
      const ok = validatePipeline(data);
      const expectedOk = entry.expected !== 'invalid' || !entry.notes.includes('aggregate');
      if (entry.notes.includes('format-') || entry.file.includes('testConfig')) continue;
      if (ok !== expectedOk) failures.push(`${entry.file}: ${ajv.errorsText(validatePipeline.errors)}`);
    }
    expect(failures).toEqual([]);
  });

  it('flags misspelt step keys, wrong types and steps without a kind', () => {
    const pipeline = (step: unknown) => ({ jobs: [{ name: 'j', plan: [step] }] });
    expect(validatePipeline(pipeline({ get: 'repo', trigger: true, passed: ['a'] }))).toBe(true);
    expect(validatePipeline(pipeline({ get: 'repo', trigger: '((t))' }))).toBe(true);
    expect(validatePipeline(pipeline({ get: 'repo', trgger: true }))).toBe(false);
    expect(validatePipeline(pipeline({ get: 'repo', trigger: 'yes please' }))).toBe(false);
    expect(validatePipeline(pipeline({ attempts: 2 }))).toBe(false);
    expect(
      validatePipeline(pipeline({ do: [{ task: 't', config: { platform: 'linux', ouputs: [] } }] })),
    ).toBe(false);
    expect(validatePipeline({ anchors: {}, jobs: [] })).toBe(true);
  });

  it('accepts every corpus task file', () => {
    const failures: string[] = [];
    for (const entry of corpusEntries('tasks')) {
      let data: unknown;
      try {
        data = parseYamlSource(readFileSync(entry.path, 'utf8'), entry.file).data;
      } catch {
        continue;
      }
      if (!validateTask(data)) failures.push(`${entry.file}: ${ajv.errorsText(validateTask.errors)}`);
    }
    expect(failures).toEqual([]);
  });
});
