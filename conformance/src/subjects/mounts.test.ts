import { expect, test } from 'vitest';
import { containerPath, toContainerInvocation } from './mounts.js';
import type { RunOptions } from './subject.js';

const mounts = [
  { host: '/h/calls/3-in/tmp', target: '/tmp' },
  { host: '/h/calls/3-in/home', target: '/root' },
  { host: '/h/calls/3-in/build/get', target: '/tmp/build/get' },
];

test('host paths map to container paths through the most specific mount', () => {
  expect(containerPath(mounts, '/h/calls/3-in/build/get')).toBe('/tmp/build/get');
  expect(containerPath(mounts, '/h/calls/3-in/build/get/a/b')).toBe('/tmp/build/get/a/b');
  expect(containerPath(mounts, '/h/calls/3-in/tmp/x')).toBe('/tmp/x');
  expect(containerPath(mounts, '/h/calls/3-in/build')).toBeUndefined();
  expect(containerPath(mounts, '/h/calls/3-in/tmpfoo')).toBeUndefined();
});

test('a container subject sees Concourse paths in argv and cwd', () => {
  const options = {
    args: ['/h/calls/3-in/build/get'],
    cwd: '/h/calls/3-in/build/get',
    mounts,
  } as RunOptions;
  expect(toContainerInvocation(options)).toEqual({ args: ['/tmp/build/get'], cwd: '/tmp/build/get' });
});
