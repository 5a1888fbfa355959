import { expect, test } from 'vitest';
import { buildEnvironment, DEFAULT_BUILD_METADATA } from './build-env.js';
import { encodeRequest } from './types.js';

test('in and out get the build metadata, with the long and short build URLs', () => {
  const env = buildEnvironment('in', 'none');
  expect(env).toMatchObject({
    BUILD_ID: DEFAULT_BUILD_METADATA.buildId,
    BUILD_NAME: '17',
    BUILD_JOB_NAME: 'conformance-job',
    BUILD_PIPELINE_NAME: 'conformance-pipeline',
    BUILD_TEAM_NAME: 'main',
    ATC_EXTERNAL_URL: DEFAULT_BUILD_METADATA.externalUrl,
    BUILD_URL: `${DEFAULT_BUILD_METADATA.externalUrl}/teams/main/pipelines/conformance-pipeline/jobs/conformance-job/builds/17`,
    BUILD_URL_SHORT: `${DEFAULT_BUILD_METADATA.externalUrl}/builds/4242`,
  });
  expect(buildEnvironment('out', 'none')).toEqual(env);
});

test('check gets nothing by default, and what ATC passes in concourse mode', () => {
  expect(buildEnvironment('check', 'none')).toEqual({});
  const leaky = buildEnvironment('check', 'concourse');
  expect(leaky['BUILD_NAME']).toBe('check');
  expect(leaky['BUILD_JOB_NAME']).toBeUndefined();
  expect(leaky['BUILD_URL']).toBe(leaky['BUILD_URL_SHORT']);
});

test('requests are encoded like ATC: source first, empty params and version omitted', () => {
  expect(encodeRequest({ source: null })).toBe('{"source":null}');
  expect(encodeRequest({ version: { v: '1' }, params: {}, source: { a: 1 } })).toBe(
    '{"source":{"a":1},"version":{"v":"1"}}',
  );
  expect(encodeRequest({ source: {}, params: { p: 1 }, version: { v: '1' } })).toBe(
    '{"source":{},"params":{"p":1},"version":{"v":"1"}}',
  );
});
