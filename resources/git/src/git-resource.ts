// The git resource definition: schemas plus check/in/out.
import { RemoteError, defineResource } from '@hangar/resource-sdk';
import { GitCommandError } from '@hangar/git';
import { check } from './check.js';
import { get } from './in.js';
import { put } from './out.js';
import { SECRET_KEYS, getParamsSchema, putParamsSchema, sourceSchema } from './source.js';

/**
 * The reference's scripts run under `set -e`, so a failing git command's status (128 for most)
 * is theirs: the handler exits with it too. (The other resources on @hangar/git keep exit 1,
 * as their Go references do.)
 */
function withGitStatus<C, R>(handler: (context: C) => Promise<R>): (context: C) => Promise<R> {
  return async (context) => {
    try {
      return await handler(context);
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      throw new RemoteError(error.message, { cause: error, exitCode: error.result.code });
    }
  };
}

export const gitResource = defineResource({
  name: 'git',
  source: sourceSchema,
  getParams: getParamsSchema,
  putParams: putParamsSchema,
  secretKeys: SECRET_KEYS,
  abortGraceMs: 2_000,
  check: withGitStatus(check),
  in: withGitStatus(get),
  out: withGitStatus(put),
});
