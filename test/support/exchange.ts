import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEnrolmentToken } from '../../src/exchange/service.ts';
import { enrol } from '../../src/exchange/gateway/identity.ts';
import { type GatewayOptions, type RunningGateway, startGateway } from '../../src/exchange/gateway/server.ts';
import type { LocalService } from '../../src/exchange/gateway/services.ts';
import { seedDemo } from '../../src/hub/demo.ts';
import { type RunningHub, startHub } from '../../src/hub/server.ts';
import { systemActor } from '../../src/platform/access.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { choosePort } from '../../src/platform/ports.ts';
import type { DbKind } from '../../src/platform/db/index.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { freshDatabase, type TestDatabase } from './databases.ts';
import { seededDatabase } from './seeded.ts';

export const codeOf = (key: string): string => {
  const d = demoDepartments.find((x) => x.key === key);
  if (!d) throw new Error(`no demo department ${key}`);
  return d.uscc;
};

export interface GatewaySetup {
  services?: LocalService[];
  overrides?: Partial<GatewayOptions>;
  code?: string;
}

export interface TestExchange {
  hub: RunningHub;
  kind: DbKind;
  /** Enrols a gateway for a demo department (by key) and returns its start options. */
  prepare(key: string, options?: GatewaySetup): Promise<GatewayOptions>;
  /** Enrols a gateway for a demo department (by key) and starts it. */
  gateway(key: string, options?: GatewaySetup): Promise<RunningGateway>;
  /** Starts (or restarts) a prepared gateway in this process; it is stopped by close(). */
  start(options: GatewayOptions): Promise<RunningGateway>;
  close(): Promise<void>;
}

/**
 * A hub seeded with the demo (listening for people and, over mutual TLS, for gateways) and
 * gateways enrolled with real tokens, each with its own store of the same database kind.
 */
export async function testExchange(kind: DbKind, hubFlags: Record<string, string> = {}): Promise<TestExchange> {
  const hubDb = await seededDatabase(kind);
  const cleanups: (() => Promise<void>)[] = [];
  const config = loadConfig({ flags: {
    data: hubDb.dataDir, port: '0', exchangePort: '0', logLevel: 'silent', ...(hubDb.url && { databaseUrl: hubDb.url }), ...hubFlags,
  } });
  const hub = await startHub(config, async (database) => { await seedDemo(database); });
  const gateways: RunningGateway[] = [];
  const stores: TestDatabase[] = [];
  const prepare: TestExchange['prepare'] = async (key, options = {}) => {
    const store = await freshDatabase(kind, { migrate: false });
    stores.push(store);
    const dataDir = mkdtempSync(path.join(tmpdir(), `egov-gw-${key}-`));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const exchangePort = await freePort();
    const { token } = await createEnrolmentToken(hub.hub.database, systemActor('test'), hub.hub.exchange, { department: codeOf(key), code: options.code ?? 'gw1' });
    await enrol({ dataDir, hubUrl: hub.url, token, address: `https://127.0.0.1:${exchangePort}` });
    return {
      dataDir, databaseUrl: store.url, sqliteSync: 'normal', clientHost: '127.0.0.1', clientPort: 0, exchangeHost: '127.0.0.1', exchangePort,
      services: options.services ?? [], configRefreshSeconds: 3600, anchorSeconds: 3600, reportSeconds: 3600, retentionDays: 30,
      timeoutMs: 5000, maxBodyBytes: 1024 * 1024, logClientBodies: true, logLevel: 'silent',
      ...options.overrides,
    };
  };
  const world: TestExchange = {
    hub, kind, prepare,
    async gateway(key, options = {}) {
      return world.start(await prepare(key, options));
    },
    async start(options) {
      const running = await startGateway(options);
      gateways.push(running);
      return running;
    },
    async close() {
      for (const g of gateways) await g.stop().catch(() => {});
      gateways.length = 0;
      await hub.stop();
      for (const s of stores) await s.close();
      await hubDb.close();
      for (const c of cleanups) await c();
    },
  };
  return world;
}

/** Every enrolled gateway fetches the configuration now (after a change at the hub). */
export async function refreshAll(...gateways: RunningGateway[]): Promise<void> {
  await Promise.all(gateways.map((g) => g.refresh()));
}

/** A port to enrol a gateway with before it listens. */
export const freePort = (): Promise<number> => choosePort();

export interface Backend {
  url: string;
  /** Requests that reached it: what a test checks to prove nothing unauthorised got through. */
  seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

/** A department backend whose answers the test decides. */
export async function testBackend(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void): Promise<Backend> {
  const seen: Backend['seen'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`, seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value));
}
