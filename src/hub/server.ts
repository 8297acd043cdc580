import type { Config } from '../platform/config.ts';
import { choosePort } from '../platform/ports.ts';
import { pruneSessions } from '../identity/service.ts';
import { prunePersonSessions } from '../identity/people.service.ts';
import { buildExchangeApi } from '../exchange/hub-api.ts';
import { buildHubApp, type Hub } from './app.ts';
import { openHubDatabase, type HubDatabase } from './database.ts';
import type { HttpApp } from '../platform/http.ts';
import { nodesWithCertificates } from '../exchange/service.ts';
import { journalHead } from '../journal/service.ts';
import { watchForSuccessor } from '../recovery/fence.ts';

export interface RunningHub {
  app: HttpApp;
  hub: Hub;
  url: string;
  /** The mutual-TLS listener for gateways. */
  exchangeApi: HttpApp;
  stop(): Promise<void>;
}

export interface StartOptions {
  logStream?: NodeJS.WritableStream;
  /** An open, migrated database to serve (a promoted standby's copy) instead of opening the configured one. */
  database?: HubDatabase;
}

/** Opens and migrates the database, builds the app and listens: people on `port`, gateways on `exchangePort`. */
export async function startHub(config: Config, prepare?: (database: HubDatabase) => Promise<void>, options: StartOptions = {}): Promise<RunningHub> {
  const database = options.database ?? await openHubDatabase(config);
  if (prepare) await prepare(database);
  // Both URLs go into pages, enrolments and the configuration, so ephemeral ports (tests) are chosen before the app is built.
  const exchangePort = config.exchangePort === 0 ? await choosePort(config.host) : config.exchangePort;
  if (config.port === 0) config = { ...config, port: await choosePort(config.host) };
  const { app, hub } = await buildHubApp(database, config, { exchangePort, ...(options.logStream && { logStream: options.logStream }) });
  const exchangeApi = await buildExchangeApi(hub, options.logStream ? { logStream: options.logStream } : {});
  const watch = watchForSuccessor({
    fence: hub.fence, caPem: hub.exchange.ca.certificatePem, logger: app.log,
    ownEpoch: async () => (await journalHead(database.db)).epoch,
    standbyAddresses: async () => (await nodesWithCertificates(database, 'standby', new Date())).map((s) => s.address).filter((a) => a !== hub.exchangeUrl),
  });
  // A hub that comes back after its standby took over must know before it takes a write.
  await watch.checked;
  await app.listen({ port: config.port, host: config.host });
  await exchangeApi.listen({ port: exchangePort, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const sweeper = setInterval(() => {
    pruneSessions(database).catch((error) => app.log.warn({ err: error }, 'session sweep failed'));
    prunePersonSessions(database).catch((error) => app.log.warn({ err: error }, 'person session sweep failed'));
  }, 10 * 60_000);
  sweeper.unref();
  return {
    app, hub, url, exchangeApi,
    async stop() {
      clearInterval(sweeper);
      watch.stop();
      await Promise.all([app.close(), exchangeApi.close()]);
      await database.close();
    },
  };
}
