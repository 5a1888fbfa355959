// Transfer progress on stderr: on a terminal at most one line a second, otherwise one line per
// 10 % step; nothing for transfers under a few MB.
import type { Logger } from '@hangar/resource-sdk';

export const PROGRESS_THRESHOLD_BYTES = 4 * 1024 * 1024;

const MIB = 1024 * 1024;

const formatBytes = (bytes: number): string =>
  bytes >= 1024 * MIB ? `${(bytes / 1024 / MIB).toFixed(2)} GiB` : `${(bytes / MIB).toFixed(1)} MiB`;

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.max(0, Math.round(seconds));
  return whole >= 60 ? `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}

export interface Progress {
  /** Total bytes transferred so far (monotonic). */
  update(transferred: number): void;
  done(): void;
}

export function createProgress(
  log: Logger,
  verb: string,
  name: string,
  total: number,
  { tty = process.stderr.isTTY, now = () => Date.now() }: { tty?: boolean; now?: () => number } = {},
): Progress {
  if (total < PROGRESS_THRESHOLD_BYTES) return { update() {}, done() {} };
  const started = now();
  let lastStep = 0;
  let lastPrinted = started;
  let current = 0;
  const line = () => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = current / seconds;
    const eta = rate > 0 ? (total - current) / rate : Infinity;
    const percent = Math.floor((current / total) * 100);
    log.info(
      `${verb} ${name}: ${percent}% ${formatBytes(current)} of ${formatBytes(total)}, ${formatBytes(rate)}/s, ETA ${formatDuration(eta)}`,
    );
  };
  return {
    update(transferred) {
      current = Math.min(transferred, total);
      const step = Math.floor((current / total) * 10);
      if (tty) {
        if (now() - lastPrinted >= 1000) {
          lastPrinted = now();
          line();
        }
      } else if (step > lastStep && step < 10) {
        lastStep = step;
        line();
      }
    },
    done() {
      current = total;
      line();
    },
  };
}
