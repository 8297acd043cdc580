import { existsSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

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
 *
 * Legacy mode runs axe once, inside the page. The default mode runs it per frame and then opens
 * an extra blank page to merge the results, which takes about twice as long; our pages have no
 * frames, so there is nothing to merge.
 */
export async function expectAccessible(page: Page, label = page.url()): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // axe runs as a script in the page: in a context with JavaScript disabled it never answers.
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`axe did not finish on ${label} within ${axeTimeoutMs} ms (is JavaScript disabled in this browser context?)`)), axeTimeoutMs);
  });
  let results: Awaited<ReturnType<AxeBuilder['analyze']>>;
  try {
    results = await Promise.race([new AxeBuilder({ page }).withTags(wcagTags).setLegacyMode().analyze(), stalled]);
  } finally {
    clearTimeout(timer);
  }
  if (results.violations.length === 0) return;
  const lines = results.violations.map((v) => {
    const targets = v.nodes.map((n) => `      - ${n.target.map(String).join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`);
    return `  ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}\n    ${v.helpUrl}\n${targets.join('\n')}`;
  });
  throw new Error(`accessibility violations on ${label}:\n${lines.join('\n')}`);
}
