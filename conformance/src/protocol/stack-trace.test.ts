import { expect, test } from 'vitest';
import { findStackTrace } from './stack-trace.js';

test.each([
  ['node', 'TypeError: x\n    at put (file:///r.mjs:10:5)\n    at main (file:///r.mjs:20:3)'],
  ['python', 'Traceback (most recent call last):\n  File "check", line 3'],
  ['go', 'panic: runtime error: invalid memory address\n\ngoroutine 1 [running]:'],
  ['ruby', "/opt/resource/in.rb:12:in `fetch': boom"],
])('recognises a %s stack trace', (runtime, stderr) => {
  expect(findStackTrace(stderr)).toMatch(new RegExp(`^${runtime} stack trace`));
});

test('a one-line error is not a stack trace', () => {
  expect(findStackTrace('error: unknown key "source.uri" (did you mean "url"?)\n')).toBeUndefined();
  expect(findStackTrace('fetching at 10:30:00 from host:22\n')).toBeUndefined();
});
