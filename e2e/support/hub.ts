import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { HubDatabase } from '../../src/hub/database.ts';
import { seedDemo } from '../../src/hub/demo.ts';
import { type RunningHub, startHub } from '../../src/hub/server.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { seedSqliteInto } from '../../test/support/seeded.ts';
import { launchBrowser } from './browser.ts';

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
