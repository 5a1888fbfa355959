// Table-driven check over the corpus of real pipelines and task files, without fly: every file is
// read, and every pipeline is accepted or rejected as the real fly did when it recorded
// corpus/fly-verdicts.tsv (test/fly/ compares the messages themselves, live).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkPipelineText,
  locatedErrors,
  parseTaskFile,
  parseYamlSource,
  taskConfigErrors,
} from '../src/model/index.js';
import { corpusEntries, corpusMismatches } from './corpus.js';

/** fly validate-pipeline's exit status for each corpus file, as recorded with the real fly. */
function flyVerdicts(): Map<string, number> {
  const text = readFileSync(join(import.meta.dirname, 'corpus', 'fly-verdicts.tsv'), 'utf8');
  return new Map(
    text
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .filter((cols) => /^\d+$/.test(cols[1] ?? ''))
      .map((cols) => [cols[0] ?? '', Number(cols[1])]),
  );
}

const pipelines = corpusEntries('pipelines');
const tasks = corpusEntries('tasks');

const summary = {
  pipelines: pipelines.length,
  accepted: 0,
  rejected: 0,
  agree: 0,
  tasks: tasks.length,
  tasksOk: 0,
};

it('finds the corpus, every file with the git blob id its manifest lists', () => {
  expect(corpusMismatches()).toEqual([]);
});

describe('corpus pipelines', () => {
  const verdicts = flyVerdicts();
  it.each(pipelines.map((e) => [e.file.replace(/^pipelines\//, ''), e] as const))('%s', (_name, entry) => {
    const text = readFileSync(entry.path, 'utf8');
    const result = checkPipelineText(text, entry.file);
    const rejected = result.kind === 'unreadable' || result.failed;
    if (rejected) summary.rejected++;
    else summary.accepted++;
    const messages =
      result.kind === 'unreadable' ? [result.error.message] : locatedErrors(result).map((e) => e.message);
    const flyExit = verdicts.get(entry.file);
    expect(flyExit, `${entry.file} has no recorded fly verdict`).toBeDefined();
    expect(rejected, messages.join('\n')).toBe(flyExit !== 0);
    summary.agree++;
    if (result.kind === 'unreadable') {
      expect(result.error.position.line).toBeGreaterThan(0);
    } else {
      for (const e of locatedErrors(result)) expect(e.position.line).toBeGreaterThan(0);
    }
  });

  it('reports the agreement figures', () => {
    console.log(
      `corpus: ${summary.agree}/${summary.pipelines} pipelines agree with fly's recorded verdicts ` +
        `(${summary.accepted} accepted, ${summary.rejected} rejected)`,
    );
    expect(summary.agree).toBe(summary.pipelines);
  });
});

/**
 * Task files Concourse loads strictly (duplicate keys and unknown fields are errors), so a file
 * with a repeated key is rejected here even though the corpus labels it "unknown" with a warning.
 */
const rejectedTasks: Record<string, string> = {
  'tasks/alphagov__gsp__pipelines__tasks__bump-semver.yaml': 'mapping key "image_resource" already defined',
};

describe('corpus task files', () => {
  it.each(tasks.map((e) => [e.file.replace(/^tasks\//, ''), e] as const))('%s', (_name, entry) => {
    const text = readFileSync(entry.path, 'utf8');
    const rejection = rejectedTasks[entry.file];
    if (rejection !== undefined) {
      expect(() => parseYamlSource(text, entry.file)).toThrow(rejection);
      return;
    }
    const source = parseYamlSource(text, entry.file);
    const { config, unknown } = parseTaskFile(source.data);
    expect(unknown).toEqual([]);
    expect(taskConfigErrors(config)).toEqual([]);
    summary.tasksOk++;
  });
});
