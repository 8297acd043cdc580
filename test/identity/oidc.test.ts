import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { LightMyRequestResponse as Response } from 'fastify';
import { buildHubApp } from '../../src/hub/app.ts';
import type { HubDatabase } from '../../src/hub/database.ts';
import { createAccount, createApiClient, disableApiClient, signIn, signOut } from '../../src/identity/service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { HttpApp } from '../../src/platform/http.ts';
import { addDivision, addSystem, createDepartment, setUpInstance } from '../../src/registry/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';

const ISSUER = 'http://127.0.0.1:8080/oidc';
const WEB_CLIENT = { client_id: 'civil-affairs-portal', client_secret: 'portal-secret-that-is-long-enough', redirect_uri: 'https://civil.example.gov.cn/sso/callback' };
const PASSWORD = 'correct horse battery staple';
const POLICY = { maxFailedSignIns: 5, lockoutMinutes: 15, sessionHours: 8 };

async function seed(database: HubDatabase) {
  const admin = systemActor('test');
  await addDivision(database, admin, { code: '210200', kind: 'city', parent: null, nameZh: '大连市', nameEn: 'Dalian' });
  await setUpInstance(database, admin, { code: 'CN-LN-DL', nameZh: '大连市', nameEn: 'Dalian', division: '210200' });
  const department = governmentUscc('210200', 1);
  await createDepartment(database, admin, { code: department, slug: 'civil-affairs', kind: 'bureau', division: '210200', nameZh: '大连市民政局', nameEn: 'Dalian Civil Affairs Bureau' });
  await addSystem(database, admin, department, { code: 'marriage', nameZh: '婚姻登记系统', nameEn: 'marriage registration system' });
  const issued = await createApiClient(database, admin, department, { system: 'marriage', name: 'marriage registration', roles: ['clerk'] });
  const account = await createAccount(database, admin, { username: 'li.wen', displayName: '李文', department, roles: ['clerk'], password: PASSWORD });
  return { department, issued, account };
}

async function hubApp(t: TestDatabase): Promise<HttpApp> {
  const { app } = await buildHubApp(t.database, loadConfig({ flags: { data: t.dataDir, logLevel: 'silent' } }));
  await app.ready();
  return app;
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

async function token(app: HttpApp, form: Record<string, string>, authorization?: string): Promise<Response> {
  return app.inject({
    method: 'POST', url: '/oidc/token', payload: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization && { authorization }) },
  });
}

