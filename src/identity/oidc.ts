import { generateKeyPair, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { escapeHtml } from '@kitajs/html';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import Provider, { errors, interactionPolicy, type Adapter, type AdapterPayload, type ClientMetadata, type Configuration } from 'oidc-provider';
import type { Hub } from '../hub/app.ts';
import type { HubTables } from '../hub/database.ts';
import type { Actor } from '../platform/access.ts';
import type { HttpApp } from '../platform/http.ts';
import { ErrorPage } from '../web/layout.tsx';
import { pageContext, sendPage } from '../web/page-context.ts';
import { type BearerVerifier, SESSION_COOKIE } from './request-auth.ts';
import { actorOf, authenticateApiClient, clientActor, findApiClient, resumeSession } from './service.ts';
import * as store from './store.ts';

/**
 * OpenID Connect for the one network: department systems get API tokens with client credentials
 * (clients are the `api_clients` rows), department web applications get single sign-on for staff
 * (authorization code + PKCE; clients from `oidc-clients.json` in the data folder).
 */
const PREFIX = '/oidc';
const SCOPES = ['openid', 'profile', 'api'];
/** Tokens that hang off a grant: revoking the grant deletes them. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

const PROBLEMS = {
  expired: { zh: '此登录请求已过期，或是在另一个浏览器中发起的。请返回应用重新登录。', en: 'this sign-in request has expired or was started in another browser; go back to the application and sign in again' },
  mismatch: { zh: '此登录请求与正在进行的登录不一致。请返回应用重新登录。', en: 'this sign-in request does not match the one in progress; go back to the application and sign in again' },
  switched: { zh: '登录期间已切换为其他账号。请返回应用重新登录。', en: 'someone else signed in on this browser meanwhile; go back to the application and sign in again' },
};

export async function mountOidc(app: HttpApp, hub: Hub): Promise<{ verifyBearer: BearerVerifier }> {
  const db = hub.database.db;
  mkdirSync(hub.config.data, { recursive: true });
  const keys = await loadOrCreateKeys(path.join(hub.config.data, 'oidc-keys.json'), app.log);
  const webClients = readWebClients(path.join(hub.config.data, 'oidc-clients.json'));
  const webClientIds = new Set(webClients.map((c) => c.client_id));
  // The provider only ever sees a client's metadata; the secret itself stays an scrypt hash in
  // api_clients and compareClientSecret (below) checks it. The metadata schema still insists on
  // a client_secret: this one is random per process and signs nothing, because client_secret_jwt
  // is not offered and these clients never use the authorization endpoint.
  const unusedSecret = randomBytes(32).toString('base64url');
  const fastifyRequests = new WeakMap<IncomingMessage, FastifyRequest>();
  // The interaction URL is a page people land on, so its problems are pages too (not /oidc JSON).
  const problem = async (request: FastifyRequest, reply: FastifyReply, key: keyof typeof PROBLEMS) =>
    sendPage(reply, ErrorPage({ page: pageContext(request, 'portal', await hub.city()), status: 400, message: PROBLEMS[key][request.lang === 'en' ? 'en' : 'zh'] }), 400);

  async function apiClientMetadata(clientId: string): Promise<AdapterPayload | undefined> {
    const client = await findApiClient(hub.database, clientId);
    if (!client || client.disabled) return undefined;
    return {
      client_id: client.clientId, client_secret: unusedSecret, client_name: client.name,
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic', scope: 'api',
    };
  }

  const policy = interactionPolicy.base();
  // oidc-provider keeps its own session cookie; tie it to the staff session so that signing out
  // of the hub, or another person signing in on the same browser, also ends single sign-on.
  policy.get('login')!.checks.add(new interactionPolicy.Check('staff_session', 'the staff session has ended or belongs to someone else', async (ctx) => {
    const token = ctx.cookies.get(SESSION_COOKIE, { signed: false });
    const staff = token ? await resumeSession(hub.database, token, null) : null;
    const same = staff?.stage === 'done' && staff.account.id === ctx.oidc.session?.accountId;
    return same ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
  }));

  const configuration: Configuration = {
    adapter: (model: string): Adapter => model === 'Client' ? clientAdapter(apiClientMetadata) : new PayloadAdapter(db, model),
    clients: webClients,
    jwks: { keys: keys.signing },
    cookies: { keys: keys.cookie },
    scopes: SCOPES,
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'department', 'roles'] },
    // Department applications want the person's name and department without a userinfo call.
    conformIdTokenClaims: false,
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    // Our SSO clients are server-side applications; no browser calls their endpoints cross-origin.
    clientBasedCORS: () => false,
    features: { devInteractions: { enabled: false }, clientCredentials: { enabled: true } },
    ttl: {
      AccessToken: 600, ClientCredentials: 600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600,
      Session: hub.config.sessionHours * 3600, Grant: hub.config.sessionHours * 3600,
    },
    interactions: { policy, url: (_ctx, interaction) => `${PREFIX}/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const row = await store.getAccount(db, sub);
      if (!row || row.disabled) return undefined;
      return {
        accountId: row.id,
        claims: () => ({ sub: row.id, name: row.display_name, preferred_username: row.username, department: row.department_id, roles: JSON.parse(row.roles) as string[] }),
      };
    },
    async renderError(ctx, out) {
      const request = fastifyRequests.get(ctx.req);
      const message = out.error_description ?? out.error;
      ctx.type = 'html';
      ctx.body = request ? await ErrorPage({ page: pageContext(request, 'portal', await hub.city()), status: ctx.status, message }) : escapeHtml(message);
    },
  };

  const provider = new Provider(`${hub.publicUrl}${PREFIX}`, configuration);
  provider.on('server_error', (_ctx, error) => app.log.error({ err: error }, 'single sign-on failed'));
  const refused = (event: string) => (_ctx: unknown, error: errors.OIDCProviderError) => {
    app.log.info({ event, code: error.error, message: error.error_description ?? error.message, detail: error.error_detail }, 'single sign-on request refused');
  };
  provider.on('grant.error', refused('grant.error'));
  provider.on('authorization.error', refused('authorization.error'));
  provider.on('userinfo.error', refused('userinfo.error'));

  // Web clients from the file hold their secret in plain text; department systems are checked
  // against the scrypt hash, through the same function the rest of the hub uses, which also
  // refuses a client disabled since the provider looked it up.
  const compareStatic = provider.Client.prototype.compareClientSecret;
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(actual: string): Promise<boolean> {
    if (webClientIds.has(this.clientId)) return compareStatic.call(this, actual);
    return (await authenticateApiClient(hub.database, this.clientId, actual)) !== null;
  };

  // The provider builds its endpoint URLs from the request's host and scheme. Derive them from
  // the configured public URL instead, whatever Host a client or a TLS-terminating proxy sent;
  // forward() sets these headers itself, so a client cannot choose them.
  const publicUrl = new URL(hub.publicUrl);
  provider.proxy = true;
  const handler = provider.callback();
  await app.register(async (scope) => {
    // oidc-provider reads request bodies itself; Fastify must leave the stream alone.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const forward = (request: FastifyRequest, res: ServerResponse) => {
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      fastifyRequests.set(raw, request);
      raw.headers['x-forwarded-host'] = publicUrl.host;
      raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
      raw.headers['x-forwarded-for'] = request.ip;
      // Hijacked replies skip the app's onSend hook; keep the headers that matter for these pages.
      res.setHeader('x-request-id', request.id);
      res.setHeader('x-frame-options', 'DENY');
      res.setHeader('x-content-type-options', 'nosniff');
      // The provider derives its mount path from originalUrl versus url (as express and koa-mount set them).
      raw.originalUrl = raw.url ?? '/';
      raw.url = raw.originalUrl.slice(PREFIX.length) || '/';
      void handler(raw, res);
    };
    // Every secret check costs 64 MiB of scrypt: a client that hammers the token endpoint is slowed at the door.
    scope.post('/token', { config: { rateLimit: { max: 60, timeWindow: '1 minute' } } }, (request, reply) => { reply.hijack(); forward(request, reply.raw); });
    scope.all('/', (request, reply) => { reply.hijack(); forward(request, reply.raw); });
    scope.all('/*', (request, reply) => { reply.hijack(); forward(request, reply.raw); });

    scope.get('/interaction/:uid', async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const here = `${PREFIX}/interaction/${encodeURIComponent(uid)}`;
      let interaction;
      try {
        interaction = await provider.interactionDetails(request.raw, reply.raw);
      } catch (error) {
        if (error instanceof errors.SessionNotFound) return problem(request, reply, 'expired');
        throw error;
      }
      if (interaction.uid !== uid) return problem(request, reply, 'mismatch');

      const token = request.cookies[SESSION_COOKIE];
      const staff = token ? await resumeSession(hub.database, token, request.id) : null;
      if (!staff) return reply.redirect(`/signin?return=${encodeURIComponent(here)}`, 303);
      if (staff.stage !== 'done') return reply.redirect(`/signin/${staff.stage}?return=${encodeURIComponent(here)}`, 303);
      const accountId = staff.account.id;

      if (interaction.prompt.name === 'login') {
        reply.hijack();
        await provider.interactionFinished(request.raw, reply.raw, { login: { accountId } }, { mergeWithLastSubmission: false });
        return;
      }
      if (interaction.prompt.name !== 'consent') throw new Error(`single sign-on cannot answer the prompt ${interaction.prompt.name}`);
      if (interaction.session?.accountId !== accountId) return problem(request, reply, 'switched');
      // Department applications are first-party government systems: consent is implied, for
      // exactly what was asked (the provider has already limited that to the client's scopes).
      const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      const grant = (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined)
        ?? new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });
      if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
      if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant.save();
      reply.hijack();
      await provider.interactionFinished(request.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
    });
  }, { prefix: PREFIX });

  const sweep = setInterval(() => {
    db.deleteFrom('oidc_payloads').where('expires_at', '<', new Date().toISOString()).execute()
      .catch((error: unknown) => app.log.error({ err: error }, 'could not delete expired single sign-on records'));
  }, 10 * 60_000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  async function verifyBearer(token: string, requestId: string): Promise<Actor | null> {
    const credentials = await provider.ClientCredentials.find(token);
    if (credentials) {
      const client = credentials.clientId ? await findApiClient(hub.database, credentials.clientId) : null;
      return client && !client.disabled ? clientActor(client, requestId) : null;
    }
    // A token from single sign-on acts as the person only when the application asked for the
    // 'api' scope; 'openid profile' alone is for signing in.
    const access = await provider.AccessToken.find(token);
    if (!access?.accountId || !access.scopes.has('api')) return null;
    const row = await store.getAccount(db, access.accountId);
    return row && !row.disabled ? actorOf(row, requestId) : null;
  }

  return { verifyBearer };
}

/** Clients for the provider come from api_clients; they are never written through it. */
function clientAdapter(find: (id: string) => Promise<AdapterPayload | undefined>): Adapter {
  const refuse = async () => { throw new Error('API clients are managed through the identity service, not through OpenID Connect'); };
  return { find, upsert: refuse, findByUid: refuse, findByUserCode: refuse, consume: refuse, destroy: refuse, revokeByGrantId: refuse };
}

/**
 * oidc-provider's state (sessions, interactions, codes, tokens, grants) in `oidc_payloads`.
 * Short-lived process state like staff sessions: written directly, deliberately not journaled.
 */
class PayloadAdapter implements Adapter {
  constructor(private readonly db: Kysely<HubTables>, private readonly model: string) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const values = {
      model: this.model,
      payload: JSON.stringify(payload),
      grant_id: GRANTABLE.has(this.model) ? payload.grantId ?? null : null,
      user_code: payload.userCode ?? null,
      uid: this.model === 'Session' ? payload.uid ?? null : null,
      expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000).toISOString() : null,
    };
    await this.db.insertInto('oidc_payloads').values({ id: this.key(id), ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('id', this.key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('uid', uid);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    const payload = await this.find(id);
    if (!payload) return;
    payload.consumed = Math.floor(Date.now() / 1000);
    await this.db.updateTable('oidc_payloads').set({ payload: JSON.stringify(payload) }).where('id', '=', this.key(id)).execute();
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('id', '=', this.key(id)).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
  }

  private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    const row = await this.db.selectFrom('oidc_payloads').select(['payload', 'expires_at'])
      .where('model', '=', this.model).where(column, '=', value).executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= new Date().toISOString())) return undefined;
    return JSON.parse(row.payload) as AdapterPayload;
  }
}

