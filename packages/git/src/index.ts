export {
  Git,
  GitCommandError,
  lastMeaningfulLine,
  type GitOptions,
  type GitResult,
  type GitRunOptions,
} from './git-process.js';
export { configEnv, baseGitEnv, BASE_CONFIG, ENFORCED_CONFIG, type ConfigEntry } from './config-env.js';
export { assertSafeRemote, assertSafeRefName } from './safety.js';
export {
  openGitSession,
  type GitSession,
  type GitSessionOptions,
  type HostCredential,
  type HttpsTunnel,
} from './session.js';
export { normalizePrivateKey, prepareSshKey, startSshAgent, type SshAgent } from './ssh-key.js';
export { lsRemote, type RemoteRefs } from './ls-remote.js';
export { syncBareCache, bareCacheDir, type BareCache, type BareCacheOptions } from './bare-cache.js';
export { isTransientGitFailure, retryTransient } from './transient.js';
