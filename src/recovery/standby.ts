import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { Gauge, Registry } from 'prom-client';
import { loadIdentity } from '../exchange/gateway/identity.ts';
import { type HubDatabase, hubMigrations } from '../hub/database.ts';
import { type FeedEntry, type Position, ReplicationError, applyFeed, positionOf } from '../journal/feed.ts';
import { migrate, openDatabase } from '../platform/db/index.ts';
import { signText } from '../exchange/protocol.ts';
import { send } from '../exchange/gateway/transport.ts';
import { writeFileAtomic, writePrivateFile } from '../pki/files.ts';
import { type Promotion, promoteDatabase } from './promote.ts';
import { type BackupRecords, lastRecords, scheduleBackups } from './backup-schedule.ts';
import { witnessText } from './witness.ts';

/**
 * The disaster recovery center's standby, asynchronous mode: it follows the hub's journal over
 * mutual TLS as it is written, checks every entry against its own head before applying it to its
 * own database (SQLite or PostgreSQL, whatever the hub uses), and resumes after its last entry
 * when restarted. A gap, a broken or altered chain, or a schema it does not know stops it for
 * good with a loud alert: it never applies what it cannot verify. A dropped connection is retried.
 */
export interface StandbyOptions {
  dataDir: string;
  databaseUrl: string | null;
  sqliteSync?: 'full' | 'normal';
  /** Where /healthz and /metrics are served. */
  host: string;
  port: number;
  /** Seconds between countersignatures of the verified head, sent to the hub (default 10). */
  witnessSeconds?: number;
  logLevel?: string;
  logStream?: NodeJS.WritableStream;
  /** Scheduled backups of the copy into DATA/backups, each verified after writing. */
  backups?: { key: Buffer; everyMinutes: number; keep: number };
  /** Called after each durable apply with the new head (benchmarks measure lag with it). */
  onApplied?: (seq: number) => void;
  /** After `egov promote` (POST /promote): start the hub on the copy. */
  onPromoted?: (promotion: Promotion, database: HubDatabase, where: { port: number }) => Promise<unknown> | void;
}

/** Where `egov promote` finds the running standby and the token that lets it promote it. */
export const CONTROL_FILE = 'standby-control.json';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type StandbyState = 'connecting' | 'following' | 'stopped';

export interface StandbyStatus {
  role: 'standby';
  state: StandbyState;
  primary: string;
  position: Position;
  /** The primary's head as last heard (feed header, entries or heartbeat). */
  primaryHead: number;
  lagEntries: number;
  /** From an entry's commit at the primary to its commit here, for the latest entry applied. */
  lagMs: number;
  lastError: string | null;
  stoppedBecause: ReplicationError['kind'] | null;
  /** The last head this standby countersigned and the hub accepted. */
  lastWitness: { seq: number; at: string } | null;
  /** Minutes between scheduled backups; 0 when there are none (no key given). */
  backupEvery: number;
}

/** What the standby tells the hub with every witness, for the console's disaster recovery page. */
export type StandbyReport = Pick<StandbyStatus, 'state' | 'position' | 'lagEntries' | 'lagMs' | 'lastError' | 'backupEvery'> & BackupRecords & { at: string };

export interface RunningStandby {
  url: string;
  database: HubDatabase;
  status(): StandbyStatus;
  /** Resolves once the copy holds entry `seq` (tests, drills). */
  reached(seq: number, timeoutMs?: number): Promise<void>;
  /** Countersigns the head now and reports to the hub (it also happens on a timer). */
  witness(): Promise<void>;
  /** Stops following and starts a new epoch on the copy; the caller starts the hub on `database`. */
  promote(): Promise<Promotion>;
  stop(): Promise<void>;
}