// ——— Keys ———

interface OidcKeys {
  /** Private JWKs: RS256 for every relying party, EdDSA for those that prefer it. */
  signing: JWK[];
  /** Keys that sign the provider's cookies. */
  cookie: string[];
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** Generated once per data folder and reused, so tokens and cookies survive a restart. */
async function loadOrCreateKeys(file: string, log: FastifyBaseLogger): Promise<OidcKeys> {
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) {
      log.warn({ file }, 'the single sign-on key file was readable by others; restricting it to its owner');
      chmodSync(file, 0o600);
    }
    let keys: Partial<OidcKeys>;
    try {
      keys = JSON.parse(readFileSync(file, 'utf8')) as Partial<OidcKeys>;
    } catch (error) {
      throw new Error(`cannot read the single sign-on keys in ${file}: ${(error as Error).message}; restore it from a backup, or delete it to issue new keys (signed-in applications must then sign in again)`);
    }
    if (!Array.isArray(keys.signing) || keys.signing.length === 0 || !Array.isArray(keys.cookie) || keys.cookie.length === 0) {
      throw new Error(`${file} has no signing or cookie keys; restore it from a backup, or delete it to issue new keys`);
    }
    return keys as OidcKeys;
  }
  const rsa = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const ed25519 = await generateKeyPairAsync('ed25519');
  const signing: JWK[] = [];
  for (const [pair, alg] of [[rsa, 'RS256'], [ed25519, 'EdDSA']] as const) {
    const jwk = pair.privateKey.export({ format: 'jwk' }) as JWK;
    signing.push({ ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(jwk) });
  }
  const keys: OidcKeys = { signing, cookie: [randomBytes(32).toString('base64url')] };
  // Write then rename, so a crash never leaves half a key file behind.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return keys;
}

