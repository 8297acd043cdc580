import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every setting of every role, in one table: its command-line flag, its environment variable,
 * its key in the optional JSON config file, how it is parsed, and what it means. The README's
 * configuration section is this table. Precedence: flag, then environment, then file, then default.
 */
const settings = {
  port: {
    flag: '--port', env: 'EGOV_PORT', default: '8080',
    doc: 'TCP port the role listens on',
    parse: (v: string) => integerIn(v, 0, 65535),
  },
  host: {
    flag: '--host', env: 'EGOV_HOST', default: '127.0.0.1',
    doc: 'address to listen on (0.0.0.0 for every interface)',
    parse: (v: string) => nonEmpty(v),
  },
  data: {
    flag: '--data', env: 'EGOV_DATA', default: './data',
    doc: 'data folder: the SQLite database, keys and files of this role',
    parse: (v: string) => path.resolve(nonEmpty(v)),
  },
  databaseUrl: {
    flag: '--database-url', env: 'DATABASE_URL', default: '',
    doc: 'postgres://user@host:port/db to use PostgreSQL; empty for SQLite in the data folder',
    parse: (v: string) => {
      if (v === '') return null;
      if (!/^postgres(ql)?:\/\//.test(v)) throw new Error('must start with postgres:// (or be empty for SQLite)');
      return v;
    },
  },
  publicUrl: {
    flag: '--public-url', env: 'EGOV_PUBLIC_URL', default: '',
    doc: 'the address people and department systems use to reach this role (issuer of single sign-on); defaults to http://host:port',
    parse: (v: string) => {
      if (v === '') return null;
      const url = URL.parse(v);
      if (!url || !/^https?:$/.test(url.protocol)) throw new Error('must be an http:// or https:// URL');
      return url.href.replace(/\/$/, '');
    },
  },
  logLevel: {
    flag: '--log-level', env: 'EGOV_LOG_LEVEL', default: 'info',
    doc: 'fatal, error, warn, info, debug or silent',
    parse: (v: string) => oneOf(v, ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const),
  },
  sessionHours: {
    flag: '--session-hours', env: 'EGOV_SESSION_HOURS', default: '8',
    doc: 'a staff session ends this many hours after sign-in',
    parse: (v: string) => integerIn(v, 1, 168),
  },
  maxFailedSignIns: {
    flag: '--max-failed-sign-ins', env: 'EGOV_MAX_FAILED_SIGN_INS', default: '5',
    doc: 'consecutive wrong passwords or codes after which an account is locked',
    parse: (v: string) => integerIn(v, 1, 100),
  },
  lockoutMinutes: {
    flag: '--lockout-minutes', env: 'EGOV_LOCKOUT_MINUTES', default: '15',
    doc: 'how long a locked account stays locked',
    parse: (v: string) => integerIn(v, 1, 1440),
  },
  bodyLimit: {
    flag: '--body-limit', env: 'EGOV_BODY_LIMIT', default: '1048576',
    doc: 'largest request body accepted, in bytes',
    parse: (v: string) => integerIn(v, 1024, 1024 * 1024 * 1024),
  },
  shareReplyDays: {
    flag: '--share-reply-days', env: 'EGOV_SHARE_REPLY_DAYS', default: '10',
    doc: 'working days a provider has to answer a conditional sharing request',
    parse: (v: string) => integerIn(v, 1, 60),
  },
  ratingDays: {
    flag: '--rating-days', env: 'EGOV_RATING_DAYS', default: '15',
    doc: 'calendar days after the day a case closed during which its applicant can rate it (好差评)',
    parse: (v: string) => integerIn(v, 1, 365),
  },
  rectificationDays: {
    flag: '--rectification-days', env: 'EGOV_RECTIFICATION_DAYS', default: '5',
    doc: 'working days a department has to rectify after a bad review and reply to the rater',
    parse: (v: string) => integerIn(v, 1, 60),
  },
  globalConfigTtl: {
    flag: '--global-config-ttl', env: 'EGOV_GLOBAL_CONFIG_TTL', default: '600',
    doc: 'seconds a signed global configuration stays valid for gateways',
    parse: (v: string) => integerIn(v, 60, 7 * 86400),
  },
  exchangePort: {
    flag: '--exchange-port', env: 'EGOV_EXCHANGE_PORT', default: '5500',
    doc: 'TCP port for mutual TLS: where gateways reach the hub, and where a gateway takes calls from other gateways',
    parse: (v: string) => integerIn(v, 0, 65535),
  },
  exchangeUrl: {
    flag: '--exchange-url', env: 'EGOV_EXCHANGE_URL', default: '',
    doc: 'https://host:port others use to reach this role over mutual TLS; defaults to https://host:exchange-port',
    parse: (v: string) => {
      if (v === '') return null;
      const url = URL.parse(v);
      if (!url || url.protocol !== 'https:' || url.pathname !== '/' || url.search) throw new Error('must be https://host:port');
      return `https://${url.host}`;
    },
  },
  certificateDays: {
    flag: '--certificate-days', env: 'EGOV_CERTIFICATE_DAYS', default: '90',
    doc: 'days a gateway certificate from the hub\'s CA is valid; gateways renew after two thirds',
    parse: (v: string) => integerIn(v, 1, 825),
  },
  enrolmentHours: {
    flag: '--enrolment-hours', env: 'EGOV_ENROLMENT_HOURS', default: '24',
    doc: 'hours a gateway enrolment token stays usable',
    parse: (v: string) => integerIn(v, 1, 720),
  },
  hub: {
    flag: '--hub', env: 'EGOV_HUB', default: '',
    doc: 'gateway: the hub\'s public URL, for enrolment',
    parse: (v: string) => {
      if (v === '') return null;
      const url = URL.parse(v);
      if (!url || !/^https?:$/.test(url.protocol)) throw new Error('must be an http:// or https:// URL');
      return url.href.replace(/\/$/, '');
    },
  },
  token: {
    flag: '--token', env: 'EGOV_TOKEN', default: '',
    doc: 'gateway: the one-time enrolment token from the console (only for the first start)',
    parse: (v: string) => (v === '' ? null : v),
  },
  services: {
    flag: '--services', env: 'EGOV_SERVICES', default: '',
    doc: 'gateway: JSON file naming the backends of the services this department provides; defaults to services.json in the data folder',
    parse: (v: string) => (v === '' ? null : path.resolve(v)),
  },
  configRefresh: {
    flag: '--config-refresh', env: 'EGOV_CONFIG_REFRESH', default: '60',
    doc: 'gateway: seconds between fetches of the global configuration (revocations take effect within this)',
    parse: (v: string) => integerIn(v, 1, 3600),
  },
  anchorSeconds: {
    flag: '--anchor-seconds', env: 'EGOV_ANCHOR_SECONDS', default: '30',
    doc: 'gateway: seconds between countersignatures of the message log head by the hub (at most 60)',
    parse: (v: string) => integerIn(v, 1, 60),
  },
  reportSeconds: {
    flag: '--report-seconds', env: 'EGOV_REPORT_SECONDS', default: '10',
    doc: 'gateway: seconds between batches of operational records sent to the hub',
    parse: (v: string) => integerIn(v, 1, 3600),
  },
  retentionDays: {
    flag: '--retention-days', env: 'EGOV_RETENTION_DAYS', default: '30',
    doc: 'gateway: days message log entries stay in the database before they are archived to files',
    parse: (v: string) => integerIn(v, 1, 3650),
  },
  timeoutMs: {
    flag: '--timeout-ms', env: 'EGOV_TIMEOUT_MS', default: '30000',
    doc: 'gateway: how long to wait for a peer gateway or a backend (services can set their own)',
    parse: (v: string) => integerIn(v, 100, 600_000),
  },
  logBodies: {
    flag: '--log-bodies', env: 'EGOV_LOG_BODIES', default: 'false',
    doc: 'gateway: keep the bodies of exchanges this department starts in the message log (true/false)',
    parse: (v: string) => oneOf(v, ['true', 'false'] as const) === 'true',
  },
  replication: {
    flag: '--replication', env: 'EGOV_REPLICATION', default: 'async',
    doc: 'hub: async (writes do not wait for the standby; its lag is the recovery point) or sync (a write is acknowledged only once a standby has stored it)',
    parse: (v: string) => oneOf(v, ['async', 'sync'] as const),
  },
  syncTimeout: {
    flag: '--sync-timeout', env: 'EGOV_SYNC_TIMEOUT', default: '2000',
    doc: 'hub, sync mode: milliseconds a write waits for a standby before --sync-fallback applies',
    parse: (v: string) => integerIn(v, 10, 600_000),
  },
  syncFallback: {
    flag: '--sync-fallback', env: 'EGOV_SYNC_FALLBACK', default: 'async',
    doc: 'hub, sync mode, no standby confirms in time: async (carry on asynchronously with an alert until a standby catches up) or wait (writes wait: no acknowledged write can be lost)',
    parse: (v: string) => oneOf(v, ['async', 'wait'] as const),
  },
  sqliteSync: {
    flag: '--sqlite-sync', env: 'EGOV_SQLITE_SYNC', default: 'full',
    doc: 'full: every commit is on disk before it is acknowledged (survives power loss); normal: survives a crash of the process but not of the machine',
    parse: (v: string) => oneOf(v, ['full', 'normal'] as const),
  },
  backupKey: {
    flag: '--backup-key', env: 'EGOV_BACKUP_KEY', default: '',
    doc: 'key that encrypts backups: 64 hex characters or the base64 of 32 bytes (openssl rand -hex 32); give it in the environment or with --backup-key-file, since a flag is visible to every user of the machine',
    parse: (v: string) => (v === '' ? null : new SecretKey(backupKeyBytes(v), null)),
  },
  backupKeyFile: {
    flag: '--backup-key-file', env: 'EGOV_BACKUP_KEY_FILE', default: '',
    doc: 'file holding the backup key (as EGOV_BACKUP_KEY), readable by this role only',
    parse: (v: string) => {
      if (v === '') return null;
      const file = path.resolve(v);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      return new SecretKey(backupKeyBytes(text.trim()), file);
    },
  },
  backupEvery: {
    flag: '--backup-every', env: 'EGOV_BACKUP_EVERY', default: '60',
    doc: 'standby: minutes between backups into DATA/backups (0: none)',
    parse: (v: string) => integerIn(v, 0, 7 * 24 * 60),
  },
  portalGateway: {
    flag: '--portal-gateway', env: 'EGOV_PORTAL_GATEWAY', default: '',
    doc: 'hub: the department side of the gateway the portal calls the exchange through (http://host:port), to verify people and prefill forms; empty: no lookups',
    parse: (v: string) => {
      if (v === '') return null;
      const url = URL.parse(v);
      if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search) throw new Error('must be http://host:port');
      return url.origin;
    },
  },
  portalClient: {
    flag: '--portal-client', env: 'EGOV_PORTAL_CLIENT', default: '',
    doc: 'hub: the portal\'s client system on the exchange, {department code}/{system}, named in its sharing agreements',
    parse: (v: string) => {
      if (v === '') return null;
      if (!/^[0-9A-HJ-NPQRTUWXY]{18}\/[a-z0-9][a-z0-9-]{0,39}$/.test(v)) throw new Error('must be {18-character department code}/{system code}');
      return v;
    },
  },
  backupKeep: {
    flag: '--backup-keep', env: 'EGOV_BACKUP_KEEP', default: '24',
    doc: 'standby: how many of the newest backups to keep',
    parse: (v: string) => integerIn(v, 1, 10_000),
  },
  uploadMaxBytes: {
    flag: '--upload-max-bytes', env: 'EGOV_UPLOAD_MAX_BYTES', default: '5242880',
    doc: 'hub: largest file an applicant may upload with an application (PDF, JPEG or PNG), in bytes; files are kept in the database and travel in the journal',
    parse: (v: string) => integerIn(v, 1024, 50 * 1024 * 1024),
  },
  smtpUrl: {
    flag: '--smtp-url', env: 'EGOV_SMTP_URL', default: '',
    doc: 'hub: the mail server for e-mail notifications, smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465; empty: no e-mail',
    parse: (v: string) => {
      if (v === '') return null;
      const url = URL.parse(v);
      if (!url || !/^smtps?:$/.test(url.protocol) || !url.hostname) throw new Error('must be smtp://host:port or smtps://host:port');
      return url.href;
    },
  },
  smtpFrom: {
    flag: '--smtp-from', env: 'EGOV_SMTP_FROM', default: '',
    doc: 'hub: the sender of e-mail notifications, e.g. "大连政务服务 <noreply@example.gov.cn>" (needed with --smtp-url)',
    parse: (v: string) => {
      if (v === '') return null;
      if (!/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(v.trim())) throw new Error('must be an e-mail address, optionally as Name <address>');
      return v.trim();
    },
  },
  smsWebhookUrl: {
    flag: '--sms-webhook-url', env: 'EGOV_SMS_WEBHOOK_URL', default: '',
    doc: 'hub: the SMS gateway\'s webhook: text notifications are POSTed there as JSON {to, text, reference, id}, signed with --sms-webhook-secret; empty: no texts',
    parse: (v: string) => {
      if (v === '') return null;
      const url = URL.parse(v);
      if (!url || !/^https?:$/.test(url.protocol)) throw new Error('must be an http:// or https:// URL');
      return url.href;
    },
  },
  smsWebhookSecret: {
    flag: '--sms-webhook-secret', env: 'EGOV_SMS_WEBHOOK_SECRET', default: '',
    doc: 'hub: the secret shared with the SMS gateway; each request carries X-Egov-Signature: sha256=HMAC-SHA256(secret, body) (at least 16 characters; give it in the environment)',
    parse: (v: string) => {
      if (v === '') return null;
      if (v.length < 16) throw new Error('must be at least 16 characters');
      return new SecretKey(Buffer.from(v, 'utf8'), null);
    },
  },
} as const;

