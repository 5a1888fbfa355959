// What a Concourse stack may leave on this machine, found by its id: the proof that stop() cleans
// up. Only what names the stack counts (its cgroups, mounts, namespace, processes, state directory)
// plus host iptables rules for the worker's container network, which must only ever exist inside
// the stack's namespace.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownCgroupDirs } from './cgroups.js';

export interface StackLeftovers {
  cgroups: string[];
  mounts: string[];
  namespaces: string[];
  processes: string[];
  rules: string[];
  state: string[];
}

export const NOTHING_LEFT: StackLeftovers = {
  cgroups: [],
  mounts: [],
  namespaces: [],
  processes: [],
  rules: [],
  state: [],
};

/** Everything on this machine that names the stack: its cgroups, mounts, namespace, processes. */
export async function leftoversOf(id: string): Promise<StackLeftovers> {
  const cgroups = (await ownCgroupDirs()).filter((dir) => existsSync(join(dir, id)));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(id));
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.startsWith(id));
  const processes = readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        // A zombie is dead already; only PID 1 can reap it (it reparents there), and it does so lazily.
        const zombie = / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/\(.*\)/, ''));
        return !zombie && readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(`/${id}`);
      } catch {
        return false; // gone meanwhile
      }
    });
  const rules = execFileSync('iptables-save', { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('10.80.') || line.includes('concourse0'));
  const state = readdirSync(tmpdir()).filter((name) => name.startsWith(`${id}-`));
  return { cgroups, mounts, namespaces, processes, rules, state };
}
