// Conformance case setups backed by testkit services, shared by the git-family resource packages.
// Typed structurally: testkit does not depend on @hangar/conformance (whose tests it would serve).
import { startGitDaemon } from './git-servers.js';

interface SetupResult {
  values: Record<string, unknown>;
  probe?: () => Promise<unknown>;
  teardown?: () => Promise<void>;
}
type Setup = (options: Record<string, unknown>, context: { dir: string }) => Promise<SetupResult>;

/**
 * `git-remote`: `command` (the harness's built-in setup, whose `run` script builds repositories in
 * the case directory), then a git daemon exporting that directory with pushes enabled, so the
 * remotes are reachable from a container too: `${setup.git_url}/remote.git`.
 */
export function gitRemoteSetup(command: Setup): Setup {
  return async (options, context) => {
    const built = await command(options, context);
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
}
