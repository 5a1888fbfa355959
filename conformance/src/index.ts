// @hangar/conformance: a black-box tester of processes speaking the Concourse resource protocol.
export type {
  Subject,
  RunOptions,
  RunResult,
  Mount,
  Availability,
  ProcessSighting,
} from './subjects/subject.js';
export { DirSubject } from './subjects/dir.js';
export { CommandSubject } from './subjects/command.js';
export { OciSubject, type OciSubjectOptions, type LayoutSource } from './subjects/oci.js';
export { imageSubject, registryCredentials } from './subjects/image.js';
export { runHostProcess, hostBaseEnv } from './subjects/host-process.js';
export { containerPath, toContainerInvocation } from './subjects/mounts.js';
export { Harness, CONCOURSE_PATHS, type HarnessOptions, type CallOptions } from './harness/harness.js';
export type { Call, CallPurpose } from './harness/call.js';
export {
  buildEnvironment,
  DEFAULT_BUILD_METADATA,
  type BuildMetadata,
  type CheckEnvMode,
} from './protocol/build-env.js';
export type { Script, Version, ResourceRequest } from './protocol/types.js';
export type { SuiteConfig } from './checks/suite-config.js';
export type { CheckResult, CheckStatus } from './checks/check-result.js';
export { GENERIC_CHECKS, levelOf, type CheckLevel } from './checks/catalog.js';
export { runGenericSuite } from './checks/suite.js';
export { BAD_INPUT_CORPUS, type BadInputEntry } from './checks/bad-input.js';
export {
  CASE_FORMAT,
  caseSchema,
  loadCase,
  loadCases,
  parseCase,
  CaseFormatError,
  type CaseFile,
  type LoadedCase,
} from './cases/format.js';
export {
  registerSetup,
  getSetup,
  importSetupModule,
  type CaseSetup,
  type SetupContext,
  type SetupResult,
} from './cases/setups.js';
export { runCase } from './cases/run-case.js';
export { runConformance, type ConformanceRun } from './run.js';
export {
  failingChecks,
  recommendations,
  totals,
  type RunReport,
  type SuiteReport,
} from './report/run-report.js';
export { formatHuman } from './report/human.js';
export { formatJson } from './report/json.js';
export { formatJunit } from './report/junit.js';
export { main, USAGE, type CliIo } from './cli.js';
export { runPackageCases, type PackageCasesOptions } from './package-cases.js';
