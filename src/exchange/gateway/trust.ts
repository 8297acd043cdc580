import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { verifyCompact } from '../../pki/signing.ts';
import { chinaDate } from '../../platform/calendar.ts';
import { GLOBAL_CONFIG_TYP, type GlobalConfig, type GlobalConfigRight, type GlobalConfigService } from '../global-config.ts';
import { files, writeAtomic } from './identity.ts';

/**
 * The gateway's view of the extranet: the last good signed global configuration, with lookups
 * built once per version. A copy is good when the hub's key verifies it; an expired copy is kept
 * (it is still the best knowledge) but the gateway refuses to exchange on it.
 */
export class Trust {
  readonly config: GlobalConfig;
  readonly jws: string;
  readonly #peers = new Map<string, { department: string; gateway: string }>();
  readonly #gateways = new Map<string, { id: string; address: string; certificates: string[] }[]>();
  readonly #services = new Map<string, GlobalConfigService>();
  readonly #servicesOf = new Map<string, GlobalConfigService[]>();
  readonly #rights = new Map<string, GlobalConfigRight[]>();
  readonly #systems = new Map<string, Set<string>>();

  constructor(config: GlobalConfig, jws: string) {
    this.config = config;
    this.jws = jws;
    for (const member of config.members) {
      this.#systems.set(member.code, new Set(member.systems.map((s) => s.code)));
      this.#gateways.set(member.code, member.gateways);
      for (const g of member.gateways) {
        for (const sha of g.certificates) this.#peers.set(sha, { department: member.code, gateway: g.id });
      }
    }
    for (const s of config.services) {
      this.#services.set(`${s.provider}|${s.serviceCode}`, s);
      const list = this.#servicesOf.get(s.provider) ?? [];
      list.push(s);
      this.#servicesOf.set(s.provider, list);
    }
    for (const r of config.rights) {
      const key = `${r.client}|${r.provider}|${r.service}`;
      const list = this.#rights.get(key) ?? [];
      list.push(r);
      this.#rights.set(key, list);
    }
  }

  get version(): number {
    return this.config.version;
  }

  expired(now = Date.now()): boolean {
    return Date.parse(this.config.expiresAt) <= now;
  }

  /** The gateway presenting a certificate with this SHA-256, if any member lists it. */
  peer(sha256: string): { department: string; gateway: string } | undefined {
    return this.#peers.get(sha256);
  }

  gatewaysOf(department: string): { id: string; address: string; certificates: string[] }[] {
    return this.#gateways.get(department) ?? [];
  }

  isMember(department: string): boolean {
    return this.#systems.has(department);
  }

  hasSystem(department: string, system: string): boolean {
    return this.#systems.get(department)?.has(system) ?? false;
  }

  service(provider: string, serviceCode: string): GlobalConfigService | undefined {
    return this.#services.get(`${provider}|${serviceCode}`);
  }

  servicesOf(provider: string): GlobalConfigService[] {
    return this.#servicesOf.get(provider) ?? [];
  }

  /** Rights of a client on a service that hold on the given China date. */
  rights(client: string, provider: string, serviceCode: string, day: string): GlobalConfigRight[] {
    return (this.#rights.get(`${client}|${provider}|${serviceCode}`) ?? []).filter((r) => r.validFrom <= day && day <= r.validUntil);
  }

  /** Every right of a client in force today, for the allowedMethods metadata service. */
  rightsOfClient(client: string, day: string): GlobalConfigRight[] {
    return this.config.rights.filter((r) => r.client === client && r.validFrom <= day && day <= r.validUntil);
  }

  today(now = new Date()): string {
    return chinaDate(now);
  }
}

export class TrustError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustError';
  }
}

/** Verifies a signed document with the hub's keys; refuses an expired one unless asked to keep it. */
export async function verifyGlobalConfig(jws: string, keys: JSONWebKeySet, options: { allowExpired?: boolean; now?: number } = {}): Promise<Trust> {
  let payload: GlobalConfig;
  try {
    payload = (await verifyCompact<GlobalConfig>(jws, keys, { typ: GLOBAL_CONFIG_TYP })).payload;
  } catch (error) {
    throw new TrustError(`the global configuration's signature does not verify with the hub's keys: ${(error as Error).message}`);
  }
  const trust = new Trust(payload, jws);
  if (!options.allowExpired && trust.expired(options.now)) throw new TrustError(`the global configuration expired at ${payload.expiresAt}`);
  return trust;
}

export async function readHubKeys(dataDir: string): Promise<JSONWebKeySet> {
  return JSON.parse(await readFile(path.join(dataDir, files.hubKeys), 'utf8')) as JSONWebKeySet;
}

/** The last good copy on disk, verified again (a tampered file is not trusted), expired or not. */
export async function readSavedConfig(dataDir: string, keys: JSONWebKeySet): Promise<Trust | null> {
  let jws: string;
  try {
    jws = (await readFile(path.join(dataDir, files.config), 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return verifyGlobalConfig(jws, keys, { allowExpired: true });
}

export async function saveConfig(dataDir: string, trust: Trust): Promise<void> {
  await writeAtomic(path.join(dataDir, files.config), `${trust.jws}\n`);
}
