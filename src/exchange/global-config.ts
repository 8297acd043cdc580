import { listApiServices } from '../catalog/service.ts';
import { termsInForce } from '../catalog/sharing.service.ts';
import type { HubDatabase } from '../hub/database.ts';
import { journalHead } from '../journal/service.ts';
import { nodesWithCertificates } from './service.ts';
import { type PublicJwk, loadSigningKey, publicJwks, signCompact, type SigningKey } from '../pki/signing.ts';
import { chinaDate } from '../platform/calendar.ts';
import { getInstance, listAllSystems, listDepartments } from '../registry/service.ts';

/**
 * The signed global configuration: the one document every gateway needs to take part in the
 * exchange (X-Road's "shared parameters", reference/exchange.md §1.3). It names the members and
 * their systems and gateways, the services offered, and the access rights that approved sharing
 * agreements give, down to data items (§3: default deny, enforced by the provider's gateway).
 * Signed by the hub, valid until `expiresAt`: a gateway whose copy has expired stops exchanging
 * rather than enforce stale rights (issue 4).
 */
export const GLOBAL_CONFIG_TYP = 'egov-global-config+json';

export interface GlobalConfigMember {
  code: string;
  slug: string;
  nameZh: string;
  nameEn: string;
  parent: string | null;
  systems: { code: string; nameZh: string; nameEn: string }[];
  /** The member's gateways: where to reach them, and the SHA-256 of every certificate they may present today. */
  gateways: { id: string; address: string; certificates: string[] }[];
}

export interface GlobalConfigService {
  provider: string;
  /** `system/service` on the provider's gateway. */
  serviceCode: string;
  resource: string;
  nameZh: string;
  nameEn: string;
  /** The catalog version of the resource, so a gateway can tell its item list changed. */
  version: number;
  /** No longer offered for new requests; listed while agreements on it are in force. */
  withdrawn: boolean;
  /** Sensitivity decides what the provider's gateway does with an item a client was not granted: personal data is masked, the rest removed. */
  items: { name: string; sharingClass: string; sensitivity: string; dataType: string }[];
}

export interface GlobalConfigRight {
  /** `dept/system` of the consumer. */
  client: string;
  provider: string;
  service: string;
  resource: string;
  /** Data items the client may receive; the provider's gateway masks or drops the rest. */
  items: string[];
  purpose: string;
  validFrom: string;
  /** Last day (China) the right holds; the gateway stops honouring it after that day even with an unexpired document. */
  validUntil: string;
  agreement: string;
  /** Requests per minute the provider's gateway allows this client on this service; null for no limit. */
  ratePerMinute: number | null;
}

export interface GlobalConfig {
  /** The city instance code, e.g. CN-LN-DL. */
  instance: string | null;
  /** The journal head at build time: every change to the hub's state gives a new version. */
  version: number;
  generatedAt: string;
  expiresAt: string;
  /** Goes up at every promotion of a standby: a gateway never goes back to a lower one. */
  epoch: number;
  /**
   * Where gateways reach the hub: the hub itself first, then its standbys, which answer only once
   * promoted. A gateway that cannot reach the first tries the others and keeps the highest epoch.
   */
  hubs: { url: string | null; epoch: number; exchangeUrl: string; role: 'hub' | 'standby' }[];
  /** The extranet CA's certificates (PEM): gateways accept TLS peers issued by these, and only with a certificate listed here. */
  caCertificates: string[];
  members: GlobalConfigMember[];
  services: GlobalConfigService[];
  rights: GlobalConfigRight[];
}

export interface GlobalConfigOptions {
  publicUrl: string;
  /** Where gateways reach the hub over mutual TLS. */
  exchangeUrl: string;
  caCertificates: string[];
  /** Seconds the document stays valid. */
  ttlSeconds: number;
  now: Date;
}

/**
 * Reads the registry, the catalog and the agreements in bulk (a fixed handful of queries,
 * whatever the number of members and agreements) and assembles the document.
 */