type Settings = typeof settings;
export type SettingName = keyof Settings;
export type Config = Readonly<{ [K in SettingName]: ReturnType<Settings[K]['parse']> }>;

export class ConfigError extends Error {
  constructor(readonly setting: string, message: string) {
    super(message);
  }
}

export interface ConfigSources {
  flags?: Partial<Record<SettingName, string | undefined>>;
  env?: Record<string, string | undefined>;
  /** Path of an optional JSON file whose keys are the setting names. */
  file?: string | undefined;
}

/** Parses and validates every setting once, at start; the result is frozen. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? {};
  const fromFile = sources.file ? readConfigFile(sources.file) : {};
  const config: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(settings) as [SettingName, Settings[SettingName]][]) {
    const flagValue = sources.flags?.[name];
    const raw = flagValue ?? env[spec.env] ?? fromFile[name] ?? spec.default;
    const origin = flagValue !== undefined ? spec.flag
      : env[spec.env] !== undefined ? spec.env
      : fromFile[name] !== undefined ? `"${name}" in ${sources.file}` : `default of ${name}`;
    try {
      config[name] = spec.parse(raw);
    } catch (error) {
      // A mistyped key is still almost the key: never echo it.
      const shown = name === 'backupKey' || name === 'smsWebhookSecret' || name === 'smtpUrl' ? 'value hidden' : JSON.stringify(raw);
      throw new ConfigError(name, `invalid ${origin} (${shown}): ${(error as Error).message}`);
    }
  }
  if ((config.portalGateway === null) !== (config.portalClient === null)) {
    throw new ConfigError(config.portalGateway === null ? 'portalGateway' : 'portalClient', 'the portal\'s exchange needs both --portal-gateway and --portal-client, or neither');
  }
  if (config.smsWebhookUrl !== null && config.smsWebhookSecret === null) {
    throw new ConfigError('smsWebhookSecret', 'the SMS webhook needs --sms-webhook-secret (EGOV_SMS_WEBHOOK_SECRET) to sign what it sends');
  }
  if (config.smtpUrl !== null && config.smtpFrom === null) throw new ConfigError('smtpFrom', 'e-mail notifications need a sender: give --smtp-from with --smtp-url');
  return Object.freeze(config) as Config;
}

/** For the README and `egov --help`: the settings table. */
export function describeSettings(): { name: string; flag: string; env: string; default: string; doc: string }[] {
  return Object.entries(settings).map(([name, s]) => ({ name, flag: s.flag, env: s.env, default: s.default, doc: s.doc }));
}

