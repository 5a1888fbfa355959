// The single-page UI: Concourse's URLs, rendered from hangar's API, refreshed while open.
import { ApiError, get } from './api.js';
import { h } from './dom.js';
import { buildPage } from './pages/build.js';
import { dashboardPage } from './pages/dashboard.js';
import { jobPage } from './pages/job.js';
import { pipelinePage } from './pages/pipeline.js';
import { resourcePage } from './pages/resource.js';

export interface Page {
  main: HTMLElement;
  /** Aborted when the user navigates away: pages stop polling and streaming. */
  signal: AbortSignal;
  crumbs: (...parts: [string, string | undefined][]) => void;
  notice: (err: unknown) => void;
  canAct: boolean;
  params: URLSearchParams;
}

type Render = (page: Page, ...args: string[]) => Promise<void> | void;

const routes: [RegExp, Render][] = [
  [/^\/$/, dashboardPage],
  [/^\/teams\/main\/pipelines\/([^/]+)$/, pipelinePage],
  [/^\/teams\/main\/pipelines\/([^/]+)\/jobs\/([^/]+)$/, jobPage],
  [/^\/teams\/main\/pipelines\/([^/]+)\/jobs\/([^/]+)\/builds\/([^/]+)$/, buildPage],
  [/^\/builds\/(\d+)$/, (page, id) => buildPage(page, undefined, undefined, id)],
  [/^\/teams\/main\/pipelines\/([^/]+)\/resources\/([^/]+)$/, resourcePage],
];

let current: AbortController | undefined;
let canAct = false;

function notice(main: HTMLElement, err: unknown): void {
  const text =
    err instanceof ApiError && err.status === 401
      ? 'read only: open the sign-in URL hangar printed to trigger, abort, check or pin'
      : err instanceof Error
        ? err.message
        : String(err);
  main.querySelector('.notice')?.remove();
  main.prepend(h('p', { class: 'notice', role: 'alert' }, text));
}

export async function every(ms: number, signal: AbortSignal, fn: () => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    await fn().catch(() => undefined);
    await new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => (clearTimeout(t), resolve(undefined)), { once: true });
    });
  }
}

async function route(): Promise<void> {
  current?.abort();
  const controller = (current = new AbortController());
  const main = document.getElementById('app')!;
  const crumbs = document.getElementById('crumbs')!;
  main.replaceChildren();
  const page: Page = {
    main,
    signal: controller.signal,
    canAct,
    params: new URLSearchParams(location.search),
    notice: (err) => notice(main, err),
    crumbs: (...parts) =>
      crumbs.replaceChildren(
        ...parts.flatMap(([text, href], i) => [
          ...(i > 0 ? [h('span', { class: 'sep', 'aria-hidden': 'true' }, '/')] : []),
          href ? h('a', { href }, text) : h('span', { 'aria-current': 'page' }, text),
        ]),
      ),
  };
  const path = location.pathname;
  try {
    for (const [pattern, render] of routes) {
      const m = pattern.exec(path);
      if (m) return await render(page, ...m.slice(1).map(decodeURIComponent));
    }
    page.crumbs(['not found', undefined]);
    main.append(h('p', { class: 'empty' }, `no page at ${path}`));
  } catch (err) {
    if (!controller.signal.aborted) page.notice(err);
  }
}

export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  void route();
}

document.addEventListener('click', (e) => {
  const a = (e.target as Element).closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  const href = a.getAttribute('href') ?? a.getAttribute('xlink:href');
  if (!href?.startsWith('/') || href.startsWith('/api/')) return;
  e.preventDefault();
  navigate(href);
});
addEventListener('popstate', () => void route());

void get<{ actions: boolean }>('/api/v1/user')
  .then((u) => {
    canAct = u.actions;
    document.getElementById('access')!.textContent = canAct ? '' : 'read only';
  })
  .catch(() => undefined)
  .finally(() => void route());
