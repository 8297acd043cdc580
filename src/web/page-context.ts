import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from '../platform/http.ts';
import { type Lang, isLang, localName, translator } from './i18n.ts';
import type { PageContext } from './layout.tsx';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
  }
}

const LANG_COOKIE = 'egov_lang';

/** Simplified Chinese unless the person chose English (`?lang=en`, remembered in a cookie). */
export function registerLanguage(app: HttpApp): void {
  app.decorateRequest('lang', 'zh-CN');
  app.addHook('onRequest', async (request, reply) => {
    const asked = (request.query as Record<string, unknown> | undefined)?.lang;
    if (isLang(asked)) {
      request.lang = asked;
      reply.setCookie(LANG_COOKIE, asked, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86400 });
    } else if (isLang(request.cookies[LANG_COOKIE])) {
      request.lang = request.cookies[LANG_COOKIE] as Lang;
    }
  });
}

export interface CityNames {
  nameZh: string;
  nameEn: string;
}

export function pageContext(request: FastifyRequest, face: PageContext['face'], city: CityNames, departmentName?: string): PageContext {
  const auth = request.auth;
  return {
    lang: request.lang,
    t: translator(request.lang),
    path: request.url.split('?')[0] ?? '/',
    query: queryWithoutLang(request.url),
    face,
    city: localName(request.lang, city),
    user: auth?.account ? { name: auth.account.displayName, department: departmentName ?? auth.account.department, roles: auth.account.roles } : null,
    person: request.person ? { name: request.person.person.name } : null,
    csrf: auth?.csrfToken ?? request.person?.csrfToken ?? null,
    requestId: request.id,
  };
}

function queryWithoutLang(url: string): string {
  const query = new URLSearchParams(url.split('?')[1] ?? '');
  query.delete('lang');
  return query.toString();
}

export function sendPage(reply: FastifyReply, html: string | Promise<string>, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}
