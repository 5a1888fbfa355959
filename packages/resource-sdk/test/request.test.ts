import { describe, expect, test } from 'vitest';
import { ConfigError, decodeRequest } from '../src/index.js';

const decode = (text: string, script: 'check' | 'in' | 'out' = 'check') =>
  decodeRequest(Buffer.from(text), script);

describe('decodeRequest accepts what Concourse sends', () => {
  test('first check: no version key at all', () => {
    expect(decode('{"source":{"uri":"x"}}')).toEqual({
      source: { uri: 'x' },
      params: {},
      version: undefined,
    });
  });

  test('source null is an empty source, version null is no version', () => {
    expect(decode('{"source":null,"version":null}')).toEqual({ source: {}, params: {}, version: undefined });
  });

  test('omitted params on in and out become an empty object', () => {
    expect(decode('{"source":{},"version":{"ref":"abc"}}', 'in').params).toEqual({});
    expect(decode('{"source":{}}', 'out').params).toEqual({});
  });

  test('params null is also empty', () => {
    expect(decode('{"source":{},"params":null}', 'out').params).toEqual({});
  });

  test('in without a version, or with version null, asks for the empty version', () => {
    expect(decode('{"source":{}}', 'in').version).toEqual({});
    expect(decode('{"source":{},"version":null}', 'in').version).toEqual({});
  });
});

describe('decodeRequest reads the first JSON value, as Go’s json.Decoder does', () => {
  const decodeNoting = (text: string) => {
    const notes: string[] = [];
    const request = decodeRequest(Buffer.from(text), 'check', (note) => notes.push(note));
    return { request, notes };
  };

  test.each([
    ['a second document', '{"source":{"a":"}{"}}\n{"source":{"b":"2"}}\n', { a: '}{' }, 22],
    ['trailing garbage', '{"source":{"a":"}{"}} not json [', { a: '}{' }, 11],
    ['a closing bracket inside an escaped string', '{"source":{"a":"\\"}]"}}x', { a: '"}]' }, 1],
  ])('%s after the request is ignored with a note', (_name, text, source, ignored) => {
    expect(decodeNoting(text)).toEqual({
      request: { source, params: {}, version: undefined },
      notes: [`ignoring ${ignored} bytes after the request's JSON value on stdin`],
    });
  });

  test('trailing whitespace is no note; multi-byte text is no bracket', () => {
    expect(decodeNoting('{"source":{"a":"é}"}}\n\t ')).toEqual({
      request: { source: { a: 'é}' }, params: {}, version: undefined },
      notes: [],
    });
  });

  test('bytes that are not UTF-8 after the request do not matter', () => {
    const bytes = Buffer.concat([Buffer.from('{"source":{}}'), Uint8Array.from([0xff, 0xfe])]);
    expect(decodeRequest(bytes, 'check').source).toEqual({});
  });

  test('a request that never closes is still invalid JSON', () => {
    expect(() => decode('{"source":{"a":"b"}')).toThrow(/^request on stdin is not valid JSON/);
  });
});

describe('decodeRequest rejects malformed requests with one line naming the cause', () => {
  const cases: [string, string, 'check' | 'in' | 'out', RegExp][] = [
    ['not JSON', '{"source":', 'check', /^request on stdin is not valid JSON \(/],
    ['empty stdin', '  \n', 'check', /^no request on stdin/],
    ['an array', '[]', 'check', /^request must be a JSON object with 'source', got an array$/],
    ['a string', '"x"', 'check', /got a string$/],
    ['missing source', '{"version":{"a":"b"}}', 'check', /^request has no 'source'$/],
    ['source of the wrong type', '{"source":"uri"}', 'check', /^'source' must be an object, got a string$/],
    [
      'params of the wrong type',
      '{"source":{},"params":[1]}',
      'out',
      /^'params' must be an object, got an array$/,
    ],
    [
      'a numeric version value',
      '{"source":{},"version":{"n":1}}',
      'check',
      /^'version.n' must be a string, got a number$/,
    ],
    [
      'a typo in a top-level key',
      '{"source":{},"verison":{}}',
      'check',
      /^unknown key 'verison' .*did you mean 'version'/,
    ],
    ['params on check', '{"source":{},"params":{}}', 'check', /^unknown key 'params' in the check request/],
  ];
  test.each(cases)('%s', (_name, text, script, message) => {
    let caught: unknown;
    try {
      decode(text, script);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });

  test('bytes that are not UTF-8', () => {
    expect(() => decodeRequest(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), 'check')).toThrow(
      /not valid UTF-8/,
    );
  });
});
