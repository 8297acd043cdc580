import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { getCase } from '../../cases/service.ts';
import type { Hub } from '../../hub/app.ts';
import { type PersonAuth, personOrRedirect } from '../../identity/person-auth.ts';
import type { Actor } from '../../platform/access.ts';
import { chinaDate } from '../../platform/calendar.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http.ts';
import { departmentNames, facePage } from '../../web/department-pages.ts';
import type { FieldError } from '../../web/forms.ts';
import { localName } from '../../web/i18n.ts';
import type { PageContext } from '../../web/layout.tsx';
import { sendPage } from '../../web/page-context.ts';
import type { AnswerValue } from '../answers.ts';
import type { Consent, Draft, PrefillNote } from '../applications.schema.ts';
import {
  type Subject, type Target, discardDraft, getDraft, isAnswered, openDraftOf, questionOf, questionsOf, saveAnswer, saveFile, sectionsOf, startDraft, targetOf,
} from '../applications.service.ts';
import { portalExchange } from '../exchange-client.ts';
import { type PrefillOutcome, prefill, prefillFields, prefillResources, unfilled } from '../prefill.ts';
import { ItemCode, LifeEventCode } from '../schema.ts';
import { type SendProblem, fileForDownload, submitApplication } from '../submissions.service.ts';
import { type Upload, attachmentHeader } from '../uploads.ts';
import { CheckPage } from './apply-check.tsx';
import { QuestionPage } from './apply-question.tsx';
import { TaskListPage } from './apply-tasks.tsx';
import { ConfirmationPage, ResumePage, SavedPage, StartPage } from './apply-start.tsx';
import { applyBase, draftPath, labelOf, problemOf, problemText, questionPath } from './apply-view.tsx';

/**
 * The application journey on the portal, for a signed-in citizen or enterprise, without
 * JavaScript: start (and consent to prefill), one question a page, check answers, send,
 * confirmation; the same for an item (/services/{code}/apply) and a life event
 * (/life-events/{code}/apply). Uploads are multipart posts, parsed only in this scope.
 */

const DraftParams = Type.Object({ code: Type.String(), draftId: Type.String({ maxLength: 64 }) });
const QuestionParams = Type.Object({ code: Type.String(), draftId: Type.String({ maxLength: 64 }), key: Type.String({ maxLength: 64 }) });
const CodeParams = Type.Object({ code: Type.String() });
const ReturnQuery = Type.Object({ return: Type.Optional(Type.String({ maxLength: 10 })), lang: Type.Optional(Type.String()) });

type Body = Record<string, unknown>;
/** What onFile puts in the body for a file part. */
interface FilePart extends Upload { kind: 'upload' }

/**
 * Parses multipart posts in this scope (and only there): each file part becomes an Upload in the
 * body under its field name, an array when several files share a name.
 */
export async function registerUploadParsing(scope: HttpApp, maxBytes: number, files: number): Promise<void> {
  await scope.register(multipart, {
    attachFieldsToBody: 'keyValues',
    // A file over the limit is cut there and flagged rather than failing the request: the page says what to do.
    throwFileSizeLimit: false,
    limits: { fileSize: maxBytes, files, fields: 20, parts: files + 24, fieldSize: 64 * 1024 },
    async onFile(part) {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk as Buffer);
      const upload: FilePart = { kind: 'upload', filename: part.filename ?? '', content: Buffer.concat(chunks), truncated: part.file.truncated };
      part.value = upload;
    },
  });
}

/** The files posted under a field name (none chosen: an empty list). */
export function uploadsIn(body: Body, name: string): Upload[] {
  const value = body[name];
  return (Array.isArray(value) ? value : [value]).filter(isFilePart).filter((f) => f.filename !== '' || f.content.length > 0);
}

const text = (body: Body, name: string): string => (typeof body[name] === 'string' ? (body[name] as string) : '');
const isFilePart = (value: unknown): value is FilePart => typeof value === 'object' && value !== null && (value as FilePart).kind === 'upload';

