// fly execute's upload rule for `-i name=path`: in a git work tree only tracked (not deleted) and
// untracked-but-not-ignored files are sent, `.git/` never; `--include-ignored` or a non-git
// directory sends everything.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { copyArtifact } from '../steps/artifact-files.js';

const run = promisify(execFile);

async function gitFiles(dir: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run(
      'git',
      ['-C', dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return stdout.split('\0').filter((f) => f !== '' && existsSync(join(dir, f)));
  } catch {
    return undefined;
  }
}

/** Copies `from` into `to` with fly's upload semantics. */
export async function uploadInput(from: string, to: string, includeIgnored: boolean): Promise<void> {
  const files = includeIgnored ? undefined : await gitFiles(from);
  if (files === undefined) {
    await copyArtifact(from, to);
    return;
  }
  await mkdir(to, { recursive: true });
  for (const f of files) {
    await mkdir(dirname(join(to, f)), { recursive: true });
    await copyArtifact(join(from, f), join(to, f));
  }
}
