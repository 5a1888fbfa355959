// The build-metadata environment Concourse gives resource containers (concourse-semantics §1.3).
import type { Script } from './types.js';

/** `none`: check gets no build variables (the documented contract). `concourse`: mimic ATC's code, which leaks some. */
export type CheckEnvMode = 'none' | 'concourse';

export interface BuildMetadata {
  buildId: string;
  buildName: string;
  jobName: string;
  jobId: string;
  pipelineName: string;
  pipelineId: string;
  teamName: string;
  teamId: string;
  externalUrl: string;
}

export const DEFAULT_BUILD_METADATA: BuildMetadata = {
  buildId: '4242',
  buildName: '17',
  jobName: 'conformance-job',
  jobId: '7',
  pipelineName: 'conformance-pipeline',
  pipelineId: '3',
  teamName: 'main',
  teamId: '1',
  externalUrl: 'http://hangar-conformance.invalid:8080',
};

export function buildEnvironment(
  script: Script,
  mode: CheckEnvMode,
  meta: BuildMetadata = DEFAULT_BUILD_METADATA,
): Record<string, string> {
  const short = `${meta.externalUrl}/builds/${meta.buildId}`;
  if (script === 'check') {
    if (mode === 'none') return {};
    // ATC passes the check build's metadata: no job, BUILD_NAME "check", BUILD_URL in its short form.
    return {
      BUILD_ID: meta.buildId,
      BUILD_NAME: 'check',
      BUILD_PIPELINE_NAME: meta.pipelineName,
      BUILD_PIPELINE_ID: meta.pipelineId,
      BUILD_TEAM_NAME: meta.teamName,
      BUILD_TEAM_ID: meta.teamId,
      ATC_EXTERNAL_URL: meta.externalUrl,
      BUILD_URL: short,
      BUILD_URL_SHORT: short,
    };
  }
  const pipelinePath = `/teams/${meta.teamName}/pipelines/${meta.pipelineName}`;
  return {
    BUILD_ID: meta.buildId,
    BUILD_NAME: meta.buildName,
    BUILD_JOB_NAME: meta.jobName,
    BUILD_JOB_ID: meta.jobId,
    BUILD_PIPELINE_NAME: meta.pipelineName,
    BUILD_PIPELINE_ID: meta.pipelineId,
    BUILD_TEAM_NAME: meta.teamName,
    BUILD_TEAM_ID: meta.teamId,
    ATC_EXTERNAL_URL: meta.externalUrl,
    BUILD_URL: `${meta.externalUrl}${pipelinePath}/jobs/${meta.jobName}/builds/${meta.buildName}`,
    BUILD_URL_SHORT: short,
  };
}
