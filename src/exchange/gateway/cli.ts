import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JSONWebKeySet } from 'jose';
import type { Config } from '../../platform/config.ts';
import { type Evidence, exportEvidence, verifyEvidence } from '../evidence.ts';
import { enrol, files, loadIdentity } from './identity.ts';
import { MessageLog } from './log.ts';
import { type RunningGateway, type GatewayOptions, startGateway } from './server.ts';
import { readServicesFile } from './services.ts';

/**
 * What `egov gateway` does with the shared settings: `port` is the department side, `exchangePort`
 * the mutual-TLS side, `data` the gateway's folder, `databaseUrl` its own store.
 */
export function gatewayOptions(config: Config, overrides: Partial<GatewayOptions> = {}): GatewayOptions {
  return {
    dataDir: config.data, databaseUrl: config.databaseUrl, sqliteSync: config.sqliteSync,
    clientHost: config.host, clientPort: config.port, exchangeHost: config.host, exchangePort: config.exchangePort,
    services: readServicesFile(config.services ?? path.join(config.data, 'services.json')),
    configRefreshSeconds: config.configRefresh, anchorSeconds: config.anchorSeconds, reportSeconds: config.reportSeconds,
    retentionDays: config.retentionDays, timeoutMs: config.timeoutMs, maxBodyBytes: config.bodyLimit, logClientBodies: config.logBodies,
    logLevel: config.logLevel,
    ...overrides,
  };
}

/** The address other gateways use: the configured one, or https://host:exchange-port. */
export function advertisedAddress(config: Config): string {
  return config.exchangeUrl ?? `https://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.exchangePort}`;
}

export async function runGateway(config: Config, overrides: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  let identity = await loadIdentity(config.data);
  if (!identity) {
    if (!config.hub || !config.token) throw new Error(`${config.data} holds no enrolled gateway: give --hub URL and --token TOKEN (from the console) for the first start`);
    identity = await enrol({ dataDir: config.data, hubUrl: config.hub, token: config.token, address: advertisedAddress(config) });
    process.stderr.write(`enrolled as ${identity.id}; certificate valid until ${identity.notAfter.toISOString()}\n`);
  } else if (config.token) {
    process.stderr.write(`already enrolled as ${identity.id}; the token was not used\n`);
  }
  const running = await startGateway(gatewayOptions(config, overrides));
  process.stderr.write(`gateway ${running.identity.id}: department systems call ${running.clientUrl}/r1/…, other gateways ${advertisedAddress(config)}\n`);
  return running;
}

export async function verifyGatewayLog(config: Config): Promise<number> {
  const log = await MessageLog.open({ url: config.databaseUrl, dataDir: config.data });
  try {
    const report = await log.verify();
    if (report.ok) {
      process.stdout.write(`message log ok: ${report.checked} entries, head ${report.head}, ${report.anchorsChecked} countersigned heads match\n`);
      return 0;
    }
    process.stderr.write(`message log BROKEN at entry ${report.seq}: ${report.problem} (${report.checked} entries before it verified)\n`);
    return 1;
  } finally {
    await log.close();
  }
}

export async function writeEvidence(config: Config, messageId: string, out?: string): Promise<void> {
  const identity = await loadIdentity(config.data);
  if (!identity) throw new Error(`${config.data} holds no enrolled gateway`);
  const log = await MessageLog.open({ url: config.databaseUrl, dataDir: config.data });
  try {
    const globalConfig = (await readFile(path.join(config.data, files.config), 'utf8')).trim();
    const evidence = await exportEvidence(log, identity.id, messageId, globalConfig);
    const text = `${JSON.stringify(evidence, null, 2)}\n`;
    if (out) await writeFile(out, text);
    else process.stdout.write(text);
  } finally {
    await log.close();
  }
}

export async function archiveGatewayLog(config: Config): Promise<void> {
  const log = await MessageLog.open({ url: config.databaseUrl, dataDir: config.data });
  try {
    const result = await log.archive(path.join(config.data, 'archive'), new Date(Date.now() - config.retentionDays * 86_400_000));
    process.stdout.write(result.file ? `archived ${result.archived} entries to ${result.file}\n` : 'nothing to archive (entries are archived only once countersigned and older than the retention)\n');
  } finally {
    await log.close();
  }
}

export async function checkEvidenceFile(file: string, keysFrom: string): Promise<number> {
  const evidence = JSON.parse(await readFile(file, 'utf8')) as Evidence;
  const keys = /^https?:\/\//.test(keysFrom)
    ? await (await fetch(keysFrom)).json() as JSONWebKeySet
    : JSON.parse(await readFile(keysFrom, 'utf8')) as JSONWebKeySet;
  const report = await verifyEvidence(evidence, keys);
  for (const line of report.checks) process.stdout.write(`✓ ${line}\n`);
  if (report.ok) {
    process.stdout.write(`evidence holds: exchange ${evidence.messageId} in ${evidence.gateway}'s log\n`);
    return 0;
  }
  process.stderr.write(`✗ ${report.problem}\n`);
  return 1;
}