export async function startStandby(options: StandbyOptions): Promise<RunningStandby> {
  const identity = await loadIdentity(options.dataDir);
  if (!identity) throw new Error(`${options.dataDir} holds no enrolled standby: give --primary URL and --token TOKEN (a standby token from a platform administrator) for the first start`);
  const logger: Logger = pino({ level: options.logLevel ?? 'info', base: { role: 'standby', node: identity.id } }, options.logStream ?? process.stdout);
  // The same file name as a hub's: a promoted standby is a hub on this very folder.
  const database = await openDatabase({ url: options.databaseUrl, dataDir: options.dataDir, sqliteSync: options.sqliteSync ?? 'full' }) as HubDatabase;
  await migrate(database, hubMigrations);
  const known = new Set(Object.keys(hubMigrations));
  const agent = new https.Agent({ keepAlive: true, maxCachedSessions: 0, key: identity.keyPem, cert: identity.certificatePem, ca: identity.caPem, minVersion: 'TLSv1.3' });

  const status: StandbyStatus = {
    role: 'standby', state: 'connecting', primary: identity.hubExchangeUrl, position: await positionOf(database.db),
    primaryHead: 0, lagEntries: 0, lagMs: 0, lastError: null, stoppedBecause: null, lastWitness: null,
    backupEvery: options.backups?.everyMinutes ?? 0,
  };
  const stopBackups = options.backups
    ? scheduleBackups({ database, dataDir: options.dataDir, key: options.backups.key, everyMinutes: options.backups.everyMinutes, keep: options.backups.keep, logger, node: identity.id })
    : null;
  const waiters = new Set<{ seq: number; resolve: () => void }>();
  let request: http.ClientRequest | null = null;
  let running = true;
  let retry: NodeJS.Timeout | null = null;
  let inflight: Promise<void> = Promise.resolve();

  const metrics = new Registry();
  new Gauge({ name: 'egov_standby_position_seq', help: 'last journal entry applied here', registers: [metrics], collect() { this.set(status.position.seq); } });
  new Gauge({ name: 'egov_standby_lag_entries', help: 'entries the primary has that this copy has not', registers: [metrics], collect() { this.set(status.lagEntries); } });
  new Gauge({ name: 'egov_standby_lag_seconds', help: 'commit here minus commit at the primary, latest entry', registers: [metrics], collect() { this.set(status.lagMs / 1000); } });
  new Gauge({ name: 'egov_standby_stopped', help: '1 when replication stopped on an entry it could not verify', registers: [metrics], collect() { this.set(status.state === 'stopped' ? 1 : 0); } });

  const heard = (head: number) => {
    status.primaryHead = Math.max(status.primaryHead, head);
    status.lagEntries = Math.max(0, status.primaryHead - status.position.seq);
  };

  async function apply(entries: FeedEntry[]): Promise<void> {
    status.position = await applyFeed(database, entries);
    acknowledge();
    options.onApplied?.(status.position.seq);
    const last = entries[entries.length - 1]!;
    status.lagMs = Math.max(0, Date.now() - Date.parse(last.at));
    heard(last.seq);
    for (const w of waiters) {
      if (status.position.seq >= w.seq) {
        waiters.delete(w);
        w.resolve();
      }
    }
  }

  function stopFor(error: ReplicationError): void {
    status.state = 'stopped';
    status.stoppedBecause = error.kind;
    status.lastError = error.message;
    logger.fatal({ kind: error.kind, position: status.position }, `REPLICATION STOPPED: ${error.message}`);
    request?.destroy();
  }

  function connect(): void {
    if (!running || status.state === 'stopped') return;
    status.state = 'connecting';
    const url = new URL(`/gw/v1/journal?after=${status.position.seq}`, identity!.hubExchangeUrl);
    let partial: string[] = [];
    let chain: Promise<void> = Promise.resolve();
    // Errors of a connection already given up (its teardown reports "aborted") must not hide why.
    const fail = (error: Error) => { if (request === current) failed(error); };
    const current = https.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        fail(new Error(`the primary answered ${response.statusCode} to the journal feed`));
        return;
      }
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        // A line can be megabytes (an uploaded file's row): gather its pieces, split only at a line's end.
        const end = chunk.lastIndexOf('\n');
        if (end < 0) {
          partial.push(chunk);
          return;
        }
        const lines = (partial.join('') + chunk.slice(0, end)).split('\n');
        partial = end + 1 < chunk.length ? [chunk.slice(end + 1)] : [];
        // One batch at a time, in order: pausing the response is the backpressure on the primary.
        response.pause();
        chain = chain.then(() => handle(lines)).then(() => { response.resume(); }, (error: unknown) => {
          if (error instanceof ReplicationError) stopFor(error);
          else {
            // This copy could not store what it verified (disk full, its database down): loud, then retried.
            logger.error({ alert: 'standby-cannot-store', err: (error as Error).message, position: status.position }, `ALERT: the standby cannot store journal entries: ${(error as Error).message}`);
            fail(error as Error);
          }
        });
        inflight = chain;
      });
      response.on('end', () => { void chain.then(() => fail(new Error('the primary closed the journal feed'))); });
      response.on('error', (error) => fail(error));
    });
    request = current;
    request.on('error', (error) => fail(error));
    // The request's body is this copy's acknowledgements; the first says where it stands.
    acknowledge();
  }

  /** Tells the primary how far this copy is stored durably (it is called after each commit). */
  function acknowledge(): void {
    if (request && !request.destroyed) request.write(`{"ack":${status.position.seq}}\n`);
  }

  async function handle(lines: string[]): Promise<void> {
    const entries: FeedEntry[] = [];
    for (const line of lines) {
      if (!line) continue;
      const message = JSON.parse(line) as { migrations?: string[]; head?: { seq: number }; keys?: Record<string, string>; entry?: FeedEntry; heartbeat?: { seq: number } };
      if (message.migrations) {
        const unknown = message.migrations.filter((m) => !known.has(m));
        if (unknown.length > 0) throw new ReplicationError('schema', `the primary's schema has migrations this standby does not know (${unknown.join(', ')}): upgrade the standby first`);
        if (message.keys) await keepHubKeys(options.dataDir, message.keys);
        heard(message.head!.seq);
        status.state = 'following';
        status.lastError = null;
        logger.info({ position: status.position, primaryHead: message.head!.seq }, 'following the primary');
      } else if (message.entry) entries.push(message.entry);
      else if (message.heartbeat) heard(message.heartbeat.seq);
    }
    if (entries.length > 0) await apply(entries);
  }

  function failed(error: Error): void {
    if (!running || status.state === 'stopped') return;
    request?.destroy();
    request = null;
    status.state = 'connecting';
    status.lastError = error.message;
    logger.warn({ err: error.message }, 'journal feed interrupted; reconnecting');
    if (!retry) retry = setTimeout(() => { retry = null; connect(); }, 1000);
  }

  /**
   * Signs the head this copy has verified and gives it to the hub, which keeps it. The hub refuses
   * a head its own journal no longer matches: its history was rewritten, and replication stops.
   */
  async function witness(): Promise<void> {
    const position = status.position;
    if (status.state === 'stopped' || position.seq === 0 || status.lastWitness?.seq === position.seq) return;
    const body = JSON.stringify({ seq: position.seq, hash: position.hash, signature: signText(identity!.key, witnessText(identity!.id, position.seq, position.hash)) });
    const sent = await send(new URL('/gw/v1/witness', identity!.hubExchangeUrl), {
      method: 'POST', agent, timeoutMs: 15_000, maxBytes: 65_536, body,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    if (sent.status === 409) {
      const message = (JSON.parse(sent.body.toString('utf8')) as { message?: string }).message ?? 'the hub refused the witness';
      stopFor(new ReplicationError('broken', message));
      return;
    }
    if (sent.status !== 200) throw new Error(`the hub answered ${sent.status} to the witness: ${sent.body.toString('utf8').slice(0, 200)}`);
    status.lastWitness = { seq: position.seq, at: new Date().toISOString() };
  }

  /** The standby's state, backups and drills, for the hub's console (sent with every witness). */
  async function report(): Promise<void> {
    const { state, lagEntries, lagMs, lastError, backupEvery } = status;
    const body = JSON.stringify({ state, position: status.position, lagEntries, lagMs, lastError, backupEvery, ...await lastRecords(database), at: new Date().toISOString() } satisfies StandbyReport);
    await send(new URL('/gw/v1/standby-report', identity!.hubExchangeUrl), {
      method: 'POST', agent, timeoutMs: 15_000, maxBytes: 65_536, body,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
  }
  const witnessTimer = setInterval(() => {
    witness().then(report).catch((error: Error) => logger.warn({ err: error.message }, 'witness or report failed'));
  }, (options.witnessSeconds ?? 10) * 1000);
  witnessTimer.unref();

  // Only someone who can read this folder can promote: `egov promote --data DIR` reads the token.
  const promoteToken = randomBytes(32).toString('base64url');
  const server = http.createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/promote') {
      if (!sameSecret(req.headers.authorization ?? '', `Bearer ${promoteToken}`)) {
        res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'promotion needs the token in this standby\'s data folder: run egov promote --data DIR on its machine' }));
        return;
      }
      try {
        const promotion = await promote();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(promotion));
        res.once('finish', () => { void closeServer().then(() => options.onPromoted?.(promotion, database, { port })); });
      } catch (error) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: (error as Error).message }));
      }
      return;
    }
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.contentType });
      res.end(await metrics.metrics());
      return;
    }
    const body = JSON.stringify(status);
    res.writeHead(req.url === '/healthz' ? (status.state === 'stopped' ? 503 : 200) : 404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`;
  await writePrivateFile(path.join(options.dataDir, CONTROL_FILE), JSON.stringify({ url, token: promoteToken }));
  connect();

  let promoted: Promotion | null = null;
  async function halt(): Promise<void> {
    running = false;
    clearInterval(witnessTimer);
    await stopBackups?.();
    if (retry) clearTimeout(retry);
    request?.destroy();
    agent.destroy();
    await inflight.catch(() => {});
  }
  const closeServer = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });

  /** Stops following, then starts the next epoch on this copy: from now on it is the hub's database. */
  async function promote(): Promise<Promotion> {
    if (promoted) return promoted;
    await halt();
    promoted = await promoteDatabase(database, identity!.id, identity!.address);
    status.state = 'stopped';
    logger.warn({ promotion: promoted }, `PROMOTED: this copy is the hub's database from epoch ${promoted.epoch}, after entry ${promoted.afterSeq}`);
    await rm(path.join(options.dataDir, CONTROL_FILE), { force: true });
    return promoted;
  }

  return {
    url,
    database,
    async promote() {
      const promotion = await promote();
      await closeServer();
      return promotion;
    },
    status: () => ({ ...status, position: { ...status.position } }),
    async witness() {
      await witness();
      await report();
    },
    reached(seq, timeoutMs = 30_000) {
      if (status.position.seq >= seq) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const waiter = { seq, resolve: () => { clearTimeout(timer); resolve(); } };
        const timer = setTimeout(() => { waiters.delete(waiter); reject(new Error(`the standby is at ${status.position.seq}, not ${seq}, after ${timeoutMs} ms (${status.state}: ${status.lastError ?? 'no error'})`)); }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      await halt();
      await closeServer();
      // A promoted copy's database belongs to the hub now.
      if (!promoted) {
        await database.close();
        await rm(path.join(options.dataDir, CONTROL_FILE), { force: true });
      }
    },
  };
}

/**
 * The hub's CA and publishing keys, kept so that this folder can become the hub: written only when
 * they differ from what is here, private ones readable by this user only.
 */
async function keepHubKeys(dataDir: string, keys: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(keys)) {
    if (!/^hub-[a-z-]+\.(pem|json)$/.test(file)) continue;
    const target = path.join(dataDir, file);
    if ((await readFile(target, 'utf8').catch(() => null)) === content) continue;
    if (file.includes('key')) await writePrivateFile(target, content);
    else await writeFileAtomic(target, content, 0o644);
  }
}