async function whoAmI(app: HttpApp, bearer: string): Promise<Response> {
  return app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${bearer}` } });
}

/** Enough of a browser: keeps cookies across redirects (paths are ignored; sending extra cookies is harmless here). */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: HttpApp) {}

  async get(url: string): Promise<Response> {
    return this.send('GET', url);
  }

  async send(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<Response> {
    const response = await this.app.inject({
      method, url, ...(form && { payload: new URLSearchParams(form).toString() }),
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(form && { 'content-type': 'application/x-www-form-urlencoded' }) },
    });
    for (const c of response.cookies as { name: string; value: string; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return response;
  }

  /** Follows redirects within the hub; returns the first response that is not one, or that leaves the hub. */
  async follow(url: string): Promise<{ response: Response; location: URL | null; hops: string[] }> {
    const hops: string[] = [];
    let form: Record<string, string> | undefined;
    for (let next = url, i = 0; i < 10; i++) {
      hops.push(next);
      const response = await this.send(form ? 'POST' : 'GET', next, form);
      form = undefined;
      // The provider's self-submitting forms (as a browser with scripts would submit them).
      const post = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(response.body);
      if (response.statusCode === 200 && post) {
        form = Object.fromEntries([...post[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
        next = new URL(post[1]!.replaceAll('&amp;', '&')).pathname;
        continue;
      }
      if (response.statusCode < 300 || response.statusCode >= 400) return { response, location: null, hops };
      const location = new URL(String(response.headers.location), 'http://127.0.0.1:8080');
      if (location.origin !== 'http://127.0.0.1:8080' || location.pathname === '/signin') return { response, location, hops };
      next = location.pathname + location.search;
    }
    throw new Error(`too many redirects: ${hops.join(' → ')}`);
  }
}

function authorizeUrl(scope: string) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const nonce = randomBytes(8).toString('hex');
  const query = new URLSearchParams({
    client_id: WEB_CLIENT.client_id, response_type: 'code', scope, redirect_uri: WEB_CLIENT.redirect_uri, state, nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  });
  return { url: `/oidc/auth?${query}`, verifier, state, nonce };
}

for (const target of databaseTargets) {
  describe(`OpenID Connect on ${target.kind}`, { skip: target.skip }, () => {
    test('discovery and JWKS are served under /oidc, with no private key material', async () => {
      const t = await freshDatabase(target.kind);
      let app: HttpApp | undefined;
      try {
        app = await hubApp(t);
        const discovery = await app.inject({ method: 'GET', url: '/oidc/.well-known/openid-configuration' });
        assert.equal(discovery.statusCode, 200);
        const doc = discovery.json<Record<string, unknown>>();
        assert.equal(doc.issuer, ISSUER);
        for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint']) {
          assert.ok(String(doc[endpoint]).startsWith(`${ISSUER}/`), `${endpoint} is ${String(doc[endpoint])}`);
        }
        assert.deepEqual(doc.grant_types_supported, ['authorization_code', 'client_credentials']);
        assert.ok((doc.scopes_supported as string[]).includes('api'));
        assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);

        const jwks = (await app.inject({ method: 'GET', url: '/oidc/jwks' })).json<{ keys: Record<string, unknown>[] }>();
        assert.deepEqual(jwks.keys.map((k) => `${String(k.kty)}/${String(k.alg)}`).sort(), ['OKP/EdDSA', 'RSA/RS256']);
        for (const key of jwks.keys) {
          for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[secret], undefined, `public ${String(key.kty)} key carries ${secret}`);
        }
        assert.equal(statSync(path.join(t.dataDir, 'oidc-keys.json')).mode & 0o777, 0o600);
      } finally {
        await app?.close();
        await t.close();
      }
    });

    test('a department system gets a token with client credentials and acts as itself; wrong secrets and disabled clients are refused', async () => {
      const t = await freshDatabase(target.kind);
      let app: HttpApp | undefined;
      try {
        const { department, issued } = await seed(t.database);
        const { clientId } = issued.client;
        app = await hubApp(t);

        const granted = await token(app, { grant_type: 'client_credentials', scope: 'api' }, basic(clientId, issued.clientSecret));
        assert.equal(granted.statusCode, 200, granted.body);
        const body = granted.json<{ access_token: string; token_type: string; expires_in: number; scope: string }>();
        assert.equal(body.token_type, 'Bearer');
        assert.equal(body.expires_in, 600);
        assert.equal(body.scope, 'api');
        const me = await whoAmI(app, body.access_token);
        assert.equal(me.statusCode, 200, me.body);
        assert.deepEqual(me.json(), { actor: `client:${clientId}`, kind: 'client', department, roles: ['clerk'] });

        const posted = await token(app, { grant_type: 'client_credentials', client_id: clientId, client_secret: issued.clientSecret });
        assert.equal(posted.statusCode, 200, posted.body);

        const wrong = await token(app, { grant_type: 'client_credentials' }, basic(clientId, `${issued.clientSecret}x`));
        assert.equal(wrong.statusCode, 401);
        assert.equal(wrong.json<{ error: string }>().error, 'invalid_client');
        const unknown = await token(app, { grant_type: 'client_credentials' }, basic(`${clientId}.nope`, issued.clientSecret));
        assert.equal(unknown.statusCode, 401);
        assert.equal(unknown.json<{ error: string }>().error, 'invalid_client');
        assert.equal((await whoAmI(app, 'not-a-token')).statusCode, 401);

        await disableApiClient(t.database, systemActor('test'), clientId);
        const disabled = await token(app, { grant_type: 'client_credentials' }, basic(clientId, issued.clientSecret));
        assert.equal(disabled.statusCode, 401);
        assert.equal(disabled.json<{ error: string }>().error, 'invalid_client');
        assert.equal((await whoAmI(app, body.access_token)).statusCode, 401, 'a token issued before the client was disabled stops working');
      } finally {
        await app?.close();
        await t.close();
      }
    });

    test('signing keys and issued tokens survive a restart on the same data folder', async () => {
      const t = await freshDatabase(target.kind);
      let first: HttpApp | undefined;
      let second: HttpApp | undefined;
      try {
        const { issued } = await seed(t.database);
        first = await hubApp(t);
        const kids = (await first.inject({ method: 'GET', url: '/oidc/jwks' })).json<JSONWebKeySet>().keys.map((k) => k.kid);
        const accessToken = (await token(first, { grant_type: 'client_credentials' }, basic(issued.client.clientId, issued.clientSecret))).json<{ access_token: string }>().access_token;
        await first.close();
        first = undefined;

        second = await hubApp(t);
        const again = (await second.inject({ method: 'GET', url: '/oidc/jwks' })).json<JSONWebKeySet>().keys.map((k) => k.kid);
        assert.equal(kids.length, 2);
        assert.deepEqual(again, kids);
        assert.equal((await whoAmI(second, accessToken)).statusCode, 200);
      } finally {
        await first?.close();
        await second?.close();
        await t.close();
      }
    });

    test('single sign-on: authorization code with PKCE, through the staff sign-in', async () => {
      const t = await freshDatabase(target.kind);
      let app: HttpApp | undefined;
      try {
        const { department, account } = await seed(t.database);
        writeFileSync(path.join(t.dataDir, 'oidc-clients.json'), JSON.stringify([{
          client_id: WEB_CLIENT.client_id, client_secret: WEB_CLIENT.client_secret,
          redirect_uris: [WEB_CLIENT.redirect_uri], token_endpoint_auth_method: 'client_secret_basic',
        }]));
        app = await hubApp(t);
        const browser = new Browser(app);

        // Without a staff session the interaction sends the browser to sign in, and back.
        const flow = authorizeUrl('openid profile api');
        const anonymous = await browser.follow(flow.url);
        assert.equal(anonymous.response.statusCode, 303);
        assert.equal(anonymous.location?.pathname, '/signin');
        const back = anonymous.location?.searchParams.get('return') ?? '';
        assert.match(back, /^\/oidc\/interaction\/[\w-]+$/);

        const session = await signIn(t.database, POLICY, 'li.wen', PASSWORD, null);
        assert.equal(session.stage, 'done');
        browser.cookies.set('egov_session', session.token);
        const signedIn = await browser.follow(back);
        assert.equal(signedIn.location?.origin, new URL(WEB_CLIENT.redirect_uri).origin, `hops: ${signedIn.hops.join(' → ')}`);
        const callback = signedIn.location!;
        assert.equal(callback.pathname, '/sso/callback');
        assert.equal(callback.searchParams.get('state'), flow.state);
        assert.equal(callback.searchParams.get('iss'), ISSUER);
        const code = callback.searchParams.get('code');
        assert.ok(code);

        const client = basic(WEB_CLIENT.client_id, WEB_CLIENT.client_secret);
        const exchange = { grant_type: 'authorization_code', code, redirect_uri: WEB_CLIENT.redirect_uri };
        const badVerifier = await token(app, { ...exchange, code_verifier: randomBytes(32).toString('base64url') }, client);
        assert.equal(badVerifier.json<{ error: string }>().error, 'invalid_grant');

        // A failed verifier does not burn the code, so the right one still works... once.
        const exchanged = await token(app, { ...exchange, code_verifier: flow.verifier }, client);
        assert.equal(exchanged.statusCode, 200, exchanged.body);
        const tokens = exchanged.json<{ id_token: string; access_token: string; scope: string }>();
        const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/oidc/jwks' })).json<JSONWebKeySet>());
        const { payload } = await jwtVerify(tokens.id_token, jwks, { issuer: ISSUER, audience: WEB_CLIENT.client_id });
        assert.equal(payload.sub, account.id);
        assert.equal(payload.nonce, flow.nonce);
        assert.equal(payload.preferred_username, 'li.wen');
        assert.equal(payload.department, department);
        assert.deepEqual(payload.roles, ['clerk']);

        const me = await whoAmI(app, tokens.access_token);
        assert.equal(me.statusCode, 200, me.body);
        assert.deepEqual(me.json(), { actor: account.id, kind: 'staff', department, roles: ['clerk'] });
        // Replaying a code is refused and, as RFC 6749 asks, revokes what the code had issued.
        assert.equal((await token(app, { ...exchange, code_verifier: flow.verifier }, client)).json<{ error: string }>().error, 'invalid_grant');
        assert.equal((await whoAmI(app, tokens.access_token)).statusCode, 401);

        // Signed in already: a second application flow completes without a page, but a token
        // for signing in only ('openid profile') is not an API credential.
        const quiet = authorizeUrl('openid profile');
        const second = await browser.follow(quiet.url);
        const secondCode = second.location?.searchParams.get('code');
        assert.ok(secondCode, `hops: ${second.hops.join(' → ')}`);
        const signInOnly = await token(app, { grant_type: 'authorization_code', code: secondCode, redirect_uri: WEB_CLIENT.redirect_uri, code_verifier: quiet.verifier }, client);
        assert.equal(signInOnly.statusCode, 200, signInOnly.body);
        assert.equal((await whoAmI(app, signInOnly.json<{ access_token: string }>().access_token)).statusCode, 401);

        // Signing out of the hub ends single sign-on too.
        await signOut(t.database, session.token);
        const after = await browser.follow(authorizeUrl('openid').url);
        assert.equal(after.location?.pathname, '/signin', `hops: ${after.hops.join(' → ')}`);

        // Someone else signs in on the same browser: the application learns the new person, not the old one.
        const other = await createAccount(t.database, systemActor('test'), { username: 'wang.fang', displayName: '王芳', department, roles: ['clerk'], password: PASSWORD });
        browser.cookies.set('egov_session', (await signIn(t.database, POLICY, 'wang.fang', PASSWORD, null)).token);
        const switched = authorizeUrl('openid');
        const next = await browser.follow(switched.url);
        const nextCode = next.location?.searchParams.get('code');
        assert.ok(nextCode, `hops: ${next.hops.join(' → ')}`);
        const nextTokens = (await token(app, { grant_type: 'authorization_code', code: nextCode, redirect_uri: WEB_CLIENT.redirect_uri, code_verifier: switched.verifier }, client)).json<{ id_token: string }>();
        assert.equal((await jwtVerify(nextTokens.id_token, jwks, { issuer: ISSUER, audience: WEB_CLIENT.client_id })).payload.sub, other.id);

        const stale = await new Browser(app).get('/oidc/interaction/no-such-interaction');
        assert.equal(stale.statusCode, 400);
        assert.match(String(stale.headers['content-type']), /text\/html/);
      } finally {
        await app?.close();
        await t.close();
      }
    });
  });
}
