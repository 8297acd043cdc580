import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { secretColumns } from '../hub/database.ts';
import type { JournalEntry } from './schema.ts';
import { consoleOrRedirect, requireStaffRole } from '../identity/request-auth.ts';
import { hasRole, requireRole, type StaffRole } from '../platform/access.ts';
import type { HttpApp } from '../platform/http.ts';
import { pageContext, sendPage } from '../web/page-context.ts';
import { JournalPage } from './pages/journal.tsx';
import { countJournal, journalHead, readEntries, recentEntries, verifyJournal, type VerifyResult } from './service.ts';

const tags = ['journal'];
const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
/** The journal holds every change with its actor: reading it is for those who watch the platform. */
const READERS: StaffRole[] = ['platform_admin', 'auditor', 'operator'];

const Entry = Type.Object({
  seq: Type.Number(), at: Type.String(), epoch: Type.Number(), actor: Type.String(),
  department: Type.Union([Type.String(), Type.Null()]), requestId: Type.Union([Type.String(), Type.Null()]),
  entity: Type.String(), key: Type.String(), op: Type.String(),
  row: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]), prevHash: Type.String(), hash: Type.String(),
});

const Verification = Type.Object({
  ok: Type.Boolean(), entries: Type.Number(),
  head: Type.Optional(Type.Object({ seq: Type.Number(), hash: Type.String() })),
  firstBad: Type.Optional(Type.Object({ seq: Type.Number(), problem: Type.String() })),
});

function withoutSecrets(entry: JournalEntry): JournalEntry {
  const secret = secretColumns[entry.entity];
  if (!secret || !entry.row) return entry;
  return { ...entry, row: Object.fromEntries(Object.entries(entry.row).map(([k, v]) => [k, secret.includes(k) && v !== null ? '[redacted]' : v])) };
}

export async function journalRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database.db;

  app.get('/api/v1/journal', {
    schema: { tags, security, summary: 'The journal head and size', response: { 200: Type.Object({ head: Type.Object({ seq: Type.Number(), hash: Type.String(), epoch: Type.Number() }), entries: Type.Number() }) } },
  }, async (request) => {
    requireStaffRole(request, ...READERS);
    return { head: await journalHead(db), entries: await countJournal(db) };
  });

  app.get('/api/v1/journal/entries', {
    schema: {
      tags, security, summary: 'Entries after a sequence number, in order',
      querystring: Type.Object({ after: Type.Integer({ minimum: 0, default: 0 }), limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }) }),
      response: { 200: Type.Array(Entry) },
    },
  }, async (request) => {
    requireStaffRole(request, ...READERS);
    return (await readEntries(db, request.query.after, request.query.limit)).map(withoutSecrets);
  });

  app.post('/api/v1/journal/verify', {
    schema: { tags, security, summary: 'Verify the whole hash chain', response: { 200: Verification } },
  }, async (request) => {
    requireStaffRole(request, ...READERS);
    return verifyJournal(db);
  });

  async function render(request: Parameters<typeof consoleOrRedirect>[0], reply: Parameters<typeof consoleOrRedirect>[1], result: VerifyResult | null) {
    const actor = request.auth!.actor;
    const page = pageContext(request, 'console', await hub.city());
    return sendPage(reply, JournalPage({
      page, head: await journalHead(db), recent: await recentEntries(db, 20), result, canVerify: hasRole(actor, ...READERS),
    }) as string);
  }

  app.get('/console/journal', { schema: { hide: true } }, async (request, reply) => {
    if (!consoleOrRedirect(request, reply)) return reply;
    return render(request, reply, null);
  });

  app.post('/console/journal/verify', { schema: { hide: true } }, async (request, reply) => {
    const auth = consoleOrRedirect(request, reply);
    if (!auth) return reply;
    requireRole(auth.actor, ...READERS);
    return render(request, reply, await verifyJournal(db));
  });
}
