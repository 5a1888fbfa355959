// The UI in a real browser (Debian chromium via playwright-core) against a real server and runner:
// the dashboard and the pipeline graph show jobs changing colour as builds run, a triggered
// build's log streams in, a build is aborted, a resource's versions are checked and pinned.
// Screenshots land in test-output/screenshots.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRes, webHarness, type WebHarness } from './harness.js';

const screenshots = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const colours = {
  succeeded: 'rgb(17, 197, 96)',
  failed: 'rgb(237, 75, 53)',
  aborted: 'rgb(139, 87, 42)',
};

const task = (name: string, script: string) => ({
  task: name,
  config: { platform: 'linux', run: { path: 'sh', args: ['-c', script] } },
});

const pipeline = {
  resources: [fileRes('src')],
  jobs: [
    {
      name: 'unit',
      plan: [
        { get: 'src', trigger: true },
        task('test', 'echo testing; read x < ((root))/unit-gate; echo passed'),
      ],
    },
    {
      name: 'lint',
      plan: [
        { get: 'src', trigger: true, passed: ['unit'] },
        task('lint', "printf '\\033[31mstyle errors\\033[0m\\n'; exit 1"),
      ],
    },
    {
      name: 'ship',
      plan: [
        { get: 'src', passed: ['unit'] },
        task(
          'deploy',
          "echo shipping; printf '\\033[36mstep 1 done\\033[0m\\n'; read x < ((root))/ship-gate; echo shipped",
        ),
      ],
    },
  ],
  groups: [
    { name: 'all', jobs: ['*'] },
    { name: 'release', jobs: ['ship'] },
  ],
};

let browser: Browser;
let h: WebHarness;
let page: Page;

