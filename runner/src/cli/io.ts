// Where the CLI writes, so tests can run commands in-process.
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

/** A user-facing failure: printed as one line, exit status 1 (no stack unless HANGAR_DEBUG=1). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export type Command = (args: string[], io: CliIo) => Promise<number>;

/** A command whose module is imported when it first runs, so each command loads only what it needs. */
export function lazyCommand<K extends string>(load: () => Promise<Record<K, Command>>, name: K): Command {
  return async (args, io) => (await load())[name](args, io);
}