/** A key that never shows itself: `egov config` and logs print where it came from, not the bytes. */
export class SecretKey {
  constructor(readonly bytes: Buffer, readonly file: string | null) {}

  toJSON(): string {
    return this.file ? `(the key in ${this.file})` : '(a key, hidden)';
  }
}

/** The backup key, from EGOV_BACKUP_KEY or --backup-key-file; a clear error when neither gives one. */
export function backupKeyOf(config: Config): Buffer {
  const { backupKey, backupKeyFile } = config;
  if (backupKey && backupKeyFile && !backupKey.bytes.equals(backupKeyFile.bytes)) {
    throw new ConfigError('backupKey', `EGOV_BACKUP_KEY and ${backupKeyFile.file} hold different backup keys: give one of them`);
  }
  const key = backupKey ?? backupKeyFile;
  if (!key) throw new ConfigError('backupKey', 'no backup key: set EGOV_BACKUP_KEY to 64 hex characters (make one with: openssl rand -hex 32), or give --backup-key-file FILE holding it');
  return key.bytes;
}

export function publicUrlOf(config: Config): string {
  return config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
}

function readConfigFile(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError('config', `cannot read config file ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('config', `config file ${file} must hold a JSON object`);
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!Object.hasOwn(settings, key)) {
      throw new ConfigError(key, `unknown setting "${key}" in ${file}; known: ${Object.keys(settings).join(', ')}`);
    }
    result[key] = String(value);
  }
  return result;
}

function integerIn(value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim())) throw new Error('must be a whole number');
  const n = Number(value);
  if (n < min || n > max) throw new Error(`must be between ${min} and ${max}`);
  return n;
}

// 32 bytes for AES-256: hex is what `openssl rand -hex 32` prints, base64 what key vaults hand out.
function backupKeyBytes(value: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 32) return bytes;
  }
  throw new Error(`a backup key must be 64 hex characters or the base64 of 32 bytes (this is ${value.length} characters); make one with openssl rand -hex 32, and give it in EGOV_BACKUP_KEY or in a file named by --backup-key-file`);
}

function nonEmpty(value: string): string {
  if (value.trim() === '') throw new Error('must not be empty');
  return value.trim();
}

function oneOf<const T extends readonly string[]>(value: string, allowed: T): T[number] {
  if (!allowed.includes(value)) throw new Error(`must be one of ${allowed.join(', ')}`);
  return value as T[number];
}
