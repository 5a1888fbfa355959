import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { goOptional, jqBoolean, jqNumber, jqString, parseConfig } from '../src/index.js';
import { toJsonSchema } from '../src/json-schema.js';

const goSource = z.strictObject({
  bucket: z.string(),
  regexp: goOptional(z.string()),
  port: goOptional(z.int().check(z.minimum(1))),
  skip: goOptional(z.boolean()),
  tags: goOptional(z.array(z.string())),
  part_size: goOptional(z._default(z.int(), 5)),
});

const jqSource = z.strictObject({
  uri: z.string(),
  depth: jqNumber(z.int().check(z.minimum(1))),
  paths: jqString(),
  exclude_all_match: jqBoolean(),
  retries: jqNumber(z._default(z.int(), 3)),
  verbose: jqBoolean(z._default(z.boolean(), false)),
});

const parse = (schema: z.core.$ZodType, value: unknown): unknown => parseConfig(schema, value, 'source');
const failure = (schema: z.core.$ZodType, value: unknown): string => {
  try {
    parse(schema, value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
};

describe('goOptional reads a field as a Go struct does', () => {
  test.each([
    ['absent', {}],
    ['null', { regexp: null, port: null, skip: null, tags: null }],
    ['the zero values', { regexp: '', port: 0, skip: false }],
  ])('%s: not set', (_name, fields) => {
    expect(parse(goSource, { bucket: 'b', ...fields })).toEqual({ bucket: 'b', part_size: 5 });
  });

  test('anything else is validated by the inner schema', () => {
    expect(parse(goSource, { bucket: 'b', regexp: 'a-(.*)', port: 9, skip: true, tags: [] })).toEqual({
      bucket: 'b',
      regexp: 'a-(.*)',
      port: 9,
      skip: true,
      tags: [],
      part_size: 5,
    });
    expect(failure(goSource, { bucket: 'b', port: -1 })).toBe(`invalid 'source.port': must be >= 1`);
    expect(failure(goSource, { bucket: 'b', regexp: 3 })).toBe(
      `invalid 'source.regexp': expected string, got number`,
    );
  });

  test('a default fills the unset zero value', () => {
    expect(parse(goSource, { bucket: 'b', part_size: 0 })).toMatchObject({ part_size: 5 });
    expect(parse(goSource, { bucket: 'b', part_size: 7 })).toMatchObject({ part_size: 7 });
  });
});

describe('jq* read a field as `jq -r` in a bash script does', () => {
  test('numbers and booleans as text are the same values', () => {
    expect(
      parse(jqSource, {
        uri: 'u',
        depth: '2',
        paths: 7,
        exclude_all_match: 'true',
        retries: '5',
        verbose: 'false',
      }),
    ).toEqual({ uri: 'u', depth: 2, paths: '7', exclude_all_match: true, retries: 5, verbose: false });
    expect(parse(jqSource, { uri: 'u', depth: 2, paths: 'x', exclude_all_match: false })).toMatchObject({
      depth: 2,
      paths: 'x',
      exclude_all_match: false,
    });
    expect(parse(jqSource, { uri: 'u', paths: true })).toMatchObject({ paths: 'true' });
  });

  test('null (and an empty number or boolean) is not set; defaults apply', () => {
    expect(
      parse(jqSource, {
        uri: 'u',
        depth: null,
        paths: null,
        exclude_all_match: '',
        retries: null,
        verbose: null,
      }),
    ).toEqual({ uri: 'u', retries: 3, verbose: false });
    expect(parse(jqSource, { uri: 'u' })).toEqual({ uri: 'u', retries: 3, verbose: false });
  });

  test('an empty string stays a string: jq -r prints it as such', () => {
    expect(parse(jqSource, { uri: 'u', paths: '' })).toMatchObject({ paths: '' });
  });

  test('text that is not the type is still an error naming the field', () => {
    expect(failure(jqSource, { uri: 'u', depth: 'two' })).toBe(
      `invalid 'source.depth': expected number, got string`,
    );
    expect(failure(jqSource, { uri: 'u', depth: '0' })).toBe(`invalid 'source.depth': must be >= 1`);
    expect(failure(jqSource, { uri: 'u', exclude_all_match: 'yes' })).toBe(
      `invalid 'source.exclude_all_match': expected boolean, got string`,
    );
    expect(failure(jqSource, { uri: 'u', paths: ['a'] })).toBe(
      `invalid 'source.paths': expected string, got array`,
    );
  });
});

describe('unknown keys inside tolerant fields', () => {
  const nested = z.strictObject({
    tunnel: jqString(z.strictObject({ proxy_host: z.string(), proxy_port: jqNumber() })),
    credentials: goOptional(z.array(z.strictObject({ host: z.string(), username: z.string() }))),
  });

  test('are named with the nearest known key, through the wrappers', () => {
    expect(failure(nested, { tunnel: { proxy_host: 'h', proxy_prot: 1 } })).toBe(
      `unknown key 'source.tunnel.proxy_prot' (did you mean 'proxy_port'?)`,
    );
    expect(failure(nested, { credentials: [{ host: 'h', username: 'u', usrname: 'u' }] })).toBe(
      `unknown key 'source.credentials[0].usrname' (did you mean 'username'?)`,
    );
  });

  test('with onUnknownKey, are reported the same way and dropped', () => {
    const reported: string[] = [];
    const value = { credentials: [{ host: 'h', username: 'u', extra: 1 }] };
    expect(parseConfig(nested, value, 'source', { onUnknownKey: (m) => reported.push(m) })).toEqual({
      credentials: [{ host: 'h', username: 'u' }],
    });
    expect(reported).toEqual([`unknown key 'source.credentials[0].extra' (known keys: host, username)`]);
  });
});

test('the published JSON Schema shows the canonical types, not the tolerance', () => {
  expect(toJsonSchema(goSource, 'go')).toMatchObject({
    required: ['bucket'],
    properties: {
      regexp: { type: 'string' },
      port: { type: 'integer', minimum: 1 },
      skip: { type: 'boolean' },
      tags: { type: 'array', items: { type: 'string' } },
      part_size: { type: 'integer', default: 5 },
    },
  });
  expect(toJsonSchema(jqSource, 'jq')).toMatchObject({
    required: ['uri'],
    properties: {
      depth: { type: 'integer' },
      paths: { type: 'string' },
      exclude_all_match: { type: 'boolean' },
      verbose: { type: 'boolean', default: false },
    },
  });
});

test('the output types are the canonical ones', () => {
  const value = parseConfig(jqSource, { uri: 'u' }, 'source');
  const retries: number = value.retries;
  const depth: number | undefined = value.depth;
  expect([retries, depth]).toEqual([3, undefined]);
});
