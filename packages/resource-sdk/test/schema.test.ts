import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { ConfigError, parseConfig } from '../src/index.js';
import { toJsonSchema } from '../src/json-schema.js';

const source = z.strictObject({
  uri: z.string(),
  branch: z.optional(z.string()),
  tag_filter: z.optional(z.string()),
  files: z.optional(z.array(z.strictObject({ name: z.string(), mode: z.optional(z.number()) }))),
  nested: z._default(z.strictObject({ depth: z.optional(z.number()) }), {}),
  depth: z.optional(z.int().check(z.minimum(1))),
  mode: z.optional(z.enum(['fast', 'safe'])),
});

const message = (value: unknown): string => {
  try {
    parseConfig(source, value, 'source');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('parseConfig', () => {
  test('returns the typed value with defaults applied', () => {
    expect(parseConfig(source, { uri: 'u' }, 'source')).toEqual({ uri: 'u', nested: {} });
  });

  test('an unknown key is named with the nearest known one', () => {
    expect(message({ uri: 'u', brnach: 'main' })).toBe(
      `unknown key 'source.brnach' (did you mean 'branch'?)`,
    );
  });

  test('an unknown key with no close match lists the known keys', () => {
    expect(message({ uri: 'u', zzzzzzzz: 1 })).toBe(
      `unknown key 'source.zzzzzzzz' (known keys: uri, branch, tag_filter, files, nested, depth, mode)`,
    );
  });

  test('unknown keys inside nested objects and arrays carry the full path', () => {
    expect(message({ uri: 'u', nested: { dpeth: 1 } })).toBe(
      `unknown key 'source.nested.dpeth' (did you mean 'depth'?)`,
    );
    expect(message({ uri: 'u', files: [{ name: 'a' }, { nmae: 'b' }] })).toContain(
      `unknown key 'source.files[1].nmae' (did you mean 'name'?)`,
    );
  });

  test('a missing required field and a mistyped field', () => {
    expect(message({})).toBe(`missing required field 'source.uri'`);
    expect(message({ uri: 3 })).toBe(`invalid 'source.uri': expected string, got number`);
    expect(message({ uri: 'u', depth: 0 })).toBe(`invalid 'source.depth': must be >= 1`);
    expect(message({ uri: 'u', mode: 'slow' })).toBe(`invalid 'source.mode': must be one of "fast", "safe"`);
    expect(message({ uri: 'u', files: {} })).toBe(`invalid 'source.files': expected array, got object`);
  });

  test('with onUnknownKey, unknown keys are reported one by one and dropped', () => {
    const reported: string[] = [];
    const value = { uri: 'u', brnach: 'main', nested: { dpeth: 1 }, files: [{ name: 'a', nmae: 'b' }] };
    expect(parseConfig(source, value, 'source', { onUnknownKey: (m) => reported.push(m) })).toEqual({
      uri: 'u',
      nested: {},
      files: [{ name: 'a' }],
    });
    expect(reported.sort()).toEqual([
      `unknown key 'source.brnach' (did you mean 'branch'?)`,
      `unknown key 'source.files[0].nmae' (did you mean 'name'?)`,
      `unknown key 'source.nested.dpeth' (did you mean 'depth'?)`,
    ]);
    expect(value.brnach).toBe('main'); // the caller's object is left alone
  });

  test('with onUnknownKey, the other errors still fail', () => {
    expect(() => parseConfig(source, { brnach: 'main' }, 'source', { onUnknownKey: () => {} })).toThrow(
      `missing required field 'source.uri'`,
    );
  });

  test('the message is one line', () => {
    expect(message({ branch: 1, brnach: 2, files: 'x' })).not.toContain('\n');
  });
});

test('toJsonSchema describes the input, unknown keys forbidden', () => {
  const schema = toJsonSchema(source, 'git source');
  expect(schema).toMatchObject({
    title: 'git source',
    type: 'object',
    required: ['uri'],
    additionalProperties: false,
    properties: { uri: { type: 'string' }, files: { type: 'array' } },
  });
});