export async function buildGlobalConfig(db: HubDatabase, options: GlobalConfigOptions): Promise<GlobalConfig> {
  // The head is read before anything else: every read after it sees at least that state, so a
  // document never claims a version newer than its content. A write landing during the build
  // moves the head past this version and the next request builds again.
  const head = await journalHead(db.db);
  const today = chinaDate(options.now);
  const [instance, departments, systems, services, agreements, gateways, standbys] = await Promise.all([
    getInstance(db), listDepartments(db, { limit: 1_000_000 }), listAllSystems(db), listApiServices(db), termsInForce(db, today),
    nodesWithCertificates(db, 'gateway', options.now), nodesWithCertificates(db, 'standby', options.now),
  ]);
  const gatewaysOf = new Map<string, GlobalConfigMember['gateways']>();
  for (const g of gateways) {
    let list = gatewaysOf.get(g.department);
    if (!list) gatewaysOf.set(g.department, list = []);
    list.push({ id: g.id, address: g.address, certificates: g.certificates });
  }

  const systemsOf = new Map<string, GlobalConfigMember['systems']>();
  for (const s of systems) {
    let list = systemsOf.get(s.department);
    if (!list) systemsOf.set(s.department, list = []);
    list.push({ code: s.code, nameZh: s.nameZh, nameEn: s.nameEn });
  }
  const members: GlobalConfigMember[] = departments
    .map((d) => ({
      code: d.code, slug: d.slug, nameZh: d.nameZh, nameEn: d.nameEn, parent: d.parent, systems: systemsOf.get(d.code) ?? [],
      gateways: gatewaysOf.get(d.code) ?? [],
    }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  const serviceById = new Map(services.filter((s) => s.serviceCode !== null).map((s) => [s.id, s]));
  const rights: GlobalConfigRight[] = [];
  const referenced = new Set<string>();
  for (const a of agreements) {
    const service = serviceById.get(a.resource);
    // Datasets are delivered by the data center, not through gateways: they give no gateway right.
    if (!service) continue;
    referenced.add(service.id);
    rights.push({
      client: `${a.consumer}/${a.consumerSystem}`, provider: a.provider,
      // The resource's current service code, not the one copied into the agreement: the provider's
      // gateway routes by the name the service has now.
      service: service.serviceCode!, resource: service.code, items: a.items, purpose: a.purpose,
      validFrom: a.validFrom, validUntil: a.validUntil, agreement: a.id, ratePerMinute: a.ratePerMinute,
    });
  }

  return {
    instance: instance?.code ?? null,
    version: head.seq,
    generatedAt: options.now.toISOString(),
    expiresAt: new Date(options.now.getTime() + options.ttlSeconds * 1000).toISOString(),
    epoch: head.epoch,
    hubs: [
      { url: options.publicUrl, epoch: head.epoch, exchangeUrl: options.exchangeUrl, role: 'hub' as const },
      // A promoted standby is still enrolled as one: it is the hub now, not a second address of it.
      ...standbys.filter((s) => s.address !== options.exchangeUrl).map((s) => ({ url: null, epoch: head.epoch, exchangeUrl: s.address, role: 'standby' as const })),
    ],
    caCertificates: options.caCertificates,
    members,
    services: [...serviceById.values()]
      .filter((s) => !s.withdrawn || referenced.has(s.id))
      .map((s) => ({
        provider: s.provider, serviceCode: s.serviceCode!, resource: s.code, nameZh: s.nameZh, nameEn: s.nameEn,
        version: s.version, withdrawn: s.withdrawn, items: s.items,
      })),
    rights,
  };
}

export interface SignedGlobalConfig {
  version: number;
  /** Compact JWS of the document. */
  jws: string;
  document: GlobalConfig;
  /** The China date the rights were computed for. */
  day: string;
}

export interface GlobalConfigSource {
  database: HubDatabase;
  publicUrl: string;
  exchangeUrl: string;
  caCertificates: string[];
  ttlSeconds: number;
  /** Where the hub's signing key lives. */
  dataDir: string;
}

/**
 * Serves the current signed document, building it only when needed: when the journal head has
 * moved (a change anywhere in the hub's state), when the China date has changed (rights start
 * and end on dates), or when the copy at hand has less than half its validity left (so a gateway
 * fetching it always gets at least half a TTL). Polling is one indexed read of the journal head.
 */
export class GlobalConfigPublisher {
  readonly #source: GlobalConfigSource;
  #key: Promise<SigningKey> | null = null;
  #cached: SignedGlobalConfig | null = null;
  #building: { key: string; promise: Promise<SignedGlobalConfig> } | null = null;

  constructor(source: GlobalConfigSource) {
    this.#source = source;
  }

  async signingKey(): Promise<SigningKey> {
    this.#key ??= loadSigningKey(this.#source.dataDir).catch((error: unknown) => {
      this.#key = null;
      throw error;
    });
    return this.#key;
  }

  async jwks(): Promise<{ keys: PublicJwk[] }> {
    return publicJwks(await this.signingKey());
  }

  async current(now: Date = new Date()): Promise<SignedGlobalConfig> {
    const head = await journalHead(this.#source.database.db);
    const day = chinaDate(now);
    const cached = this.#cached;
    if (cached && cached.version === head.seq && cached.day === day && this.#freshEnough(cached, now)) return cached;
    // Many gateways poll at once after a change: they share one build.
    const key = `${head.seq}|${day}`;
    if (this.#building?.key === key) {
      const built = await this.#building.promise;
      if (this.#freshEnough(built, now)) return built;
    }
    const promise = this.#build(now, day);
    this.#building = { key, promise };
    try {
      const built = await promise;
      // Builds can finish out of order; never replace a newer document with an older one.
      if (!this.#cached || built.version >= this.#cached.version) this.#cached = built;
      return built;
    } finally {
      if (this.#building?.promise === promise) this.#building = null;
    }
  }

  #freshEnough(signed: SignedGlobalConfig, now: Date): boolean {
    return Date.parse(signed.document.expiresAt) - now.getTime() >= (this.#source.ttlSeconds * 1000) / 2;
  }

  async #build(now: Date, day: string): Promise<SignedGlobalConfig> {
    const [key, document] = await Promise.all([
      this.signingKey(),
      buildGlobalConfig(this.#source.database, {
        publicUrl: this.#source.publicUrl, exchangeUrl: this.#source.exchangeUrl, caCertificates: this.#source.caCertificates,
        ttlSeconds: this.#source.ttlSeconds, now,
      }),
    ]);
    return { version: document.version, jws: await signCompact(key, document, GLOBAL_CONFIG_TYP), document, day };
  }
}