beforeAll(async () => {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../ui/bundle.mjs', import.meta.url))]);
  mkdirSync(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  h = await webHarness(pipeline);
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const job = (name: string, cls = '') => page.locator(`a.node.job${cls}[data-name="${name}"]`);
// runs in the page; the test's own types have no DOM
declare const getComputedStyle: (e: unknown) => Record<string, string>;
const style = (selector: ReturnType<Page['locator']>, property: string): Promise<string | undefined> =>
  selector.evaluate((e, p) => getComputedStyle(e)[p], property);
const rectFill = (name: string) => style(job(name).locator('rect'), 'fill');

describe('the pipeline UI in chromium', () => {
  it('shows jobs turning from running to succeeded and failed, in their colours', async () => {
    h.push('src');
    const unitGate = h.gate('unit-gate');
    const run = h.runner.runUntilIdle();
    await page.goto(h.web.signInUrl);
    // the dashboard: every pipeline with its jobs as boxes, running ones outlined
    const box = (name: string, cls = '') =>
      page.locator(`.pipeline-card[data-name="p"] a.job-box${cls}[data-name="${name}"]`);
    await box('unit', '.running').waitFor();
    const boxes = await page.locator('.pipeline-card a.job-box').all();
    expect(await Promise.all(boxes.map((b) => b.getAttribute('data-name')))).toEqual([
      'unit',
      'lint',
      'ship',
    ]);
    await page.locator('.pipeline-card h2 a', { hasText: 'p' }).click();
    await page.waitForURL(/\/teams\/main\/pipelines\/p$/);
    await job('unit', '.running').waitFor();
    expect(await page.locator('nav.tabs a').allTextContents()).toEqual(['all', 'release']);
    expect(await page.locator('path.edge.trigger').count()).toBeGreaterThan(0);
    expect(await page.locator('path.edge.no-trigger[data-edge="job:unit>job:ship"]').count()).toBe(1);
    await unitGate.open();
    await job('unit', '.status-succeeded:not(.running)').waitFor();
    await job('lint', '.status-failed:not(.running)').waitFor();
    await run;
    expect(await rectFill('unit')).toBe(colours.succeeded);
    expect(await rectFill('lint')).toBe(colours.failed);
    await page.screenshot({ path: `${screenshots}pipeline.png` });
    await page.locator('a.brand').click();
    await box('lint', '.status-failed').waitFor();
    expect(await style(box('unit'), 'backgroundColor')).toBe(colours.succeeded);
    expect(await style(box('lint'), 'backgroundColor')).toBe(colours.failed);
    await page.screenshot({ path: `${screenshots}dashboard.png` });
    // refreshes update the boxes in place: keyboard focus stays on the box (the second request
    // starts after the first refresh was drawn)
    await box('lint').focus();
    for (let i = 0; i < 2; i++) await page.waitForResponse((r) => r.url().endsWith('/api/v1/pipelines'));
    expect(
      await box('lint').evaluate(
        (e) => e === (e as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement,
      ),
    ).toBe(true);
    // a paused pipeline's card turns blue
    h.store.setPipelinePaused(h.runner.pipelineId, true);
    await page.locator('.pipeline-card.paused[data-name="p"] .badge', { hasText: 'paused' }).waitFor();
    h.store.setPipelinePaused(h.runner.pipelineId, false);
    await page.locator('.pipeline-card.paused').waitFor({ state: 'detached' });
    await page.locator('.pipeline-card h2 a', { hasText: 'p' }).click();

    await page.locator('nav.tabs a', { hasText: 'release' }).click();
    await page.waitForURL(/group=release/);
    await job('ship').waitFor();
    expect(await job('lint').count()).toBe(0);
  });

  it('triggers a build from the job page and streams its log live, with ANSI colours', async () => {
    const shipGate = h.gate('ship-gate');
    // keyboard: focus the job box and press Enter
    await job('ship').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/jobs\/ship$/);
    await page.getByRole('button', { name: 'trigger build' }).click();
    await page.waitForURL(/\/jobs\/ship\/builds\/1$/);
    await page.locator('.log', { hasText: 'shipping' }).waitFor();
    await expect.poll(() => page.getByTestId('build-status').textContent()).toBe('started');
    expect(await page.locator('.log .ansi-cyan-fg').textContent()).toBe('step 1 done');
    expect(await page.locator('.step h2').allTextContents()).toEqual(['get: src', 'task: deploy']);
    const headerBefore = await page.locator('.build-header').boundingBox();
    await shipGate.open();
    await page.locator('.log', { hasText: 'shipped' }).waitFor();
    await page.locator('.build-header.status-succeeded').waitFor();
    expect(await page.locator('.build-header').boundingBox()).toEqual(headerBefore);
    expect(await page.getByRole('button', { name: 'abort' }).isHidden()).toBe(true);
    await page.screenshot({ path: `${screenshots}build.png`, fullPage: true });
  });

  it('aborts a running build', async () => {
    await page.locator('#crumbs a', { hasText: 'ship' }).click();
    await page.getByRole('button', { name: 'trigger build' }).click();
    await page.waitForURL(/\/jobs\/ship\/builds\/2$/);
    await page.locator('.log', { hasText: 'step 1 done' }).waitFor();
    await page.getByRole('button', { name: 'abort' }).click();
    await page.locator('.build-header.status-aborted').waitFor();
    expect(await page.getByTestId('build-status').textContent()).toBe('aborted');
    expect(await style(page.locator('.build-header'), 'backgroundColor')).toBe(colours.aborted);
    await page.locator('#crumbs a', { hasText: 'ship' }).click();
    await page.locator('a.build.status-aborted[data-build="2"]').waitFor();
    await page.locator('a.build.status-succeeded[data-build="1"]').waitFor();
  });

  it("opens a resource's versions, checks for a new one and pins the old one", async () => {
    await page.locator('#crumbs a', { hasText: 'p' }).first().click();
    await page.locator('nav.tabs a', { hasText: 'all' }).click();
    await page.locator('a.node.resource[data-name="src"]').click();
    await page.waitForURL(/\/resources\/src$/);
    await page.locator('.version code', { hasText: 'n: 1' }).waitFor();
    expect(await page.locator('.version dl').first().textContent()).toBe('number1');
    expect(await page.locator('p.check').textContent()).toMatch(/^checked \d+s ago: succeeded$/);
    h.push('src');
    await page.getByRole('button', { name: 'check now' }).click();
    await page.locator('.version code', { hasText: 'n: 2' }).waitFor();
    expect(await page.locator('.version code').allTextContents()).toEqual(['n: 2', 'n: 1']);
    await page.getByRole('button', { name: 'pin n: 1' }).click();
    await page.locator('.pin', { hasText: 'pinned to n: 1' }).waitFor();
    await page.getByRole('button', { name: 'unpin' }).click();
    await page.locator('.version.pinned').waitFor({ state: 'detached' });
    expect(await page.locator('.pin').textContent()).toBe('');
  });
});
