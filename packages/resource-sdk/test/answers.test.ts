import { describe, expect, test } from 'vitest';
import * as z from 'zod/mini';
import { Redactor, UnexpectedAnswer, parseAnswer } from '../src/index.js';

const schema = z.object({ id: z.number() });
const redactor = Redactor.fromConfig({ source: { token: 's3cr3t-token' } });
const answered = 'POST /things answered 200';

describe('parseAnswer checks an answer before anyone reads it', () => {
  test('a body of the documented shape is returned, decoded', () => {
    expect(parseAnswer(schema, { answered, text: '{"id":7,"extra":1}' }, redactor)).toEqual({ id: 7 });
    expect(parseAnswer(schema, { answered, text: '', json: { id: 8 } }, redactor)).toEqual({ id: 8 });
  });

  test.each([
    ['HTML', '<html><body>Sign in</body></html>', /\(the body is not JSON\): <html><body>Sign in/],
    ['truncated JSON', '{"id":', /\(the body is not JSON\)/],
    ['an empty object', '{}', /\(missing required field 'body.id'\): \{\}$/],
    ['a wrong type', '{"id":"7"}', /\(invalid 'body.id': expected number, got string\)/],
    ['nothing', '', /\(the body is not JSON\): \(empty\)$/],
  ])('%s is one UnexpectedAnswer line naming the request', (_name, text, problem) => {
    const failure = (() => {
      try {
        parseAnswer(schema, { answered, text }, redactor);
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(UnexpectedAnswer);
    const message = (failure as Error).message;
    expect(message).toMatch(new RegExp(`^${answered} with an unexpected body `));
    expect(message).toMatch(problem);
    expect(message).not.toContain('\n');
  });

  test('a body a client could not decode is not JSON', () => {
    expect(() => parseAnswer(schema, { answered, text: 'oops', json: undefined }, redactor)).toThrow(
      /\(the body is not JSON\): oops$/,
    );
  });

  test('the quote is the first 200 characters, secrets removed before the cut', () => {
    const text = `${'x'.repeat(190)}s3cr3t-token and more ${'y'.repeat(300)}`;
    const message = (() => {
      try {
        parseAnswer(schema, { answered, text }, redactor);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).not.toContain('s3cr3t');
    expect(message).not.toContain('s3cr');
    expect(message?.split(': ').at(-1)).toHaveLength(200);
  });

  test('a client can raise its own error class', () => {
    expect(() =>
      parseAnswer(
        schema,
        { answered, text: '{}' },
        redactor,
        (message) => new TypeError(`registry x: ${message}`),
      ),
    ).toThrow(TypeError);
  });
});
