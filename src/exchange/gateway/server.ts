import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import { headers as H } from '../protocol.ts';
import { clientSide } from './client-side.ts';
import { type GatewayContext, type GatewayOptions, RateLimiter, makePeerAgent, respond } from './context.ts';
import { hubLink } from './hub-link.ts';
import { type GatewayIdentity, completeRenewal, loadIdentity } from './identity.ts';
import { MessageLog } from './log.ts';
import { providerSide } from './provider-side.ts';
import { endpointMatcher } from './services.ts';
import { type Trust, readHubKeys, readSavedConfig } from './trust.ts';

export type { GatewayOptions } from './context.ts';

export interface RunningGateway {
  readonly identity: GatewayIdentity;
  readonly dataDir: string;
  readonly clientUrl: string;
  readonly exchangePort: number;
  readonly log: MessageLog;
  trust(): Trust | null;
  /** Fetches the global configuration now (tests and the CLI; it also runs on a timer). */
  refresh(): Promise<void>;
  anchor(): Promise<void>;
  report(): Promise<number>;
  /** Asks the hub for a new certificate and switches to it once peers can know it. */
  renew(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts an enrolled gateway: the department side (plain HTTP, /r1/…, client-side.ts), the
 * exchange side (mutual TLS, /x1/…, provider-side.ts), and the timers that keep its configuration
 * fresh, anchor its log at the hub and report its traffic (hub-link.ts).
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  await completeRenewal(options.dataDir);
  const identity = await loadIdentity(options.dataDir);
  if (!identity) throw new Error(`${options.dataDir} holds no enrolled gateway: run egov gateway --hub URL --token TOKEN first`);
  const logger: Logger = pino({ level: options.logLevel ?? 'info', base: { role: 'gateway', gateway: identity.id } }, options.logStream ?? process.stdout);
  const hubKeys = await readHubKeys(options.dataDir);
  const trust: Trust | null = await readSavedConfig(options.dataDir, hubKeys).catch((error: Error) => {
    logger.warn({ err: error.message }, 'the saved global configuration is not usable; waiting for a fresh one');
    return null;
  });
  const log = await MessageLog.open({ url: options.databaseUrl, dataDir: options.dataDir, sqliteSync: options.sqliteSync ?? 'full' });
  const metrics = new Registry();
  const ctx: GatewayContext = {
    options, logger, log,
    services: new Map(options.services.map((s) => [s.code, { ...s, allows: endpointMatcher(s.endpoints) }])),
    limiter: new RateLimiter(),
    backendAgent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
    ownIdentities: new Map<string, GatewayIdentity>([[identity.fingerprint, identity]]),
    exchanges: new Counter({ name: 'egov_gateway_exchanges_total', help: 'exchanges by side and outcome', labelNames: ['side', 'outcome'] as const, registers: [metrics] }),
    durations: new Histogram({
      name: 'egov_gateway_exchange_seconds', help: 'time from request in to response out', labelNames: ['side'] as const, registers: [metrics],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    identity, trust, hubKeys, peerAgent: makePeerAgent(identity),
  };

  const handleClient = clientSide(ctx);
  const handleExchange = providerSide(ctx);
  const hub = hubLink(ctx, (renewed) => {
    exchangeServer.setSecureContext({ key: renewed.keyPem, cert: renewed.certificatePem, ca: renewed.caPem });
  });

  function healthz(res: http.ServerResponse): void {
    const t = ctx.trust;
    const me = ctx.identity;
    const body = {
      status: t && !t.expired() ? 'ok' : 'degraded', role: 'gateway', gateway: me.id, department: me.department,
      certificate: { sha256: me.fingerprint, notAfter: me.notAfter.toISOString() },
      globalConfig: t ? { version: t.version, expiresAt: t.config.expiresAt, expired: t.expired() } : null,
      log: log.head,
    };
    respond(res, body.status === 'ok' ? 200 : 503, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(body));
  }

  function internal(res: http.ServerResponse, error: unknown): void {
    logger.error({ err: error }, 'unhandled gateway error');
    if (!res.headersSent) res.writeHead(500, { [H.error]: 'Server.ClientProxy.InternalError' });
    res.end();
  }

  const clientServer = http.createServer((req, res) => {
    if (req.url === '/healthz') return healthz(res);
    if (req.url === '/metrics') {
      metrics.metrics().then((text) => respond(res, 200, { 'content-type': metrics.contentType }, text), (error: unknown) => internal(res, error));
      return;
    }
    handleClient(req, res).catch((error) => internal(res, error));
  });
  clientServer.keepAliveTimeout = 65_000;
  const exchangeServer = https.createServer({
    key: identity.keyPem, cert: identity.certificatePem, ca: identity.caPem, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3',
  }, (req, res) => { handleExchange(req, res).catch((error) => internal(res, error)); });
  exchangeServer.keepAliveTimeout = 65_000;

  try {
    await listen(exchangeServer, options.exchangePort, options.exchangeHost);
    await listen(clientServer, options.clientPort, options.clientHost);
  } catch (error) {
    // A port in use must not leave the log's writer thread and an open listener behind.
    await Promise.all([close(exchangeServer), close(clientServer)]);
    await log.close();
    throw error;
  }

  const timers: NodeJS.Timeout[] = [];
  const every = (seconds: number, name: string, work: () => Promise<unknown>) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      work().catch((error: Error) => logger.warn({ err: error.message }, `${name} failed`)).finally(() => { running = false; });
    }, seconds * 1000);
    timer.unref();
    timers.push(timer);
  };
  every(options.configRefreshSeconds, 'global configuration refresh', hub.refresh);
  every(options.anchorSeconds, 'log anchoring', hub.anchor);
  every(options.reportSeconds, 'operational report', hub.report);
  every(3600, 'message log archive', () => log.archive(path.join(options.dataDir, 'archive'), new Date(Date.now() - options.retentionDays * 86_400_000)));
  every(3600, 'certificate renewal check', hub.renewIfDue);
  await hub.refresh().catch((error: Error) => {
    logger.warn({ err: error.message }, ctx.trust ? 'the hub is unreachable; serving from the saved global configuration' : 'the hub is unreachable and no configuration is saved');
  });

  const clientPort = (clientServer.address() as AddressInfo).port;
  const shownHost = options.clientHost === '0.0.0.0' ? '127.0.0.1' : options.clientHost;
  return {
    get identity() { return ctx.identity; },
    dataDir: options.dataDir,
    clientUrl: `http://${shownHost}:${clientPort}`,
    exchangePort: (exchangeServer.address() as AddressInfo).port,
    log,
    trust: () => ctx.trust,
    refresh: hub.refresh, anchor: hub.anchor, report: hub.report, renew: hub.renew,
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all([close(clientServer), close(exchangeServer)]);
      ctx.peerAgent.destroy();
      ctx.backendAgent.destroy();
      await hub.anchor().catch(() => {});
      await hub.report().catch(() => {});
      await log.close();
    },
  };
}

function listen(server: http.Server | https.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

