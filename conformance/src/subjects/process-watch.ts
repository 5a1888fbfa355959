// Watches a live process tree through /proc so secrets passed on argv or in the environment of any
// child process are seen. Polling misses processes that live shorter than the interval; it is a net, not proof.
import { readdir, readFile } from 'node:fs/promises';
import type { ProcessSighting } from './subject.js';

export interface ProcessWatch {
  stop(): Promise<ProcessSighting[]>;
}

export function watchProcessTree(rootPid: number, intervalMs = 20): ProcessWatch {
  const seen = new Map<string, ProcessSighting>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    for (const pid of await descendants(rootPid)) {
      const [cmdline, environ] = await Promise.all([readProc(pid, 'cmdline'), readProc(pid, 'environ')]);
      if (cmdline === undefined && environ === undefined) continue;
      const sighting = { pid, cmdline: cmdline ?? '', environ: environ ?? '' };
      seen.set(`${pid}\0${sighting.cmdline}\0${sighting.environ}`, sighting);
    }
  };
  const timer = setInterval(() => {
    if (!stopped) running = running.then(poll, poll);
  }, intervalMs);
  running = poll();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => undefined);
      return [...seen.values()];
    },
  };
}

async function descendants(rootPid: number): Promise<number[]> {
  const result: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0 && result.length < 500) {
    const pid = queue.shift()!;
    result.push(pid);
    queue.push(...(await children(pid)));
  }
  return result;
}

/** Children of every thread: Go and other threaded runtimes fork from any thread, not only the main one. */
async function children(pid: number): Promise<number[]> {
  const threads = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(threads.map((tid) => readProc(pid, `task/${tid}/children`)));
  return lists.flatMap((list) =>
    (list ?? '')
      .split(' ')
      .filter((s) => s !== '')
      .map(Number),
  );
}

async function readProc(pid: number, file: string): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/${file}`, 'latin1')).replaceAll('\0', ' ').trim();
  } catch {
    return undefined;
  }
}