// ——— Web applications (single sign-on) ———

interface WebClientEntry {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** Department web applications that sign staff in through the hub; the file is optional. */
function readWebClients(file: string): ClientMetadata[] {
  if (!existsSync(file)) return [];
  let entries: unknown;
  try {
    entries = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (!Array.isArray(entries)) throw new Error(`${file} must hold a JSON array of {client_id, client_secret, redirect_uris, token_endpoint_auth_method}`);
  return entries.map((entry: Partial<WebClientEntry>, i) => {
    const method = entry.token_endpoint_auth_method;
    const where = `${file}, entry ${i}`;
    if (typeof entry.client_id !== 'string' || !entry.client_id) throw new Error(`${where}: client_id must be a non-empty string`);
    if (!Array.isArray(entry.redirect_uris) || entry.redirect_uris.length === 0) throw new Error(`${where}: redirect_uris must list at least one URL`);
    if (method !== 'client_secret_basic' && method !== 'client_secret_post' && method !== 'none') throw new Error(`${where}: token_endpoint_auth_method must be client_secret_basic, client_secret_post or none`);
    if ((method === 'none') !== (entry.client_secret === undefined)) throw new Error(`${where}: give a client_secret exactly when token_endpoint_auth_method is not none`);
    return {
      client_id: entry.client_id, redirect_uris: entry.redirect_uris, token_endpoint_auth_method: method,
      ...(entry.client_secret !== undefined && { client_secret: entry.client_secret }),
      grant_types: ['authorization_code'], response_types: ['code'], scope: SCOPES.join(' '),
    };
  });
}