export async function applyPageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;
  const policy = hub.cases;
  const exchange = portalExchange(hub);
  const maxBytes = hub.config.uploadMaxBytes;
  const maxMegabytes = Math.round((maxBytes / 1024 / 1024) * 10) / 10;

  await app.register(async (encapsulated) => {
    const scope = encapsulated as HttpApp;
    await registerUploadParsing(scope, maxBytes, 1);

    for (const kind of ['item', 'life_event'] as const) journey(scope, kind);

    scope.get('/files/:id', { schema: { hide: true, params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } }, async (request, reply) => {
      const actors = [request.person?.actor, request.auth?.actor].filter((a): a is Actor => a !== undefined);
      if (actors.length === 0) return personOrRedirect(request, reply) ?? reply;
      let found: Awaited<ReturnType<typeof fileForDownload>> | null = null;
      for (const actor of actors) {
        found = await fileForDownload(db, policy, actor, request.params.id).catch((error: unknown) => {
          if (error instanceof DomainError && error.code === 'not_found') return null;
          throw error;
        });
        if (found) break;
      }
      if (!found) throw notFound(`no file ${request.params.id}`);
      // Only PDF, JPEG and PNG are ever stored; they are still never shown inline, and a sandbox stops anything a viewer might run.
      return reply.type(found.file.mediaType).header('content-disposition', attachmentHeader(found.file.displayName))
        .header('x-content-type-options', 'nosniff').header('cache-control', 'private, no-store')
        .header('content-security-policy', "default-src 'none'; sandbox").send(found.content);
    });
  });

  function journey(scope: HttpApp, kind: 'item' | 'life_event'): void {
    const root = kind === 'item' ? '/services/:code/apply' : '/life-events/:code/apply';
    const guide = (code: string) => (kind === 'item' ? `/services/${encodeURIComponent(code)}` : `/life-events/${encodeURIComponent(code)}`);

    function subjectOf(code: string): Subject {
      if (!Value.Check(kind === 'item' ? ItemCode : LifeEventCode, code)) throw notFound(kind === 'item' ? `there is no service item ${code}` : `there is no life event ${code}`);
      return { kind, code };
    }

    /** The applicable target, or null after redirecting to the guide, which says why it cannot be applied for online. */
    async function applicable(code: string, reply: FastifyReply): Promise<Target | null> {
      try {
        return await targetOf(db, subjectOf(code));
      } catch (error) {
        if (error instanceof DomainError && error.code === 'conflict') {
          void reply.redirect(guide(code), 303);
          return null;
        }
        throw error;
      }
    }

    async function pageFor(request: FastifyRequest): Promise<PageContext> {
      return facePage(hub, request, 'portal');
    }

    const nameOf = (page: PageContext, target: Pick<Target, 'nameZh' | 'nameEn'>) => localName(page.lang, target);

    /** Why fields the government holds cannot be filled for this person now; null when they may consent. */
    const cannotFill = (auth: PersonAuth): PrefillNote | null => (!exchange ? 'no_exchange' : auth.person.verification !== 'verified' ? 'unverified' : null);

    async function renderStart(request: FastifyRequest, reply: FastifyReply, auth: PersonAuth, target: Target, consent = '', errors: FieldError[] = []) {
      const page = await pageFor(request);
      const questions = questionsOf(target.items);
      const [resources, names] = await Promise.all([prefillResources(db, questions), departmentNames(hub, request.lang)]);
      const fields = prefillFields(questions).map((f) => {
        const resource = resources.get(f.resource);
        return {
          label: labelOf(page.lang, questions.find((q) => q.field.key === f.key)!.field),
          resource: resource ? localName(page.lang, resource) : f.resource, department: resource ? names.get(resource.provider) ?? resource.provider : '',
        };
      });
      const departments = new Set(target.items.map((i) => i.department.code)).size;
      return sendPage(reply, StartPage({
        page, name: nameOf(page, target), back: guide(target.code), action: applyBase(kind, target.code),
        lead: kind === 'life_event' ? page.t('apply.lifeEvent.lead', { count: target.items.length, departments }) : null,
        fields, cannot: cannotFill(auth), consent, errors,
      }) as string, errors.length ? 400 : 200);
    }

    scope.get(root, { schema: { hide: true, params: CodeParams } }, async (request, reply) => {
      const auth = personOrRedirect(request, reply);
      if (!auth) return reply;
      const target = await applicable(request.params.code, reply);
      if (!target) return reply;
      const draft = await openDraftOf(db, auth.actor, { kind, code: target.code });
      if (!draft) return renderStart(request, reply, auth, target);
      const page = await pageFor(request);
      return sendPage(reply, ResumePage({
        page, name: nameOf(page, target), back: guide(target.code), continueHref: resumeHref(draft), action: applyBase(kind, target.code), draftId: draft.id, savedAt: draft.updatedAt,
      }) as string);
    });

    scope.post(root, { schema: { hide: true, params: CodeParams } }, async (request, reply) => {
      const auth = personOrRedirect(request, reply);
      if (!auth) return reply;
      const target = await applicable(request.params.code, reply);
      if (!target) return reply;
      const body = (request.body ?? {}) as Body;
      const base = applyBase(kind, target.code);
      if (text(body, 'discard')) {
        await discardDraft(db, auth.actor, text(body, 'discard'));
        return reply.redirect(base, 303);
      }
      const questions = questionsOf(target.items);
      const cannot = cannotFill(auth);
      const asking = prefillFields(questions).length > 0 && cannot === null;
      const chosen = text(body, 'consent');
      if (asking && chosen !== 'yes' && chosen !== 'no') {
        const page = await pageFor(request);
        return renderStart(request, reply, auth, target, chosen, [{ field: 'consent', message: page.t('apply.error.consent') }]);
      }
      let consent: Consent = 'not_asked';
      let filled: PrefillOutcome = cannot ? unfilled(questions, cannot) : { answers: {}, prefilled: {}, notes: {} };
      if (asking && chosen === 'yes') {
        consent = 'given';
        filled = await prefill(db, exchange, auth.person, questions);
      } else if (asking) consent = 'declined';
      const draft = await startDraft(db, auth.actor, { kind, code: target.code }, consent, filled);
      return reply.redirect(questionPath(base, draft.id, draft.questions[0]!.field.key), 303);
    });

    /** The person's draft of this item or life event; not found for anyone else's, or another item's. */
    async function ownDraft(auth: PersonAuth, code: string, draftId: string): Promise<Draft> {
      const draft = await getDraft(db, auth.actor, draftId);
      if (draft.subjectKind !== kind || draft.subjectCode !== subjectOf(code).code) throw notFound(`no draft ${draftId} of ${code}`);
      return draft;
    }

    /**
     * Where "continue your application" leads: a life event's task list; for an item, the first
     * required question unanswered, else the check page.
     */
    function resumeHref(draft: Draft): string {
      const base = applyBase(kind, draft.subjectCode);
      if (kind === 'life_event') return draftPath(base, draft.id, 'tasks');
      const open = draft.questions.find((q) => q.field.required && !isAnswered(draft, q));
      return open ? questionPath(base, draft.id, open.field.key) : draftPath(base, draft.id, 'check');
    }

    async function renderQuestion(request: FastifyRequest, reply: FastifyReply, draft: Draft, key: string, fromCheck: boolean, typed: AnswerValue | undefined, errors: FieldError[]) {
      const page = await pageFor(request);
      const target = await targetOf(db, { kind, code: draft.subjectCode }, draft.versions);
      const question = questionOf(draft, key);
      const index = draft.questions.indexOf(question);
      const base = applyBase(kind, draft.subjectCode);
      const back = fromCheck ? draftPath(base, draft.id, 'check') : index === 0 ? guide(draft.subjectCode) : questionPath(base, draft.id, draft.questions[index - 1]!.field.key);
      return sendPage(reply, QuestionPage({
        page, name: nameOf(page, target), action: questionPath(base, draft.id, key), back, question, number: index + 1, total: draft.questions.length,
        value: typed ?? draft.answers[key], file: draft.files.find((f) => f.fieldKey === key) ?? null,
        source: draft.prefilled[key] && JSON.stringify(draft.prefilled[key].value) === JSON.stringify(typed ?? draft.answers[key]) ? draft.prefilled[key] : null,
        note: draft.prefillNotes[key] ?? null, fromCheck, maxMegabytes, departmentNames: await departmentNames(hub, request.lang), errors,
        tasks: kind === 'life_event' ? draftPath(base, draft.id, 'tasks') : null,
      }) as string, errors.length ? 400 : 200);
    }

    async function renderCheck(request: FastifyRequest, reply: FastifyReply, draft: Draft, declared: boolean, errors: FieldError[]) {
      const page = await pageFor(request);
      const target = await targetOf(db, { kind, code: draft.subjectCode }, draft.versions);
      const base = applyBase(kind, draft.subjectCode);
      return sendPage(reply, CheckPage({
        page, name: nameOf(page, target), base, back: questionPath(base, draft.id, draft.questions.at(-1)!.field.key), draft, items: target.items,
        departmentNames: await departmentNames(hub, request.lang), declared, errors,
      }) as string, errors.length ? 400 : 200);
    }

    const confirmation = (draft: Draft) => draftPath(applyBase(kind, draft.subjectCode), draft.id, 'confirmation');

    scope.get(`${root}/:draftId/check`, { schema: { hide: true, params: DraftParams } }, async (request, reply) => {
      const auth = personOrRedirect(request, reply);
      if (!auth) return reply;
      const draft = await ownDraft(auth, request.params.code, request.params.draftId);
      if (draft.state === 'submitted') return reply.redirect(confirmation(draft), 303);
      return renderCheck(request, reply, draft, false, []);
    });

    scope.post(`${root}/:draftId/check`, { schema: { hide: true, params: DraftParams } }, async (request, reply) => {
      const auth = personOrRedirect(request, reply);
      if (!auth) return reply;
      const draft = await ownDraft(auth, request.params.code, request.params.draftId);
      const declared = text((request.body ?? {}) as Body, 'declaration') === 'yes';
      try {
        await submitApplication(db, policy, auth.actor, auth.person, draft.id, { declared });
      } catch (error) {
        const problems = error instanceof DomainError && error.code === 'invalid_input' ? (error.detail as { problems?: SendProblem[] } | undefined)?.problems : undefined;
        if (!problems) throw error;
        const page = await pageFor(request);
        const errors = problems.map((p): FieldError => p.code === 'declaration'
          ? { field: 'declaration', message: problemText(page, null, 'declaration') }
          : { field: `answer-${p.field}`, message: problemText(page, questionOf(draft, p.field).field, p.code, p.params) });
        return renderCheck(request, reply, draft, declared, errors);
      }
      return reply.redirect(confirmation(draft), 303);
    });

    scope.get(`${root}/:draftId/confirmation`, { schema: { hide: true, params: DraftParams } }, async (request, reply) => {
      const auth = personOrRedirect(request, reply);
      if (!auth) return reply;
      const draft = await ownDraft(auth, request.params.code, request.params.draftId);
      if (draft.state !== 'submitted') return reply.redirect(draftPath(applyBase(kind, draft.subjectCode), draft.id, 'check'), 303);
      const [page, target, c, names] = await Promise.all([
        pageFor(request), targetOf(db, { kind, code: draft.subjectCode }, draft.versions), getCase(db, policy, auth.actor, draft.caseId!), departmentNames(hub, request.lang),
      ]);
      const departments = c.children.length ? c.children.map((t) => t.department) : [c.department];
      const contacts = [...new Map(target.items.map((i) => [i.department.code, i])).values()].map((i) => ({
        department: names.get(i.department.code) ?? i.department.code, consult: i.consult.phone, complain: i.complain.phone,
      }));
      return sendPage(reply, ConfirmationPage({
        page, name: nameOf(page, target), reference: c.reference, departments: departments.map((d) => names.get(d) ?? d),
        days: c.timeLimit, due: c.deadline ?? hub.calendar.dueDate(chinaDate(new Date()), c.timeLimit), started: c.deadline !== null, contacts,
      }) as string);
    });

    scope.get(`${root}/:draftId/tasks`, { schema: { hide: true, params: DraftParams } }, async (request, reply) => {
      const auth = personOrRedirect(request, reply);
      if (!auth) return reply;
      const draft = await ownDraft(auth, request.params.code, request.params.draftId);
      if (draft.state === 'submitted') return reply.redirect(confirmation(draft), 303);
      const [page, target, names] = await Promise.all([pageFor(request), targetOf(db, { kind, code: draft.subjectCode }, draft.versions), departmentNames(hub, request.lang)]);
      const base = applyBase(kind, draft.subjectCode);
      return sendPage(reply, TaskListPage({
        page, name: nameOf(page, target), back: guide(draft.subjectCode), departmentNames: names, check: draftPath(base, draft.id, 'check'),
        sections: sectionsOf(draft, target.items).map((section) => ({ ...section, href: questionPath(base, draft.id, section.next.field.key) })),
      }) as string);
    });

    scope.get(`${root}/:draftId/saved`, { schema: { hide: true, params: DraftParams } }, async (request, reply) => {
      const auth = personOrRedirect(request, reply);
      if (!auth) return reply;
      const draft = await ownDraft(auth, request.params.code, request.params.draftId);
      if (draft.state === 'submitted') return reply.redirect(confirmation(draft), 303);
      const [page, target] = await Promise.all([pageFor(request), targetOf(db, { kind, code: draft.subjectCode }, draft.versions)]);
      return sendPage(reply, SavedPage({ page, name: nameOf(page, target), continueHref: resumeHref(draft) }) as string);
    });

    scope.get(`${root}/:draftId/:key`, { schema: { hide: true, params: QuestionParams, querystring: ReturnQuery } }, async (request, reply) => {
      const auth = personOrRedirect(request, reply);
      if (!auth) return reply;
      const draft = await ownDraft(auth, request.params.code, request.params.draftId);
      if (draft.state === 'submitted') return reply.redirect(confirmation(draft), 303);
      return renderQuestion(request, reply, draft, request.params.key, request.query.return === 'check', undefined, []);
    });

    scope.post(`${root}/:draftId/:key`, { schema: { hide: true, params: QuestionParams } }, async (request, reply) => {
      const auth = personOrRedirect(request, reply);
      if (!auth) return reply;
      const { key } = request.params;
      const draft = await ownDraft(auth, request.params.code, request.params.draftId);
      if (draft.state === 'submitted') return reply.redirect(confirmation(draft), 303);
      const field = questionOf(draft, key).field;
      const body = (request.body ?? {}) as Body;
      const saving = text(body, 'action') === 'save';
      const fromCheck = text(body, 'return') === 'check';
      const raw = body[key];
      const typed: AnswerValue = Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : typeof raw === 'string' ? raw : '';
      try {
        if (field.type === 'file') {
          const upload = isFilePart(raw) && (raw.filename !== '' || raw.content.length > 0) ? raw : null;
          const has = draft.files.some((f) => f.fieldKey === key);
          // No new file: keep the one uploaded before, or go on without one (saving, or an optional material); sending checks again.
          if (upload || (!has && field.required && !saving)) await saveFile(db, auth.actor, draft.id, key, upload, maxBytes);
        } else {
          await saveAnswer(db, auth.actor, draft.id, key, typed, { allowEmpty: saving });
        }
      } catch (error) {
        const problem = error instanceof DomainError ? problemOf(error.detail) : null;
        if (!problem) throw error;
        const page = await pageFor(request);
        return renderQuestion(request, reply, draft, key, fromCheck, field.type === 'file' ? undefined : typed, [{ field: key, message: problemText(page, field, problem.code, problem.params) }]);
      }
      const base = applyBase(kind, draft.subjectCode);
      if (saving) return reply.redirect(draftPath(base, draft.id, 'saved'), 303);
      const next = draft.questions[draft.questions.findIndex((q) => q.field.key === key) + 1];
      return reply.redirect(fromCheck || !next ? draftPath(base, draft.id, 'check') : questionPath(base, draft.id, next.field.key), 303);
    });
  }
}
