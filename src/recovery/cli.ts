import https from 'node:https';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { advertisedAddress } from '../exchange/gateway/cli.ts';
import { enrol, loadIdentity } from '../exchange/gateway/identity.ts';
import { openHubDatabase } from '../hub/database.ts';
import { type RunningHub, startHub } from '../hub/server.ts';
import { type Config, backupKeyOf } from '../platform/config.ts';
import { promoteDatabase } from './promote.ts';
import { prepareRejoin } from './rejoin.ts';
import { CONTROL_FILE, type RunningStandby, startStandby } from './standby.ts';

/**
 * `egov standby`: enrol on the first start (a standby token from a platform administrator), then
 * follow. With --rejoin, the data folder is a former hub's: what it holds that the new hub never
 * received is reported and set aside first. On `egov promote`, the same process becomes the hub,
 * on the same ports and the same copy.
 */
export async function runStandby(config: Config, options: { rejoin?: boolean; onHub?: (hub: RunningHub) => void } = {}): Promise<RunningStandby> {
  if (!(await loadIdentity(config.data))) {
    if (!config.hub || !config.token) throw new Error(`${config.data} holds no enrolled standby: give --hub URL (the primary) and --token TOKEN (POST /api/v1/gateway-tokens with "role": "standby") for the first start`);
    const identity = await enrol({ dataDir: config.data, hubUrl: config.hub, token: config.token, address: advertisedAddress(config) });
    process.stderr.write(`enrolled as ${identity.id}\n`);
  }
  if (options.rejoin) {
    const identity = (await loadIdentity(config.data))!;
    const agent = new https.Agent({ key: identity.keyPem, cert: identity.certificatePem, ca: identity.caPem, minVersion: 'TLSv1.3' });
    const report = await prepareRejoin({ dataDir: config.data, databaseUrl: config.databaseUrl, hubExchangeUrl: identity.hubExchangeUrl, agent }).finally(() => agent.destroy());
    process.stderr.write(report.unreplicated === 0
      ? `rejoin: this copy (entry ${report.ownHead.seq}) is all on the new hub; following from there\n`
      : `rejoin: ${report.unreplicated} entries (${report.agreedThrough + 1}…${report.ownHead.seq}) never reached the new hub; they are in ${report.reportFile}${report.setAside ? `, the old database in ${report.setAside}` : ''}. Copying the new hub's journal from the start.\n`);
  }
  const running = await startStandby({
    dataDir: config.data, databaseUrl: config.databaseUrl, sqliteSync: config.sqliteSync, host: config.host, port: config.port, logLevel: config.logLevel,
    ...(await scheduledBackups(config)),
    async onPromoted(promotion, database, where) {
      // The hub answers where the standby did, so whoever watched the standby finds the hub.
      const hub = await startHub({ ...config, port: where.port }, undefined, { database });
      process.stderr.write(`promoted to hub, epoch ${promotion.epoch} (after entry ${promotion.afterSeq}): ${hub.url}, gateways at ${hub.hub.exchangeUrl}\n`);
      options.onHub?.(hub);
    },
  });
  const status = running.status();
  process.stderr.write(`standby following ${status.primary} from entry ${status.position.seq}; status at ${running.url}/healthz\n`);
  return running;
}

/** Backups every `backupEvery` minutes when a key is given; without one the standby still replicates, and says so. */
async function scheduledBackups(config: Config): Promise<{ backups?: { key: Buffer; everyMinutes: number; keep: number } }> {
  if (config.backupEvery === 0) return {};
  if (!config.backupKey && !config.backupKeyFile) {
    process.stderr.write(`no backup key (EGOV_BACKUP_KEY or --backup-key-file): this standby replicates but keeps no backups\n`);
    return {};
  }
  return { backups: { key: backupKeyOf(config), everyMinutes: config.backupEvery, keep: config.backupKeep } };
}

/**
 * `egov promote --data DIR`: asks the standby running on that folder to become the hub, and waits
 * until it answers as one. With no standby running there, promotes the copy in place; the hub is
 * then started with `egov hub --data DIR`.
 */
export async function promoteCommand(config: Config): Promise<number> {
  const control = await readFile(path.join(config.data, CONTROL_FILE), 'utf8').then((t) => JSON.parse(t) as { url: string; token: string }, () => null);
  const started = Date.now();
  if (control) {
    const response = await fetch(`${control.url}/promote`, { method: 'POST', headers: { authorization: `Bearer ${control.token}` } }).catch(() => null);
    if (response) {
      const body = await response.json().catch(() => ({})) as { epoch?: number; afterSeq?: number; message?: string };
      if (!response.ok) {
        process.stderr.write(`the standby refused to promote (${response.status}): ${body.message ?? 'no reason given'}\n`);
        return 1;
      }
      for (let i = 0; i < 600; i += 1) {
        const health = await fetch(`${control.url}/healthz`).then((r) => r.json() as Promise<{ role?: string }>, () => null);
        if (health?.role === 'hub') {
          process.stderr.write(`promoted: epoch ${body.epoch}, after entry ${body.afterSeq}; the hub answers at ${control.url} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
          return 0;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      process.stderr.write(`the standby promoted its copy (epoch ${body.epoch}) but no hub answered at ${control.url} within a minute: see its log\n`);
      return 1;
    }
  }
  const identity = await loadIdentity(config.data);
  if (!identity) {
    process.stderr.write(`${config.data} holds no standby: give the data folder of the standby to promote\n`);
    return 2;
  }
  const database = await openHubDatabase(config);
  try {
    const promotion = await promoteDatabase(database, identity.id, identity.address);
    process.stderr.write(`no standby was running on ${config.data}; its copy is promoted (epoch ${promotion.epoch}, after entry ${promotion.afterSeq}). Start the hub: egov hub --data ${config.data}\n`);
    return 0;
  } finally {
    await database.close();
  }
}
