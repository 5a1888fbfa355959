import { describe, expect, test } from 'vitest';
import { interpolateBuildVariables, readBuildMetadata } from '../src/index.js';

const env = {
  BUILD_ID: '42',
  BUILD_NAME: '7',
  BUILD_JOB_NAME: 'deploy',
  BUILD_PIPELINE_NAME: 'cloud',
  BUILD_TEAM_NAME: 'main',
  ATC_EXTERNAL_URL: 'https://ci.example',
};

describe('readBuildMetadata', () => {
  test('reads only variables that are set and non-empty', () => {
    expect(readBuildMetadata({ BUILD_ID: '1', BUILD_NAME: '', BUILD_JOB_NAME: undefined })).toEqual({
      id: '1',
    });
  });

  test('derives BUILD_URL the way the ATC does when Concourse predates it', () => {
    expect(readBuildMetadata(env).url).toBe(
      'https://ci.example/teams/main/pipelines/cloud/jobs/deploy/builds/7',
    );
    expect(readBuildMetadata({ ATC_EXTERNAL_URL: 'https://ci.example', BUILD_ID: '9' }).url).toBe(
      'https://ci.example/builds/9',
    );
    expect(readBuildMetadata({ ...env, BUILD_URL: 'https://given' }).url).toBe('https://given');
  });

  test.each([
    ['succeeded', 'succeeded'],
    ['success', 'succeeded'],
    ['failed', 'failed'],
    ['failure', 'failed'],
    ['aborted', 'aborted'],
    ['errored', 'errored'],
  ])('BUILD_STATUS %s is read as %s (code and docs spellings)', (given, expected) => {
    expect(readBuildMetadata({ BUILD_STATUS: given }).status).toBe(expected);
  });
});

describe('interpolateBuildVariables', () => {
  test('both $NAME and ${NAME} forms', () => {
    expect(interpolateBuildVariables('build $BUILD_NAME of ${BUILD_JOB_NAME}: $BUILD_URL', env)).toBe(
      'build 7 of deploy: https://ci.example/teams/main/pipelines/cloud/jobs/deploy/builds/7',
    );
  });

  test('an unset build variable is empty, never "nil"', () => {
    expect(interpolateBuildVariables('[$BUILD_CREATED_BY]', env)).toBe('[]');
  });

  test('anything else is left exactly as written and never evaluated', () => {
    const text = '$HOME $(rm -rf /) `id` ${PATH} $BUILD_NAMEx';
    expect(interpolateBuildVariables(text, env)).toBe(text);
  });
});

describe('interpolateBuildVariables with options', () => {
  test('extra variables win over build metadata and are substituted once, never re-expanded', () => {
    const variables = { GREETING: 'hi $BUILD_NAME', BUILD_NAME: 'mine' };
    expect(interpolateBuildVariables('$GREETING ${BUILD_NAME} $BUILD_ID', env, { variables })).toBe(
      'hi $BUILD_NAME mine 42',
    );
  });

  test('unknown references can be blanked or rejected', () => {
    expect(interpolateBuildVariables('[$NOPE] [${NOPE}]', env, { unknown: () => '' })).toBe('[] []');
    expect(() =>
      interpolateBuildVariables('$NOPE', env, {
        unknown: (name) => {
          throw new Error(`unset variable ${name}`);
        },
      }),
    ).toThrow('unset variable NOPE');
  });

  test('without options the behaviour is unchanged', () => {
    expect(interpolateBuildVariables('$NOPE $BUILD_ID', env, {})).toBe('$NOPE 42');
  });
});
