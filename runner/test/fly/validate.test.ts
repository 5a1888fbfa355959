// `hangar validate` against the real `fly validate-pipeline` (built by scripts/bootstrap), on every
// pipeline of the corpus (test/corpus), the examples and the runner's own fixtures: same exit code, same
// stdout (`-o` as parsed YAML), same stderr once hangar's `file:line:col: ` prefixes are removed.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusEntries } from '../corpus.js';
import { compareValidate, describeDisagreement } from './oracle.js';

const repo = resolve(import.meta.dirname, '../../..');

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !e.parentPath.includes('node_modules'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const pipelines = [
  ...corpusEntries('pipelines').map((e) => e.path),
  ...yamlFilesUnder(join(repo, 'examples')).filter((f) => basename(f) === 'pipeline.yml'),
  ...yamlFilesUnder(join(repo, 'runner', 'test', 'fixtures')),
];

const modes: [string, string[]][] = [
  ['plain', []],
  ['--strict', ['--strict']],
  ['-o', ['-o']],
];

describe.each(modes)('hangar validate %s agrees with fly validate-pipeline', (mode, flags) => {
  const agreed: string[] = [];
  it.concurrent.each(pipelines.map((f) => [relative(repo, f), f]))('%s', async (_name, file) => {
    const comparison = await compareValidate(file, flags);
    expect(comparison.agree, describeDisagreement(comparison)).toBe(true);
    agreed.push(file);
  });
  it('counts the agreement', () => {
    console.log(`fly oracle, validate ${mode}: ${agreed.length}/${pipelines.length} pipelines agree`);
    expect(agreed.length).toBe(pipelines.length);
  });
});

// Typed fields given a ((var)): fly rejects the placeholder, and accepts it once a static var gives
// it a value of the right type (-y, -l), not a string (-v).
describe('static vars for typed fields agree with fly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-fly-vars-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pipeline = join(dir, 'pipeline.yml');
  const vars = join(dir, 'vars.yml');
  writeFileSync(
    pipeline,
    [
      'resources:',
      '- {name: repo, type: git, tags: ((tags)), check_every: ((every))}',
      'jobs:',
      '- name: build',
      '  serial: ((serial))',
      '  plan:',
      '  - get: repo',
      '    trigger: ((trigger))',
      '    version: ((version))',
      '  - task: t',
      '    file: repo/t.yml',
      '    privileged: ((privileged))',
      '    attempts: ((attempts))',
      '',
    ].join('\n'),
  );
  writeFileSync(
    vars,
    'tags: [a]\nevery: 1m\nserial: true\ntrigger: false\nversion: {ref: abc}\nprivileged: true\nattempts: 2\n',
  );
  const cases: [string, string[]][] = [
    ['no vars', []],
    ['-l with typed values', ['-l', vars]],
    [
      '-y with typed values',
      [
        '-y',
        'tags=[a]',
        '-y',
        'serial=true',
        '-y',
        'trigger=true',
        '-y',
        'version={ref: x}',
        '-y',
        'privileged=false',
        '-y',
        'attempts=3',
        '-v',
        'every=1m',
      ],
    ],
    ['-v gives strings', ['-l', vars, '-v', 'trigger=true']],
    ['-v for a string field', ['-l', vars, '-v', 'every=10m']],
  ];
  it.concurrent.each(cases)('%s', async (_name, flags) => {
    const comparison = await compareValidate(pipeline, flags);
    expect(comparison.agree, describeDisagreement(comparison)).toBe(true);
  });
});
