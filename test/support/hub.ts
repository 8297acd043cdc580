import type { LightMyRequestResponse } from 'fastify';
import { type Hub, buildHubApp } from '../../src/hub/app.ts';
import { currentTotp } from '../../src/identity/totp.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import type { DbKind } from '../../src/platform/db/index.ts';
import type { HttpApp } from '../../src/platform/http.ts';
import { freshDatabase, type TestDatabase } from './databases.ts';
import { seededDatabase } from './seeded.ts';

export interface TestHub {
  app: HttpApp;
  /** What the routes are given: the database, replication, fence… */
  hub: Hub;
  config: Config;
  test: TestDatabase;
  close(): Promise<void>;
}

/** The hub app on a fresh database, seeded with the demo data unless told otherwise; requests are injected. */
export async function testHub(kind: DbKind, options: { seed?: boolean; flags?: Record<string, string> } = {}): Promise<TestHub> {
  const test = options.seed === false ? await freshDatabase(kind) : await seededDatabase(kind);
  const config = loadConfig({ flags: { data: test.dataDir, logLevel: 'silent', ...options.flags } });
  const { app, hub } = await buildHubApp(test.database, config);
  await app.ready();
  return {
    app, hub, config, test,
    async close() {
      await app.close();
      await test.close();
    },
  };
}

export interface Browser {
  cookies: Map<string, string>;
  csrf: string | null;
  request(method: string, url: string, form?: Record<string, string | string[]>, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

/** A cookie jar over inject, posting forms like a browser without JavaScript would. */
export function browser(app: HttpApp): Browser {
  const cookies = new Map<string, string>();
  const self: Browser = {
    cookies,
    csrf: null,
    async request(method, url, form, headers = {}) {
      const body = form ? new URLSearchParams(Object.entries(form).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]))).toString() : undefined;
      const response = await app.inject({
        method: method as 'GET', url,
        headers: {
          accept: 'text/html',
          ...(cookies.size && { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') }),
          ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
          ...headers,
        },
        ...(body !== undefined && { payload: body }),
      });
      for (const c of response.cookies as { name: string; value: string; expires?: Date }[]) {
        if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) cookies.delete(c.name);
        else cookies.set(c.name, c.value);
      }
      const csrf = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
      if (csrf) self.csrf = csrf;
      return response;
    },
  };
  return self;
}

/** Signs in through the pages (with the TOTP step for administrators); returns the browser. */
export async function signedIn(app: HttpApp, username: string, password: string, totpSecret?: string, at = Date.now()): Promise<Browser> {
  const b = browser(app);
  await b.request('GET', '/signin');
  const response = await b.request('POST', '/signin', { username, password, _csrf: b.csrf ?? '', return: '/staff' });
  if (response.statusCode !== 303) throw new Error(`sign-in of ${username} failed: ${response.statusCode} ${response.body.slice(0, 300)}`);
  const next = response.headers.location as string;
  if (next.startsWith('/signin/')) {
    if (!totpSecret) throw new Error(`${username} needs a second factor`);
    const done = await b.request('POST', next, { code: currentTotp(totpSecret, at) });
    if (done.statusCode !== 303) throw new Error(`second factor of ${username} failed: ${done.statusCode} ${done.body.slice(0, 300)}`);
  }
  await b.request('GET', '/staff');
  return b;
}
