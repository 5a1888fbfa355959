// A cgroup of our own in every hierarchy this process belongs to, so everything a test starts
// (and everything those processes start, containers included: runc nests relative cgroup paths
// under its own cgroup) can be found, killed and removed again, and nothing else is touched.
import { mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitUntil } from './ports.js';

/** The directory of this process's cgroup in each mounted hierarchy (v1 controllers and v2). */
export async function ownCgroupDirs(): Promise<string[]> {
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').flatMap((line) => {
    const [before, after] = line.split(' - ');
    const fields = before?.split(' ') ?? [];
    const [fstype, , superOptions = ''] = after?.split(' ') ?? [];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') return [];
    return [
      {
        root: fields[3] ?? '/',
        point: fields[4] ?? '',
        v2: fstype === 'cgroup2',
        options: superOptions.split(','),
      },
    ];
  });
  const dirs: string[] = [];
  for (const line of (await readFile('/proc/self/cgroup', 'utf8')).trim().split('\n')) {
    const [, controllers = '', path = '/'] = line.split(':');
    const mount = controllers
      ? mounts.find((m) => !m.v2 && controllers.split(',').every((c) => m.options.includes(c)))
      : mounts.find((m) => m.v2);
    if (!mount) continue;
    const inner = mount.root === '/' ? path : path.slice(mount.root.length);
    dirs.push(join(mount.point, inner));
  }
  return [...new Set(dirs)];
}

export interface OwnedCgroup {
  /** `<own cgroup>/<name>` in every hierarchy; write a pid to `<dir>/cgroup.procs` to move it in. */
  readonly dirs: readonly string[];
  /** Pids in the cgroup or any cgroup below it, in any hierarchy. */
  pids(): Promise<number[]>;
  /** SIGKILLs every process below the cgroup, then removes its directories bottom-up. */
  remove(): Promise<void>;
}

/** Creates `name` under this process's cgroup in every hierarchy. */
export async function createCgroup(name: string): Promise<OwnedCgroup> {
  const dirs = (await ownCgroupDirs()).map((dir) => join(dir, name));
  for (const dir of dirs) {
    await mkdir(dir, { recursive: true });
    // A v1 cpuset cgroup takes no process until it has cpus and mems: inherit the parent's.
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const mine = await readFile(join(dir, file), 'utf8').catch(() => undefined);
      if (mine?.trim() === '')
        await writeFile(join(dir, file), await readFile(join(dir, '..', file), 'utf8'));
    }
  }
  return ownedCgroup(dirs);
}

/** An existing cgroup by its directories (e.g. a stale one found by name). */
export function ownedCgroup(dirs: readonly string[]): OwnedCgroup {
  const pids = async () => {
    const all = new Set<number>();
    for (const dir of dirs)
      for (const tree of await subtree(dir)) for (const pid of await procs(tree)) all.add(pid);
    return [...all];
  };
  const remove = async () => {
    await waitUntil(
      async () => {
        const left = await pids();
        for (const pid of left) kill(pid);
        return left.length === 0;
      },
      { name: 'cgroup processes', timeoutMs: 30_000, intervalMs: 100 },
    );
    for (const dir of dirs) {
      for (const tree of (await subtree(dir)).reverse()) {
        await waitUntil(() => rmdir(tree).then(() => true), { name: `rmdir ${tree}`, timeoutMs: 10_000 });
      }
    }
  };
  return { dirs, pids, remove };
}

/** `dir` and every cgroup below it, parents first; empty when `dir` does not exist. */
async function subtree(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const below = await Promise.all(
    entries.filter((e) => e.isDirectory()).map((e) => subtree(join(dir, e.name))),
  );
  return [dir, ...below.flat()];
}

async function procs(dir: string): Promise<number[]> {
  const text = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
