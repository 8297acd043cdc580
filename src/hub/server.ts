import type { Config } from '../platform/config.ts';
import { pruneSessions } from '../identity/service.ts';
import { buildHubApp, type Hub } from './app.ts';
import { openHubDatabase, type HubDatabase } from './database.ts';
import type { HttpApp } from '../platform/http.ts';

export interface RunningHub {
  app: HttpApp;
  hub: Hub;
  url: string;
  stop(): Promise<void>;
}

/** Opens and migrates the database, builds the app and listens. */
export async function startHub(config: Config, prepare?: (database: HubDatabase) => Promise<void>): Promise<RunningHub> {
  const database = await openHubDatabase(config);
  if (prepare) await prepare(database);
  const { app, hub } = await buildHubApp(database, config);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const sweeper = setInterval(() => { pruneSessions(database).catch((error) => app.log.warn({ err: error }, 'session sweep failed')); }, 10 * 60_000);
  sweeper.unref();
  return {
    app, hub, url,
    async stop() {
      clearInterval(sweeper);
      await app.close();
      await database.close();
    },
  };
}
