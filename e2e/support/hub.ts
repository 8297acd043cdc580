import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page, Response } from 'playwright-core';
import type { HubDatabase } from '../../src/hub/database.ts';
import { seedDemo } from '../../src/hub/demo.ts';
import { type RunningHub, startHub } from '../../src/hub/server.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { seedSqliteInto } from '../../test/support/seeded.ts';
import { browserSkip, launchBrowser, visit, withContext } from './browser.ts';

export interface BrowserHub {
  running: RunningHub;
  browser: Browser;
  /** The hub's URL, for page addresses. */
  base: string;
  close(): Promise<void>;
}

/** A demo hub listening on free ports in its own data folder, and Chromium to drive it; close() removes both. */
export async function startBrowserHub(label: string, prepare?: (database: HubDatabase) => Promise<void>): Promise<BrowserHub> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `egov-e2e-${label}-`));
  let running: RunningHub | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    try {
      await browser?.close();
    } finally {
      try {
        await running?.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  };
  try {
    // Chromium starts while the hub does; close() stops whichever of the two came up.
    const [hub, chromium] = await Promise.allSettled([
      (async () => {
        await seedSqliteInto(dataDir);
        return startHub(loadConfig({ flags: { data: dataDir, port: '0', exchangePort: '0', logLevel: 'silent' } }), async (database) => {
          await seedDemo(database);
          await prepare?.(database);
        });
      })(),
      launchBrowser(),
    ]);
    if (hub.status === 'fulfilled') running = hub.value;
    if (chromium.status === 'fulfilled') browser = chromium.value;
    if (hub.status === 'rejected') throw hub.reason;
    if (chromium.status === 'rejected') throw chromium.reason;
    return { running: running!, browser: browser!, base: running!.url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** What a suite's tests use of its hub: paths are relative to the hub's URL. */
export interface SuiteHub {
  readonly running: RunningHub;
  readonly base: string;
  /** A fresh browser context on the suite's Chromium, closed however the test ends. */
  withContext(options: { javaScriptEnabled?: boolean }, body: (page: Page) => Promise<void>): Promise<void>;
  /** Goes to a path on the hub, checks the status, and runs axe on the page. */
  visit(page: Page, pathname: string, status?: number): Promise<Response>;
}

/**
 * Starts a browser hub before the suite's tests and closes it after them; call it at the top of a
 * `describe`, before the suite's own hooks: its `before` hooks then run with the hub already up
 * (its `after` hooks, with the hub already closed: node:test runs them in the order registered).
 */
export function browserHubForSuite(label: string, prepare?: (database: HubDatabase) => Promise<void>): SuiteHub {
  let world: BrowserHub | undefined;
  before(async () => {
    // Suites that skip test by test (so the summary counts them) still run their hooks without Chromium.
    if (browserSkip) return;
    world = await startBrowserHub(label, prepare);
  });
  after(async () => {
    await world?.close();
  });
  const started = (): BrowserHub => {
    if (world) return world;
    throw new Error(`the ${label} browser hub is not running: use it in tests or hooks registered after browserHubForSuite, not while the suite is being defined`);
  };
  return {
    get running() { return started().running; },
    get base() { return started().base; },
    withContext: (options, body) => withContext(started().browser, options, body),
    visit: (page, pathname, status = 200) => visit(page, started().base + pathname, status),
  };
}
