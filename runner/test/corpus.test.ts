// Table-driven check over the corpus of real pipelines and task files: every file is read,
// every pipeline the corpus labels valid/unknown is accepted, every invalid one is rejected, and
// each message we give for a rejection is one of Concourse's documented messages.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkPipelineText,
  locatedErrors,
  parseTaskFile,
  parseYamlSource,
  taskConfigErrors,
} from '../src/model/index.js';
import { corpusEntries, corpusMismatches } from './corpus.js';

/** Concourse's validation messages (reference §2.3, §4.1), as patterns. */
const documentedMessages: RegExp[] = [
  /^group '.*' appears \d+ times\. Duplicate names are not allowed\.$/,
  /^invalid glob expression '.*' for group '.*'$/,
  /^no jobs match '.*' for group '.*'$/,
  /^group '.*' has unknown resource '.*'$/,
  /^job '.*' belongs to no group$/,
  /^\w+\[\d+\] and \w+\[\d+\] have the same name \('.*'\)$/,
  /^[\w.[\]-]+ has no (name|type)$/,
  /^resource '.*' is not used$/,
  /^jobs: pipeline must contain at least one job$/,
  /^pipeline contains a cycle that starts at Job '.*'$/,
  /^jobs\..*: unknown fields \[.*\]$/,
  /^jobs\..*: must specify (either `file:` or `config:`|one of `file:` or `config:`, not both)$/,
  /^jobs\..*\.config: missing 'platform'$/,
  /^jobs\..*: unknown resource '.*'$/,
  /^no step configured$/,
  /^mapping key ".*" already defined$/,
];

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
  it.each(pipelines.map((e) => [e.file.replace(/^pipelines\//, ''), e] as const))('%s', (_name, entry) => {
    const text = readFileSync(entry.path, 'utf8');
    const result = checkPipelineText(text, entry.file);
    const rejected = result.kind === 'unreadable' || result.failed;
    if (rejected) summary.rejected++;
    else summary.accepted++;
    const messages =
      result.kind === 'unreadable' ? [result.error.message] : locatedErrors(result).map((e) => e.message);
    for (const message of messages) {
      expect(
        documentedMessages.some((re) => re.test(message)),
        message,
      ).toBe(true);
    }
    expect(rejected, messages.join('\n')).toBe(entry.expected === 'invalid');
    summary.agree++;
    if (result.kind === 'unreadable') {
      expect(result.error.position.line).toBeGreaterThan(0);
    } else {
      for (const e of locatedErrors(result)) expect(e.position.line).toBeGreaterThan(0);
    }
  });

  it('reports the agreement figures', () => {
    console.log(
      `corpus: ${summary.agree}/${summary.pipelines} pipelines agree with the corpus verdicts ` +
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
