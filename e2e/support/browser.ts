import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Locator, type Page, type Response } from 'playwright-core';

/**
 * Browser tests drive Debian's Chromium (/usr/bin/chromium) through playwright-core. When it is
 * not installed the browser suites are skipped with the reason, unless EGOV_REQUIRE_ALL=1 (CI),
 * where that is a failure.
 */
export const chromiumPath = '/usr/bin/chromium';

const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function chromiumProblem(): string | null {
  if (existsSync(chromiumPath)) return null;
  return `Chromium is not installed at ${chromiumPath}; install it with `
    + '`apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium`';
}

const problem = chromiumProblem();
if (problem && process.env.EGOV_REQUIRE_ALL === '1') {
  throw new Error(`EGOV_REQUIRE_ALL=1 but ${problem}`);
}

/** Skip reason for node:test (`it(name, { skip: browserSkip }, …)`), or false. */
export const browserSkip: string | false = problem ?? false;

/**
 * A headless Chromium with a fresh temporary profile. Create pages through
 * `browser.newContext()` (axe refuses pages from `browser.newPage()`), and close the browser in
 * a `finally` or `after` hook.
 */
export async function launchBrowser(): Promise<Browser> {
  if (problem) throw new Error(problem);
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

const axeTimeoutMs = 30_000;

/** The WCAG levels every page must meet: 2.0, 2.1 and 2.2, A and AA. */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe on the page as it is now and throws one readable error listing every violation: its
 * rule, impact, help text and the selectors of the offending elements.
 */
export async function expectAccessible(page: Page, label = page.url()): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // axe runs as a script in the page: in a context with JavaScript disabled it never answers.
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`axe did not finish on ${label} within ${axeTimeoutMs} ms (is JavaScript disabled in this browser context?)`)), axeTimeoutMs);
  });
  let violations: Violation[];
  try {
    violations = await Promise.race([axeViolations(page), stalled]);
  } finally {
    clearTimeout(timer);
  }
  if (violations.length === 0) return;
  const lines = violations.map((v) => {
    const targets = v.nodes.map((n) => `      - ${n.target.map(String).join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`);
    return `  ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}\n    ${v.helpUrl}\n${targets.join('\n')}`;
  });
  throw new Error(`accessibility violations on ${label}:\n${lines.join('\n')}`);
}

type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

/** The build of the axe-core that @axe-core/playwright itself loads (the same version), minified. */
const axeSource = readFileSync(path.join(path.dirname(createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright')).resolve('axe-core')), 'axe.min.js'), 'utf8');

/**
 * What `new AxeBuilder({ page }).withTags(wcagTags).setLegacyMode().analyze()` finds, the same
 * way: axe-core in every frame of the page, configured for same-origin frames, run once from the
 * top with the same context and tags; only the violations come back. Legacy mode runs axe once,
 * inside the page; the default mode runs it per frame and then opens an extra blank page to merge
 * the results, and our pages have no frames to merge. AxeBuilder also sends its 1.3 MB script
 * into the page twice per check and brings every passing node back: that was most of each check.
 */
async function axeViolations(page: Page): Promise<Violation[]> {
  const script = `${axeSource}\n;axe.configure({ allowedOrigins: ['<same_origin>'], branding: { application: 'playwright' } });`;
  await page.mainFrame().evaluate(script);
  // As AxeBuilder does, a child frame that cannot take the script (gone, or still loading) is left out.
  await Promise.all(page.frames().filter((frame) => frame !== page.mainFrame()).map((frame) => frame.evaluate(script).catch(() => {})));
  const outcome = await page.evaluate(({ tags }) => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return axe.run({ exclude: [], include: [] }, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
      .then((results) => ({ violations: results.violations, error: null }), (error: Error) => ({ violations: null, error: error.message }));
  }, { tags: wcagTags });
  if (outcome.error !== null) throw new Error(outcome.error);
  return outcome.violations as Violation[];
}

/** A fresh browser context (its own cookies), closed however the test ends. */
export async function withContext(browser: Browser, options: { javaScriptEnabled?: boolean }, body: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext(options);
  // Well under the test timeout, so a missing element fails with its locator instead of a timeout.
  context.setDefaultTimeout(15_000);
  try {
    await body(await context.newPage());
  } finally {
    await context.close();
  }
}

/** Goes to a URL, checks the status, and runs axe on the page. */
export async function visit(page: Page, url: string, status = 200): Promise<Response> {
  const response = await page.goto(url);
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), status, `status of ${url}`);
  await expectAccessible(page, new URL(url).pathname);
  return response;
}

/**
 * Clicks something that submits a form or follows a link, waits for the resulting page (after
 * any redirects) to load, and returns its response.
 */
export async function follow(page: Page, target: Locator): Promise<Response> {
  const responded = page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400));
  const loaded = page.waitForEvent('load');
  await target.click();
  const [response] = await Promise.all([responded, loaded]);
  return response;
}

/** Saves a full-page screenshot when EGOV_SCREENSHOTS names a folder (for people checking the layout). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.EGOV_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
