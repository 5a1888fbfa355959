// `hangar validate` against the real `fly validate-pipeline` (built by scripts/bootstrap), on every
// pipeline of the shared corpus, the examples and the runner's own fixtures: same exit code, same
// stdout (`-o` as parsed YAML), same stderr once hangar's `file:line:col: ` prefixes are removed.
import { readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir, corpusEntries } from '../corpus.js';
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

it('finds the shared corpus', () => {
  expect(corpusDir, 'the shared corpus was not found: set HANGAR_CORPUS to its directory').toBeTruthy();
});

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
