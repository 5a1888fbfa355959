// Conformance case setups backed by testkit services, shared by the git-family resource packages.
import { getSetup, type CaseSetup } from '@hangar/conformance';
import { startGitDaemon } from './git-servers.js';

/**
 * `git-remote`: the built-in `command` setup (its `run` script builds repositories in the case
 * directory), then a git daemon exporting that directory with pushes enabled, so the remotes are
 * reachable from a container too: `${setup.git_url}/remote.git`.
 */
export const gitRemoteSetup: CaseSetup = async (options, context) => {
  const built = await getSetup('command')(options, context);
  const daemon = await startGitDaemon(context.dir).catch(async (error: unknown) => {
    await built.teardown?.();
    throw error;
  });
  return {
    ...built,
    values: { ...built.values, git_url: daemon.url('').replace(/\/$/, '') },
    teardown: async () => {
      await daemon.stop();
      await built.teardown?.();
    },
  };
};
