import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { getCase } from '../../cases/service.ts';
import type { Hub } from '../../hub/app.ts';
import { personOrRedirect } from '../../identity/person-auth.ts';
import { DomainError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http.ts';
import { departmentNames, facePage } from '../../web/department-pages.ts';
import { refusalOf } from '../../web/fields.tsx';
import { type FieldError, type FormFields, field } from '../../web/forms.ts';
import { localName } from '../../web/i18n.ts';
import { sendPage } from '../../web/page-context.ts';
import { hubRatingPolicy } from '../ratings.routes.ts';
import { type Period, type RateableCase, type RatingInput, periods, ratingIndicators } from '../ratings.schema.ts';
import { type RatingRefusal, getRating, rateCase, rateableCase, ratingStatistics } from '../ratings.service.ts';
import { RatingStatisticsPage } from './ratings-statistics.tsx';
import { NotRateablePage, RatePage, RatingPage, type RateValues, ratePath, ratingPath } from './ratings.tsx';

const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const RefParams = Type.Object({ reference: Type.String({ minLength: 1, maxLength: 64 }) });
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 10 })), lang: Type.Optional(Type.String()) });
const StatsQuery = Type.Object({ period: Type.Optional(Type.String({ maxLength: 20 })), lang: Type.Optional(Type.String()) });
const LEVEL = /^[1-5]$/;

/** 好差评 on the portal: the applicant's rating pages under /my (signed in), and the public figures at /ratings. */
export async function ratingPageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;
  const policy = hubRatingPolicy(hub);

  async function departmentName(request: FastifyRequest, code: string): Promise<string> {
    return (await departmentNames(hub, request.lang)).get(code) ?? code;
  }

  /** A case that cannot be rated gets a page saying why, in the person's language; any other error is not about rating. */
  async function refusal(request: FastifyRequest, reply: FastifyReply, reference: string, error: unknown) {
    const detail = error instanceof DomainError && error.code === 'conflict' ? error.detail as { reason?: RatingRefusal } | undefined : undefined;
    if (!detail?.reason) throw error;
    const page = await facePage(hub, request, 'portal');
    return sendPage(reply, NotRateablePage({ page, reference, reason: detail.reason, detail, ratingDays: policy.ratingDays }) as string, 409);
  }

  async function renderForm(request: FastifyRequest, reply: FastifyReply, c: RateableCase, values: RateValues, errors: FieldError[]) {
    const [page, name] = await Promise.all([facePage(hub, request, 'portal'), departmentName(request, c.department)]);
    return sendPage(reply, RatePage({
      page: { ...page, path: ratePath(c.reference), query: '' }, case: c, departmentName: name, rectificationDays: policy.rectificationDays, values, errors,
    }) as string, errors.length ? 400 : 200);
  }

  app.get('/my/cases/:reference/rate', { schema: { hide: true, params: RefParams } }, async (request, reply) => {
    const auth = personOrRedirect(request, reply);
    if (!auth) return reply;
    const { reference } = request.params;
    let c: RateableCase;
    try {
      c = await rateableCase(db, policy, auth.actor, reference);
    } catch (error) {
      // Rated already: the rating is where the person wants to be.
      if (error instanceof DomainError && (error.detail as { reason?: string } | undefined)?.reason === 'rated') return reply.redirect(ratingPath(reference), 303);
      return refusal(request, reply, reference, error);
    }
    return renderForm(request, reply, c, {}, []);
  });

  app.post('/my/cases/:reference/rate', { schema: { hide: true, params: RefParams, body: FormBody } }, async (request, reply) => {
    const auth = personOrRedirect(request, reply);
    if (!auth) return reply;
    const { reference } = request.params;
    const body = request.body as FormFields;
    const values: RateValues = { level: field(body, 'level'), comment: (typeof body.comment === 'string' ? body.comment : '') };
    for (const i of ratingIndicators) values[i.key] = field(body, i.key);
    const { t } = await facePage(hub, request, 'portal');
    const errors: FieldError[] = [];
    if (!LEVEL.test(values.level!)) errors.push({ field: 'level', message: t('ratings.error.level') });
    for (const i of ratingIndicators) {
      if (values[i.key] && !LEVEL.test(values[i.key]!)) errors.push({ field: i.key, message: t('ratings.error.indicator', { name: localName(request.lang, i) }) });
    }
    const length = values.comment!.trim().length;
    if (length > 1000) errors.push({ field: 'comment', message: t('ratings.error.comment', { count: length }) });
    let c: RateableCase;
    try {
      c = await rateableCase(db, policy, auth.actor, reference);
    } catch (error) {
      return refusal(request, reply, reference, error);
    }
    if (errors.length) return renderForm(request, reply, c, values, errors);
    const input: RatingInput = { level: Number(values.level) };
    for (const i of ratingIndicators) if (values[i.key]) input[i.key] = Number(values[i.key]);
    if (values.comment!.trim()) input.comment = values.comment!;
    try {
      await rateCase(db, policy, auth.actor, reference, input);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'conflict') return refusal(request, reply, reference, error);
      return renderForm(request, reply, c, values, refusalOf(error, { level: 'level', comment: 'comment', ...Object.fromEntries(ratingIndicators.map((i) => [i.key, i.key])) }));
    }
    return reply.redirect(`${ratingPath(reference)}?done=1`, 303);
  });

  app.get('/my/cases/:reference/rating', { schema: { hide: true, params: RefParams, querystring: DoneQuery } }, async (request, reply) => {
    const auth = personOrRedirect(request, reply);
    if (!auth) return reply;
    const { reference } = request.params;
    const rating = await getRating(db, policy, auth.actor, reference);
    if (!rating) return reply.redirect(ratePath(reference), 303);
    const [c, page, name] = await Promise.all([
      getCase(db, policy.cases, auth.actor, rating.caseReference), facePage(hub, request, 'portal'), departmentName(request, rating.department),
    ]);
    return sendPage(reply, RatingPage({
      page: { ...page, path: ratingPath(rating.caseReference), query: '' }, rating, subject: c.subject, departmentName: name, thanks: request.query.done === '1',
    }) as string);
  });

  app.get('/ratings', { schema: { hide: true, querystring: StatsQuery } }, async (request, reply) => {
    // An unknown period (an old link) shows this month rather than an error.
    const asked = request.query.period;
    const period: Period = periods.includes(asked as Period) ? asked as Period : 'month';
    const [stats, page] = await Promise.all([ratingStatistics(db, policy, period), facePage(hub, request, 'portal')]);
    return sendPage(reply, RatingStatisticsPage({ page, stats }) as string);
  });
}
