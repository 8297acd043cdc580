import { readFileSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { Gauge } from 'prom-client';
import { Type } from 'typebox';
import { catalogPageRoutes } from '../catalog/pages/routes.tsx';
import { catalogRoutes } from '../catalog/routes.ts';
import { onestopRoutes } from '../onestop/routes.ts';
import { onestopPageRoutes } from '../onestop/pages/routes.tsx';
import type { SharingPolicy } from '../catalog/sharing.service.ts';
import { GlobalConfigPublisher } from '../exchange/global-config.ts';
import { exchangePageRoutes } from '../exchange/pages/routes.tsx';
import { casePageRoutes } from '../cases/pages/routes.tsx';
import { type CasePolicy, casePolicy, sweepDeadlines } from '../cases/service.ts';
import { Notifier, channelsFromConfig } from '../notifications/service.ts';
import { notificationPageRoutes } from '../notifications/pages/routes.tsx';
import { exchangeRoutes } from '../exchange/routes.ts';
import { type ExchangePolicy, nodesWithCertificates } from '../exchange/service.ts';
import { loadCertificateAuthority } from '../pki/ca.ts';
import { identityRoutes } from '../identity/routes.ts';
import { mountOidc } from '../identity/oidc.ts';
import { registerRequestAuth } from '../identity/request-auth.ts';
import { registerPersonAuth } from '../identity/person-auth.ts';
import { peopleRoutes } from '../identity/people.routes.ts';
import { myRoutes } from '../identity/my.routes.ts';
import { signInRoutes } from '../identity/signin.routes.ts';
import { journalRoutes } from '../journal/routes.ts';
import { appendedEntriesOf, journalHead } from '../journal/service.ts';
import { Fence } from '../recovery/fence.ts';
import { recoveryPageRoutes } from '../recovery/pages/routes.tsx';
import { ReplicationLink } from '../recovery/replication.ts';
import { lastWitness } from '../recovery/witness.ts';
import { type WorkingCalendar, loadCalendar } from '../platform/calendar.ts';
import { type Config, publicUrlOf } from '../platform/config.ts';
import { createHttpApp, instrument, type HttpApp } from '../platform/http.ts';
import { registryRoutes } from '../registry/routes.ts';
import { getInstance } from '../registry/service.ts';
import { ErrorPage } from '../web/layout.tsx';
import { pageContext, registerLanguage, type CityNames } from '../web/page-context.ts';
import { webRoutes } from '../web/routes.tsx';
import type { HubDatabase } from './database.ts';

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Everything a hub's routes need: built once at start and passed down. */
export interface Hub {
  readonly database: HubDatabase;
  readonly config: Config;
  readonly publicUrl: string;
  /** Working days, from the built-in schedules and any in `${data}/calendar`. */
  readonly calendar: WorkingCalendar;
  readonly sharing: SharingPolicy;
  /** The extranet's CA and the rules for gateway certificates. */
  readonly exchange: ExchangePolicy;
  readonly globalConfig: GlobalConfigPublisher;
  /** Where gateways reach the hub over mutual TLS. */
  readonly exchangeUrl: string;
  /** Its standbys: how far each has stored the journal; in sync mode, writes wait here. */
  readonly replication: ReplicationLink;
  /** Refuses writes once a promoted standby with a higher epoch is known. */
  readonly fence: Fence;
  /** The case engine's rules here: the calendar, the reference prefix, the deadline warnings. */
  readonly cases: CasePolicy;
  /** Tells applicants of their cases' milestones: message centre, text, e-mail. */
  readonly notifier: Notifier;
  /** The city's names for page headers; read from the registry. */
  city(): Promise<CityNames>;
}

export interface HubAppOptions {
  logStream?: NodeJS.WritableStream;
  /** The port the mutual-TLS listener really got, when the configured one is 0 (tests). */
  exchangePort?: number;
}

export function exchangeUrlOf(config: Config, port?: number): string {
  return config.exchangeUrl ?? `https://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port ?? config.exchangePort}`;
}

function faceOf(url: string): 'portal' | 'staff' | 'console' {
  return url.startsWith('/console') ? 'console' : url.startsWith('/staff') || url.startsWith('/signin') ? 'staff' : 'portal';
}

const DEADLINE_SWEEP_MS = 15 * 60_000;

const DEFAULT_CITY: CityNames = { nameZh: '本市', nameEn: 'City' };

/** Builds the hub's HTTP app without listening, so tests can inject requests. */
export async function buildHubApp(database: HubDatabase, config: Config, options: HubAppOptions = {}): Promise<{ app: HttpApp; hub: Hub }> {
  const publicUrl = publicUrlOf(config);
  const calendar = loadCalendar({ extraDirs: [path.join(config.data, 'calendar')] });
  const ca = await loadCertificateAuthority(config.data);
  const exchangeUrl = exchangeUrlOf(config, options.exchangePort);
  let cityForErrors: CityNames = DEFAULT_CITY;
  const app = createHttpApp({
    logLevel: config.logLevel,
    bodyLimit: config.bodyLimit,
    https: publicUrl.startsWith('https:'),
    ...(options.logStream && { logStream: options.logStream }),
    renderErrorPage: (request, status, _code, message) => ErrorPage({ page: pageContext(request, faceOf(request.url), cityForErrors), status, message }) as string,
  });
  const replication = new ReplicationLink({ mode: config.replication, syncTimeoutMs: config.syncTimeout, syncFallback: config.syncFallback }, app.log);
  replication.know((await journalHead(database.db)).seq, (await nodesWithCertificates(database, 'standby', new Date())).map((s) => s.id));
  const removeHook = database.afterCommit((tx) => replication.committed(appendedEntriesOf(tx)));
  app.addHook('onClose', async () => { removeHook(); replication.close(); });
  const cases = casePolicy({ calendar, referencePrefix: 'DL' });
  const hub: Hub = {
    database, config, publicUrl, calendar, exchangeUrl, replication, fence: new Fence(), cases,
    notifier: new Notifier({
      database, policy: cases, channels: channelsFromConfig(config, publicUrl), log: app.log,
      superseded: () => hub.fence.successor !== null,
    }),
    sharing: { calendar, replyDays: config.shareReplyDays },
    exchange: { ca, certificateDays: config.certificateDays, enrolmentHours: config.enrolmentHours },
    globalConfig: new GlobalConfigPublisher({
      database, publicUrl, exchangeUrl, caCertificates: [ca.certificatePem], ttlSeconds: config.globalConfigTtl, dataDir: config.data,
    }),
    async city() {
      const instance = await getInstance(database);
      return instance ? { nameZh: instance.nameZh, nameEn: instance.nameEn } : DEFAULT_CITY;
    },
  };
  app.addHook('onReady', async () => { cityForErrors = await hub.city(); });
  app.addHook('onReady', async () => { await hub.notifier.start(); });
  app.addHook('onClose', async () => { await hub.notifier.stop(); });
  // Deadline warnings and escalations; a sweep is idempotent, so a late or doubled timer does no harm.
  const sweep = () => {
    if (hub.fence.successor) return;
    sweepDeadlines(database, cases).catch((error: unknown) => app.log.warn({ err: error }, 'the case deadline sweep failed; it runs again in 15 minutes'));
  };
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => { sweeper = setInterval(sweep, DEADLINE_SWEEP_MS); sweeper.unref(); });
  app.addHook('onClose', async () => { clearInterval(sweeper); });
  app.addHook('onRequest', async (request) => { hub.fence.check(request.method); });

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.bodyLimit });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'egov-cloud hub API', version: VERSION, description: 'The data center: registry of the one network, identity, journal. Authenticate with a bearer token from /oidc/token (client credentials) or a staff session.' },
      servers: [{ url: publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'egov_session' } } },
    },
  });

  const metrics = instrument(app, 'hub');
  new Gauge({
    name: 'egov_journal_head_seq', help: 'sequence number of the newest journal entry', registers: [metrics],
    async collect() { this.set((await journalHead(database.db)).seq); },
  });
  new Gauge({
    name: 'egov_replication_lag_entries', help: 'entries the most advanced standby has not stored yet (-1: no standby)', registers: [metrics],
    collect() { const s = replication.status().standbys; this.set(s.length ? Math.min(...s.map((l) => l.lagEntries)) : -1); },
  });
  new Gauge({
    name: 'egov_replication_lag_seconds', help: 'age of the oldest entry the most advanced standby has not stored (-1: no standby)', registers: [metrics],
    collect() { const s = replication.status().standbys; this.set(s.length ? Math.min(...s.map((l) => l.lagMs)) / 1000 : -1); },
  });
  new Gauge({
    name: 'egov_replication_synchronous', help: '1 while writes wait for a standby (sync mode, not degraded)', registers: [metrics],
    collect() { const state = replication.status().state; this.set(state === 'sync' || state === 'waiting' ? 1 : 0); },
  });
  new Gauge({
    name: 'egov_standby_witnessed_seq', help: 'the last journal entry the standby verified and countersigned (-1: no standby yet)', registers: [metrics],
    async collect() { this.set((await lastWitness(database))?.seq ?? -1); },
  });

  registerLanguage(app);
  const oidc = await mountOidc(app, hub);
  registerRequestAuth(app, database, oidc.verifyBearer);
  registerPersonAuth(app, database);

  const css = readFileSync(new URL('../web/assets/site.css', import.meta.url));
  app.get('/assets/site.css', { schema: { hide: true } }, (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css));

  app.get('/healthz', {
    schema: {
      tags: ['operations'],
      summary: 'Liveness, the journal head, and how far each standby has stored and verified it',
      response: {
        200: Type.Object({
          status: Type.Literal('ok'), role: Type.String({ description: 'hub, or superseded once a promoted standby serves a higher epoch' }), version: Type.String(), database: Type.String(),
          journal: Type.Object({ seq: Type.Number(), hash: Type.String(), epoch: Type.Number() }),
          replication: Type.Object({
            mode: Type.String(), state: Type.String({ description: 'async, sync, degraded (sync fell back to async) or waiting (writes wait for a standby)' }),
            degradedSince: Type.Union([Type.String(), Type.Null()]), fallback: Type.String(), head: Type.Number(),
            standbys: Type.Array(Type.Object({
              node: Type.String(), connected: Type.Boolean(), ackedSeq: Type.Number(), ackedAt: Type.Union([Type.String(), Type.Null()]),
              lagEntries: Type.Number(), lagMs: Type.Number({ description: 'age of the oldest entry the standby has not stored: the recovery point now' }),
              report: Type.Union([Type.Object({}, { additionalProperties: true, description: "the standby's own state, last backup and drill, sent every 10 s" }), Type.Null()]),
            })),
            witness: Type.Union([Type.Object({ node: Type.String(), seq: Type.Number(), at: Type.String() }), Type.Null()]),
          }),
        }),
      },
    },
  }, async () => {
    const [journal, witness] = await Promise.all([journalHead(database.db), lastWitness(database)]);
    return {
      status: 'ok' as const, role: hub.fence.successor ? 'superseded' : 'hub', version: VERSION, database: database.kind, journal,
      replication: { ...replication.status(), witness: witness && { node: witness.node, seq: witness.seq, at: witness.receivedAt } },
    };
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));

  await app.register(async (scope) => {
    await signInRoutes(scope, hub);
    await peopleRoutes(scope, hub);
    await myRoutes(scope, hub);
    await webRoutes(scope, hub);
    await registryRoutes(scope, hub);
    await identityRoutes(scope, hub);
    await journalRoutes(scope, hub);
    await catalogRoutes(scope, hub);
    await onestopRoutes(scope, hub);
    await catalogPageRoutes(scope, hub);
    await onestopPageRoutes(scope, hub);
    await exchangeRoutes(scope, hub);
    await exchangePageRoutes(scope, hub);
    await casePageRoutes(scope, hub);
    await notificationPageRoutes(scope, hub);
    await recoveryPageRoutes(scope, hub);
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return { app, hub };
}
