import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_COUNTS, generateRegistry, sampleKeys } from '../basedata/generate.ts';
import type { Registry } from '../basedata/records.ts';
import { type RunningBasedataServer, startBasedataServer } from '../basedata/server.ts';
import type { Hub } from '../hub/app.ts';
import { systemActor } from '../platform/access.ts';
import { choosePort } from '../platform/ports.ts';
import { demoDepartments } from '../registry/demo-data.ts';
import { enrol, loadIdentity } from './gateway/identity.ts';
import { type RunningGateway, startGateway } from './gateway/server.ts';
import type { LocalService } from './gateway/services.ts';
import { createEnrolmentToken } from './service.ts';

/**
 * The exchange part of `egov demo`: the PSB's population registry and the market regulator's
 * enterprise registry as backends, and gateways for them and for departments that hold
 * agreements on them, each enrolled with a real token on first start and kept in the data folder.
 */
export interface DemoGatewaySpec {
  key: string;
  services: { code: string; registry: Registry; endpoints: string[] }[];
}

/** The demo's one-stop portal: the business environment bureau's integrated service platform, a client on the exchange. */
export const DEMO_PORTAL = { gateway: 'bizenv', system: 'gov-service-network' } as const;

export const demoGateways: DemoGatewaySpec[] = [
  {
    key: 'psb',
    services: [
      { code: 'population/persons', registry: 'population', endpoints: ['GET /persons/*'] },
      { code: 'population/id-verification', registry: 'population', endpoints: ['POST /verifications', 'GET /verifications'] },
    ],
  },
  { key: 'amr', services: [{ code: 'business-reg/enterprises', registry: 'enterprises', endpoints: ['GET /enterprises/*'] }] },
  { key: 'hrss', services: [] },
  { key: 'hpf', services: [] },
  { key: 'civil', services: [] },
  { key: 'edu', services: [] },
  // The one-stop portal's own gateway: the hub verifies people and prefills forms through it.
  { key: DEMO_PORTAL.gateway, services: [] },
];

export interface RunningDemoExchange {
  gateways: Map<string, RunningGateway>;
  /** Example keys that exist in the registries, for the printed examples. */
  samples: { person: string; enterprise: string };
  stop(): Promise<void>;
}

export interface DemoExchangeOptions {
  hub: Hub;
  hubUrl: string;
  dataDir: string;
  /** First port of the gateways' department sides (then +1 each); 0 for ephemeral ports. */
  basePort: number;
  /** Records to generate on first start (default: the registries' defaults, 100,000 residents). */
  counts?: Partial<Record<Registry, number>>;
  /** Department-side ports chosen beforehand, by gateway key (the hub must know the portal's gateway before it starts). */
  clientPorts?: Readonly<Record<string, number>>;
  log?: (line: string) => void;
}

export async function startDemoExchange(options: DemoExchangeOptions): Promise<RunningDemoExchange> {
  const log = options.log ?? (() => {});
  const port = (offset: number) => (options.basePort === 0 ? 0 : options.basePort + offset);
  const basedataDir = path.join(options.dataDir, 'basedata');
  await mkdir(basedataDir, { recursive: true });
  const backends = new Map<Registry, RunningBasedataServer>();
  const fileOf = (registry: Registry) => path.join(basedataDir, `${registry}.sqlite`);
  const stops: (() => Promise<void>)[] = [];
  try {
    for (const [i, registry] of (['population', 'enterprises'] as const).entries()) {
      const file = fileOf(registry);
      if (!existsSync(file)) {
        const count = options.counts?.[registry] ?? DEFAULT_COUNTS[registry];
        log(`Generating ${count.toLocaleString('en-US')} synthetic ${registry === 'population' ? 'residents' : 'enterprises'} into ${file} (first start only)`);
        generateRegistry({ registry, out: file, count });
      }
      const server = await startBasedataServer({ registry, file, host: '127.0.0.1', port: port(900 + i) });
      backends.set(registry, server);
      stops.push(() => server.close());
    }

    const gateways = new Map<string, RunningGateway>();
    for (const [i, spec] of demoGateways.entries()) {
      const department = demoDepartments.find((d) => d.key === spec.key);
      if (!department) throw new Error(`the demo gateways name an unknown department ${spec.key}`);
      const dataDir = path.join(options.dataDir, 'gateways', spec.key);
      const exchangePort = options.basePort === 0 ? await choosePort() : port(400 + i);
      if (!(await loadIdentity(dataDir))) {
        const { token } = await createEnrolmentToken(options.hub.database, systemActor('demo'), options.hub.exchange, { department: department.uscc, code: 'gw1' });
        await enrol({ dataDir, hubUrl: options.hubUrl, token, address: `https://127.0.0.1:${exchangePort}` });
      }
      const services: LocalService[] = spec.services.map((s) => ({
        code: s.code, url: backends.get(s.registry)!.url, endpoints: s.endpoints, timeoutMs: 5000, logBodies: false,
        openapi: `${backends.get(s.registry)!.url}/openapi.json`,
      }));
      await writeFile(path.join(dataDir, 'services.json'), `${JSON.stringify({ services }, null, 2)}\n`);
      const gateway = await startGateway({
        dataDir, databaseUrl: null, clientHost: '127.0.0.1', clientPort: options.clientPorts?.[spec.key] ?? port(100 + i), exchangeHost: '127.0.0.1', exchangePort,
        services, configRefreshSeconds: 30, anchorSeconds: 30, reportSeconds: 10, retentionDays: 30, timeoutMs: 10_000,
        maxBodyBytes: 10 * 1024 * 1024, logClientBodies: false, logLevel: 'warn',
      });
      gateways.set(spec.key, gateway);
      stops.push(() => gateway.stop());
    }
    // Each gateway fetched the configuration as it started, before the later ones enrolled.
    await Promise.all([...gateways.values()].map((g) => g.refresh()));
    return {
      gateways,
      samples: { person: sampleKeys(fileOf('population'), 1)[0]!, enterprise: sampleKeys(fileOf('enterprises'), 1)[0]! },
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => {});
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw error;
  }
}
