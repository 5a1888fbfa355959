// What `hangar serve` (and `run --ui`) tell the web server about sign-in and the worker: local users
// from --add-local-user (repeatable), --local-users-file and HANGAR_ADD_LOCAL_USER, and this machine
// as Concourse's one worker with its runtime and the resource types it can run.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { bundledTypes, ResourceTypeRegistry } from '../runtime/registry.js';
import type { WorkerInfo } from '../web/api-auth.js';
import { LocalUserError, LocalUsers, localUsersFromEnv, localUsersFromFile } from '../web/local-users.js';
import type { Parsed } from './args.js';
import { CliError, type CliIo } from './io.js';
import type { Session } from './session.js';

export const signInOptions = {
  'add-local-user': { type: 'string', multiple: true },
  'local-users-file': { type: 'string' },
} as const;

export function localUsersFrom(parsed: Parsed, io: CliIo): LocalUsers {
  const users = new LocalUsers();
  try {
    const env = io.env.HANGAR_ADD_LOCAL_USER;
    if (env) users.add(localUsersFromEnv(env), 'HANGAR_ADD_LOCAL_USER');
    const file = parsed.values['local-users-file'];
    if (typeof file === 'string') {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(
          `could not read --local-users-file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        );
      }
      users.add(localUsersFromFile(text), `--local-users-file ${file}`);
    }
    const flags = parsed.values['add-local-user'];
    users.add(Array.isArray(flags) ? flags.map(String) : [], '--add-local-user');
  } catch (err) {
    if (err instanceof LocalUserError) throw new CliError(err.message);
    throw err;
  }
  return users;
}

export function workerFrom(parsed: Parsed, session: Session): WorkerInfo {
  const registry = new ResourceTypeRegistry();
  const flags = parsed.values['resource-type'];
  const registered = (Array.isArray(flags) ? flags : []).map((f) => String(f).split('=')[0]!);
  const built = bundledTypes.filter((type) => existsSync(registry.bundlePath(type)));
  return {
    name: hostname(),
    runtime: session.runtime.name,
    resourceTypes: [...new Set([...built, ...registered])].sort(),
    startedAt: Date.now(),
  };
}
