// Runs a host tool (apt-cache, apt-get, dpkg-deb, npm, strip) and returns its stdout.
import { execFile } from 'node:child_process';
import { ConfigError, ProtocolError } from '@hangar/resource-sdk';

export interface ExecOptions {
  cwd?: string;
  /** Exit codes that count as success (default: only 0). */
  okCodes?: number[];
}

export function run(command: string, args: string[], options: ExecOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error?.code === 'ENOENT') {
          reject(new ConfigError(`${command} is not installed: run scripts/bootstrap`, { cause: error }));
          return;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (error && !(options.okCodes ?? [0]).includes(code)) {
          const detail = stderr.trim().split('\n').slice(-3).join(' | ');
          reject(
            new ProtocolError(`${command} ${args.join(' ')} failed (code ${code}): ${detail}`, {
              cause: error,
            }),
          );
        } else resolve(stdout);
      },
    );
  });
}
