// A build's page: one section per step (from the event stream's initialize/start/finish events),
// logs appended as they arrive with ANSI colours, one DOM write per animation frame. Logs only
// grow at the bottom, so what is on screen never moves.
import { AnsiUp } from 'ansi_up';
import { act, get, pageOfJob, pageOfPipeline, pipelinePath, type Build } from '../api.js';
import { duration, h, statusClass } from '../dom.js';
import type { Page } from '../main.js';

interface Envelope {
  event: string;
  data: {
    origin?: { id?: string };
    name?: string;
    step?: string;
    payload?: string;
    message?: string;
    status?: string;
    exit_status?: number;
    succeeded?: boolean;
  };
}

interface Step {
  section: HTMLElement;
  log: HTMLElement;
  ansi: AnsiUp;
  pending: string;
}

const finished = new Set(['succeeded', 'failed', 'errored', 'aborted']);

export async function buildPage(
  page: Page,
  pipeline?: string,
  job?: string,
  nameOrId?: string,
): Promise<void> {
  const build =
    pipeline !== undefined && job !== undefined
      ? await get<Build>(
          `${pipelinePath(pipeline)}/jobs/${encodeURIComponent(job)}/builds/${encodeURIComponent(nameOrId ?? '')}`,
        )
      : await get<Build>(`/api/v1/builds/${nameOrId ?? ''}`);
  const label = build.job_name ? `${build.job_name} #${build.name}` : `one-off #${build.name}`;
  page.crumbs(
    ...(build.pipeline_name
      ? ([[build.pipeline_name, pageOfPipeline(build.pipeline_name)]] as [string, string][])
      : []),
    ...(build.pipeline_name && build.job_name
      ? ([[build.job_name, pageOfJob(build.pipeline_name, build.job_name)]] as [string, string][])
      : []),
    [`#${build.name}`, undefined],
  );
  const state = h('span', { class: 'state', 'data-testid': 'build-status' }, build.status);
  const took = h('span', { class: 'took' }, duration(build.start_time, build.end_time));
  const abort = h(
    'button',
    {
      class: 'action abort',
      type: 'button',
      onclick: () => {
        abort.disabled = true;
        act('PUT', `/api/v1/builds/${build.id}/abort`).catch((err: unknown) => {
          abort.disabled = false;
          page.notice(err);
        });
      },
    },
    'abort',
  );
  const header = h(
    'div',
    { class: `build-header ${statusClass(build.status)}` },
    h('h1', {}, label),
    state,
    took,
    abort,
  );
  const steps = h('div', { class: 'steps' });
  page.main.append(header, steps);

  const setStatus = (status: string): void => {
    state.textContent = status;
    header.className = `build-header ${statusClass(status)}`;
    abort.hidden = finished.has(status);
  };
  setStatus(build.status);

  const byOrigin = new Map<string, Step>();
  const dirty = new Set<Step>();
  let frame = 0;
  const flush = (): void => {
    frame = 0;
    for (const s of dirty) {
      s.log.insertAdjacentHTML('beforeend', s.pending);
      s.pending = '';
    }
    dirty.clear();
  };
  const stepFor = (origin: string, title?: string): Step => {
    let s = byOrigin.get(origin);
    if (!s) {
      const log = h('pre', { class: 'log' });
      const section = h(
        'section',
        { class: 'step', 'data-origin': origin },
        h('h2', {}, title ?? 'build'),
        log,
      );
      const ansi = new AnsiUp();
      ansi.use_classes = true;
      s = { section, log, ansi, pending: '' };
      byOrigin.set(origin, s);
      steps.append(section);
    } else if (title) {
      s.section.querySelector('h2')!.textContent = title;
    }
    return s;
  };
  const append = (s: Step, html: string): void => {
    s.pending += html;
    dirty.add(s);
    frame ||= requestAnimationFrame(flush);
  };

  const source = new EventSource(`/api/v1/builds/${build.id}/events`);
  page.signal.addEventListener('abort', () => source.close());
  source.addEventListener('end', () => {
    source.close();
    took.textContent = '';
    void get<Build>(`/api/v1/builds/${build.id}`).then((b) => {
      setStatus(b.status);
      took.textContent = duration(b.start_time, b.end_time);
    });
  });
  source.addEventListener('event', (m: MessageEvent<string>) => {
    const e = JSON.parse(m.data) as Envelope;
    const origin = e.data.origin?.id ?? '';
    if (e.event.startsWith('initialize')) {
      const kind = e.event === 'initialize' ? (e.data.step ?? 'step') : e.event.slice('initialize-'.length);
      stepFor(origin, `${kind}: ${e.data.name ?? ''}`).section.classList.add('pending');
    } else if (e.event.startsWith('start')) {
      stepFor(origin).section.classList.replace('pending', 'running');
    } else if (e.event.startsWith('finish')) {
      const ok = e.data.exit_status === 0 || e.data.succeeded === true;
      const section = stepFor(origin).section;
      section.classList.remove('pending', 'running');
      section.classList.add(ok ? 'succeeded' : 'failed');
    } else if (e.event === 'log') {
      const s = stepFor(origin);
      append(s, s.ansi.ansi_to_html(e.data.payload ?? ''));
    } else if (e.event === 'error') {
      const s = stepFor(origin);
      append(s, `<span class="error-line">${s.ansi.ansi_to_html(e.data.message ?? 'error')}</span>\n`);
      if (origin) s.section.classList.add('errored');
    } else if (e.event === 'status' && e.data.status) {
      setStatus(e.data.status);
    }
  });
}
