import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { hasRole } from '../platform/access.ts';
import type { HttpApp } from '../platform/http.ts';
import { listDepartments } from '../registry/service.ts';
import { asList, type FieldError, type FormFields, field, formErrorsOf } from '../web/forms.ts';
import { pageContext, sendPage } from '../web/page-context.ts';
import { type AccountFormValues, AccountsPage } from './pages/accounts.tsx';
import { consoleOrRedirect, requireActor } from './request-auth.ts';
import { Account, AccountInput, AccountPatch, ApiClient, ApiClientInput } from './schema.ts';
import * as identity from './service.ts';

const tags = ['identity'];
const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

/** Staff accounts and API clients: JSON API and the console's accounts page. */
export async function identityRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;

  app.get('/api/v1/me', {
    schema: {
      tags, security, summary: 'Who the caller is',
      response: { 200: Type.Object({ actor: Type.String(), kind: Type.String(), department: Type.Union([Type.String(), Type.Null()]), roles: Type.Array(Type.String()) }) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    return { actor: actor.actor, kind: actor.kind, department: actor.department, roles: [...actor.roles] };
  });

  app.get('/api/v1/accounts', {
    schema: { tags, security, summary: 'Staff accounts', querystring: Type.Object({ department: Type.Optional(Type.String()) }), response: { 200: Type.Array(Account) } },
  }, async (request) => identity.listAccounts(db, requireActor(request), request.query.department));

  app.post('/api/v1/accounts', {
    schema: { tags, security, summary: 'Create a staff account (department or platform administrator)', body: AccountInput, response: { 201: Account } },
  }, async (request, reply) => reply.status(201).send(await identity.createAccount(db, requireActor(request), request.body)));

  app.patch('/api/v1/accounts/:id', {
    schema: { tags, security, summary: 'Change roles, name, password, or disable an account', params: Type.Object({ id: Type.String() }), body: AccountPatch, response: { 200: Account } },
  }, async (request) => identity.updateAccount(db, requireActor(request), request.params.id, request.body));

  app.get('/api/v1/departments/:code/clients', {
    schema: { tags, security, summary: 'API clients of a department', params: Type.Object({ code: Type.String() }), response: { 200: Type.Array(ApiClient) } },
  }, async (request) => identity.listApiClients(db, requireActor(request), request.params.code));

  app.post('/api/v1/departments/:code/clients', {
    schema: {
      tags, security, summary: 'Issue OAuth2 client credentials to one of the department\'s systems; the secret is shown only here',
      params: Type.Object({ code: Type.String() }), body: ApiClientInput,
      response: { 201: Type.Object({ client: ApiClient, clientSecret: Type.String() }) },
    },
  }, async (request, reply) => reply.status(201).send(await identity.createApiClient(db, requireActor(request), request.params.code, request.body)));

  app.post('/api/v1/clients/:id/disable', {
    schema: { tags, security, summary: 'Disable an API client', params: Type.Object({ id: Type.String() }), response: { 200: ApiClient } },
  }, async (request) => identity.disableApiClient(db, requireActor(request), request.params.id));

  async function renderAccounts(request: Parameters<typeof consoleOrRedirect>[0], reply: Parameters<typeof consoleOrRedirect>[1], state: { values?: AccountFormValues; errors?: FieldError[]; created?: Account | null }, status = 200) {
    const actor = request.auth!.actor;
    const accounts = await identity.listAccounts(db, actor);
    const departments = hasRole(actor, 'platform_admin')
      ? await listDepartments(db)
      : (await listDepartments(db)).filter((d) => d.code === actor.department);
    const grantable = identity.grantableRoles(actor);
    const page = pageContext(request, 'console', await hub.city());
    return sendPage(reply, AccountsPage({ page, accounts, departments, grantable, values: state.values ?? {}, errors: state.errors ?? [], created: state.created ?? null }) as string, status);
  }

  app.get('/console/accounts', { schema: { hide: true } }, async (request, reply) => {
    if (!consoleOrRedirect(request, reply)) return reply;
    return renderAccounts(request, reply, {});
  });

  app.post('/console/accounts', {
    schema: { hide: true, body: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())])) },
  }, async (request, reply) => {
    const auth = consoleOrRedirect(request, reply);
    if (!auth) return reply;
    const body = request.body as FormFields;
    const values: AccountFormValues = {
      username: field(body, 'username').toLowerCase(), displayName: field(body, 'displayName'),
      department: field(body, 'department'), roles: asList(body.roles),
    };
    const password = Array.isArray(body.password) ? body.password[0] ?? '' : body.password ?? '';
    const errors = accountFormProblems(request.lang, values, password);
    if (errors.length) return renderAccounts(request, reply, { values, errors }, 400);
    try {
      const created = await identity.createAccount(db, auth.actor, { ...values, password } as Parameters<typeof identity.createAccount>[2]);
      return renderAccounts(request, reply, { created });
    } catch (error) {
      return renderAccounts(request, reply, { values, errors: formErrorsOf(error) }, 400);
    }
  });
}

function accountFormProblems(lang: 'zh-CN' | 'en', values: AccountFormValues, password: string): FieldError[] {
  const en = lang === 'en';
  const errors: FieldError[] = [];
  if (!/^[a-z0-9][a-z0-9._-]{2,39}$/.test(values.username ?? '')) errors.push({ field: 'username', message: en ? 'Enter a username of 3 to 40 lowercase letters, digits, dots, hyphens or underscores' : '用户名须为 3 到 40 位小写字母、数字、点、连字符或下划线' });
  if (!values.displayName) errors.push({ field: 'displayName', message: en ? 'Enter the person\'s name' : '请输入姓名' });
  if (!values.roles?.length) errors.push({ field: 'roles', message: en ? 'Choose at least one role' : '请至少选择一个角色' });
  if (password.length < 10) errors.push({ field: 'password', message: en ? 'Enter a password of at least 10 characters' : '密码至少 10 位' });
  return errors;
}
