// The case-file format (`format: hangar-conformance/v1`): a declarative YAML description of a resource's
// type-specific behaviour. The schema below is the contract; README.md documents it for authors.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { z } from 'zod';

export const CASE_FORMAT = 'hangar-conformance/v1';

const json = z.unknown();
const object = z.record(z.string(), json);

/** A string matcher: a plain string means "equals". */
export const stringMatcher = z.union([
  z.string(),
  z.strictObject({ equals: z.string() }),
  z.strictObject({ matches: z.string() }),
  z.strictObject({ contains: z.string() }),
  z.strictObject({ exists: z.boolean() }),
]);
export type StringMatcher = z.infer<typeof stringMatcher>;

/** key -> matcher; a string `${steps.x.version}` may stand for a whole version. */
const versionMatcher = z.union([z.record(z.string(), stringMatcher), z.string()]);

/** Artifact files: name -> (relative path -> content). */
const inputs = z.record(z.string(), z.record(z.string(), z.string()));

const request = z.strictObject({
  source: json.optional(),
  version: json.optional(),
  params: json.optional(),
  inputs: inputs.optional(),
});

const expectation = z.strictObject({
  exit: z.union([z.number().int(), z.literal('nonzero')]).default(0),
  version: versionMatcher.optional(),
  versions: z
    .union([
      z.array(versionMatcher),
      z.strictObject({
        length: z.number().int().optional(),
        last: versionMatcher.optional(),
        contains: z.array(versionMatcher).optional(),
      }),
    ])
    .optional(),
  metadata: z.record(z.string(), stringMatcher).optional(),
  files: z.record(z.string(), stringMatcher).optional(),
  stderr: stringMatcher.optional(),
  remote: z.enum(['changed', 'unchanged']).optional(),
});
export type Expectation = z.infer<typeof expectation>;

const step = z
  .strictObject({
    name: z.string().optional(),
    check: request.optional(),
    in: request.optional(),
    out: request.optional(),
    expect: expectation.default({ exit: 0 }),
  })
  .refine((s) => [s.check, s.in, s.out].filter((r) => r !== undefined).length === 1, {
    message: 'a step has exactly one of check, in, out',
  });
export type Step = z.infer<typeof step>;

export const caseSchema = z.strictObject({
  format: z.literal(CASE_FORMAT),
  name: z.string().optional(),
  description: z.string().optional(),
  setup: z.strictObject({ use: z.string(), with: object.default({}) }).optional(),
  source: json,
  secrets: z.array(z.string()).default([]),
  secret_outputs: z.array(z.string()).default([]),
  generic: z
    .union([
      z.literal(false),
      z.strictObject({
        get_params: object.optional(),
        put_params: object.optional(),
        inputs: inputs.optional(),
        skip_bad_input: z.array(z.string()).optional(),
        /** Generic checks that cannot apply to this type: check id -> why. */
        not_applicable: z.record(z.string(), z.string()).optional(),
      }),
    ])
    .default({}),
  steps: z
    .array(step)
    .default([])
    .superRefine((steps, ctx) => {
      const seen = new Set<string>();
      steps.forEach((s, index) => {
        if (s.name === undefined) return;
        if (seen.has(s.name))
          ctx.addIssue({ code: 'custom', message: `duplicate step name "${s.name}"`, path: [index, 'name'] });
        seen.add(s.name);
      });
    }),
});
export type CaseFile = z.infer<typeof caseSchema>;

/** JSON Schema of the case format, for editors (`# yaml-language-server: $schema=…`). */
export function caseJsonSchema(): Record<string, unknown> {
  return {
    title: 'hangar-conformance case file (hangar-conformance/v1)',
    ...z.toJSONSchema(caseSchema, { io: 'input', unrepresentable: 'any' }),
  };
}

export interface LoadedCase {
  file: string;
  name: string;
  spec: CaseFile;
}

export class CaseFormatError extends Error {}

export function parseCase(text: string, file: string): LoadedCase {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (offset: number | undefined): string => {
    if (offset === undefined) return file;
    const pos = lines.linePos(offset);
    return `${file}:${pos.line}:${pos.col}`;
  };
  const yamlError = doc.errors[0];
  if (yamlError) throw new CaseFormatError(`${where(yamlError.pos[0])}: ${yamlError.message.split('\n')[0]}`);
  const parsed = caseSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = doc.getIn(issue.path as (string | number)[], true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    const at = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new CaseFormatError(`${where(offset)}: ${issue.message}${at}`);
  }
  return { file, name: parsed.data.name ?? path.basename(file).replace(/\.ya?ml$/, ''), spec: parsed.data };
}

export async function loadCase(file: string): Promise<LoadedCase> {
  return parseCase(await readFile(file, 'utf8'), file);
}

/** Loads case files, and every `*.yaml`/`*.yml` (sorted) of the directories among `paths`. */
export async function loadCases(paths: readonly string[]): Promise<LoadedCase[]> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (!info) throw new CaseFormatError(`--case ${p} does not exist`);
    if (info.isDirectory())
      files.push(
        ...(await readdir(p))
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => path.join(p, f)),
      );
    else files.push(p);
  }
  if (files.length === 0) throw new CaseFormatError(`no case files found in ${paths.join(', ')}`);
  return Promise.all(files.map(loadCase));
}
