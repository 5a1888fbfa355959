// Build logs like Concourse's: a coloured header per step with its version or exit status and
// duration, task output and resource stderr streamed, errors in red, optional timestamps.
import type { BuildEvent } from '../engine/events.js';
import type { BuildRow, BuildStatus } from '../store/store.js';

export interface RenderOptions {
  color: boolean;
  timestamps: boolean;
  /** Prefix every line with the build's name (several builds interleave in `hangar run`). */
  prefixes: boolean;
}

const codes = {
  bold: '1',
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  gray: '90',
} as const;
type Colour = keyof typeof codes;

/** Event fields are JSON; anything that is not a string or number is shown as JSON. */
const str = (v: unknown, fallback = ''): string =>
  v === undefined || v === null
    ? fallback
    : typeof v === 'string'
      ? v
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : JSON.stringify(v);

const kindOf = (event: string): string => event.replace(/^(initialize|start|finish)-?/, '') || 'step';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

const versionText = (v: unknown): string =>
  v && typeof v === 'object'
    ? Object.entries(v)
        .map(([k, x]) => `${k}:${String(x)}`)
        .join(', ')
    : '';

export class LogRenderer {
  readonly #steps = new Map<string, { label: string; started: number }>();
  readonly #labels = new Map<number, string>();

  constructor(
    readonly write: (text: string) => void,
    readonly options: RenderOptions,
  ) {}

  paint(colour: Colour, text: string): string {
    return this.options.color ? `\x1b[${codes[colour]}m${text}\x1b[0m` : text;
  }

  label(build: BuildRow): string {
    return build.job ? `${build.job} #${build.name}` : `one-off #${build.name}`;
  }

  buildStarted(build: BuildRow): void {
    this.#labels.set(build.id, this.label(build));
  }

  #line(buildId: number, text: string, time?: unknown): void {
    const parts: string[] = [];
    if (this.options.timestamps) {
      const t = typeof time === 'number' ? new Date(time * 1000) : new Date();
      parts.push(this.paint('gray', t.toISOString().slice(11, 19)));
    }
    if (this.options.prefixes)
      parts.push(this.paint('magenta', `${this.#labels.get(buildId) ?? `build ${buildId}`} |`));
    parts.push(text);
    this.write(`${parts.join(' ')}\n`);
  }

  event(buildId: number, e: BuildEvent): void {
    const data = e.data;
    const origin = (data.origin as { id?: string } | undefined)?.id ?? '';
    const key = `${buildId}:${origin}`;
    if (e.event.startsWith('initialize')) {
      const kind = e.event === 'initialize' ? str(data.step, 'step') : kindOf(e.event);
      const label = `${kind}: ${str(data.name)}`;
      this.#steps.set(key, { label, started: Date.now() });
      this.#line(buildId, this.paint('bold', this.paint('blue', label)), data.time);
      return;
    }
    if (e.event === 'log') {
      const payload = str(data.payload).replace(/\n$/, '');
      for (const line of payload.split('\n')) this.#line(buildId, line, data.time);
      return;
    }
    if (e.event.startsWith('finish')) {
      const step = this.#steps.get(key);
      const took = step ? formatDuration(Date.now() - step.started) : '';
      const status = data.exit_status;
      const ok = status === 0 || data.succeeded === true;
      const what =
        status === undefined
          ? ''
          : status === 0 && data.version
            ? versionText(data.version)
            : status === 0
              ? ''
              : `exit status ${str(status)}`;
      const mark = ok ? this.paint('green', '✓') : this.paint('red', '✗');
      this.#line(
        buildId,
        `${mark} ${step?.label ?? e.event} ${what ? `(${what}) ` : ''}${this.paint('gray', took)}`,
        data.time,
      );
      return;
    }
    if (e.event === 'error') {
      this.#line(buildId, this.paint('red', str(data.message, 'error')), data.time);
      return;
    }
    if (e.event === 'status') {
      const s = str(data.status) as BuildStatus | 'started';
      if (s === 'started') return;
      const colour: Colour =
        s === 'succeeded' ? 'green' : s === 'failed' ? 'red' : s === 'errored' ? 'yellow' : 'gray';
      this.#line(buildId, this.paint('bold', this.paint(colour, s)), data.time);
    }
  }
}

/** The table printed when `hangar run` ends. */
export function summaryTable(builds: BuildRow[]): string {
  const rows = builds.map((b) => [
    b.job ? `${b.pipeline ?? ''}/${b.job} #${b.name}` : `one-off #${b.name}`,
    b.status,
    b.startTime && b.endTime ? formatDuration(b.endTime - b.startTime) : '',
  ]);
  const header = ['build', 'status', 'duration'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n') + '\n';
}

/** fly's exit code for a watched build: a failing task's exit status, else by status. */
export function exitCodeFor(status: BuildStatus | undefined, lastTaskExit?: number): number {
  if (status === 'succeeded' || status === undefined) return 0;
  if (lastTaskExit !== undefined && lastTaskExit !== 0) return lastTaskExit;
  return status === 'failed' ? 1 : status === 'errored' ? 2 : status === 'aborted' ? 3 : 1;
}
