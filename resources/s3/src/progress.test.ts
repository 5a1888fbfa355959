import type { Logger } from '@hangar/resource-sdk';
import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

const MIB = 1024 * 1024;

function recorder() {
  const lines: string[] = [];
  const log: Logger = { info: (line) => lines.push(line), warn: (line) => lines.push(line), debug: () => {} };
  return { lines, log };
}

describe('transfer progress', () => {
  it('logs each 10 % step once when stderr is not a terminal, with bytes, rate and ETA', () => {
    const { lines, log } = recorder();
    let clock = 0;
    const progress = createProgress(log, 'downloading', 'big.bin', 100 * MIB, {
      tty: false,
      now: () => clock,
    });
    for (let mib = 1; mib <= 100; mib++) {
      clock += 100;
      progress.update(mib * MIB);
    }
    progress.done();
    expect(lines).toHaveLength(10); // 10 %, 20 % … 90 %, then the final line
    expect(lines[0]).toBe('downloading big.bin: 10% 10.0 MiB of 100.0 MiB, 10.0 MiB/s, ETA 9s');
    expect(lines.at(-1)).toMatch(/^downloading big.bin: 100% 100.0 MiB of 100.0 MiB/);
  });

  it('logs at most once a second on a terminal', () => {
    const { lines, log } = recorder();
    let clock = 0;
    const progress = createProgress(log, 'uploading', 'big.bin', 100 * MIB, { tty: true, now: () => clock });
    for (let mib = 1; mib <= 100; mib++) {
      clock += 50; // 20 updates a second
      progress.update(mib * MIB);
    }
    expect(lines).toHaveLength(5);
  });

  it('stays quiet for small transfers', () => {
    const { lines, log } = recorder();
    const progress = createProgress(log, 'downloading', 'small', 1024, { tty: false });
    progress.update(1024);
    progress.done();
    expect(lines).toEqual([]);
  });
});
