// `hangar format` against the real `fly format-pipeline`, byte for byte, on every corpus pipeline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusEntries } from '../corpus.js';
import { describeDisagreement, runFly, runHangar, withoutPositions } from './oracle.js';

const pipelines = corpusEntries('pipelines');

describe('hangar format agrees with fly format-pipeline', () => {
  const identical: string[] = [];
  it.concurrent.each(pipelines.map((e) => [e.file, e.path]))('%s', async (_name, file) => {
    const [fly, raw] = await Promise.all([
      runFly(['format-pipeline', '-c', file]),
      runHangar(['format', '-c', file]),
    ]);
    const hangar = { ...raw, stderr: withoutPositions(raw.stderr, file) };
    expect(hangar, describeDisagreement({ agree: false, fly, hangar })).toEqual(fly);
    identical.push(file);
  });
  it('counts the byte-identical outputs', () => {
    console.log(`fly oracle, format: ${identical.length}/${pipelines.length} pipelines byte-identical`);
    expect(identical.length).toBe(pipelines.length);
  });
});

describe('hangar format lays out strings as fly does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-format-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const words = Array.from({ length: 30 }, (_, i) => `word${String(i).padStart(2, '0')}`).join(' ');
  // Each value is long enough to fold, or holds what go-yaml writes its own way.
  const values: Record<string, string> = {
    plain: words,
    single_quoted: `: ${words}`,
    apostrophes: `it's ${words} it's`,
    trailing_space: `${words} `,
    tab: `a\tb ${words}`,
    astral: `\u{1F680} ${words}`,
    carriage_return: `one\r\ntwo ${words}`,
    double_space_at_fold: `${'x'.repeat(76)}  y\t`,
    no_break_space: 'a\u00a0b',
    leading_break: '\nafter an empty line',
    leading_breaks_kept: '\n\nkept\n\n',
    key_that_pushes_its_value_past_the_fold_column_on_its_own_line: words,
  };
  it.concurrent.each(Object.keys(values))('%s', async (key) => {
    const file = join(dir, `${key}.yml`);
    const value = values[key] ?? '';
    const pipeline = {
      resources: [{ name: 'r', type: 'mock', source: { [key]: value, list: [value, [value]] } }],
    };
    writeFileSync(file, JSON.stringify(pipeline));
    const [fly, hangar] = await Promise.all([
      runFly(['format-pipeline', '-c', file]),
      runHangar(['format', '-c', file]),
    ]);
    expect(fly.exitCode).toBe(0);
    expect(hangar).toEqual(fly);
  });
});
