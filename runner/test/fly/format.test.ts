// `hangar format` against the real `fly format-pipeline`, byte for byte, on every corpus pipeline.
import { describe, expect, it } from 'vitest';
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
