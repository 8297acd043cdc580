/**
 * The hub side of bench/replication.ts, in its own process: a hub on a fresh SQLite folder that
 * makes a standby token, waits until that standby follows, then commits single-row journaled
 * writes on a fixed schedule (`rate` per second for `seconds`, not waiting for earlier writes)
 * and reports each as `w {seq} {start ms} {end ms}` (wall clock, sub-millisecond), then `done`.
 * Rate 0: one write at a time, each started when the last returned (commit latency, as pgbench -c 1).
 * Settings as JSON in argv[2]: { data, replication, rate, seconds }.
 */
import { createEnrolmentToken } from '../src/exchange/service.ts';
import { startHub } from '../src/hub/server.ts';
import type { ChangeContext } from '../src/journal/schema.ts';
import { insertRow, journalHead, lastAppendedBy } from '../src/journal/service.ts';
import { systemActor } from '../src/platform/access.ts';
import { loadConfig } from '../src/platform/config.ts';

const settings = JSON.parse(process.argv[2]!) as { data: string; replication: 'async' | 'sync'; rate: number; seconds: number };
const ctx: ChangeContext = { actor: 'system:bench', department: null, requestId: null };
const DEPARTMENT = '11210200MB0000000X';
const now = () => performance.timeOrigin + performance.now();

const config = loadConfig({ flags: { data: settings.data, port: '0', exchangePort: '0', logLevel: 'silent', replication: settings.replication, syncFallback: 'wait' } });
const hub = await startHub(config, async (database) => {
  await database.transaction(async (tx) => {
    const at = new Date().toISOString();
    await insertRow(tx, ctx, 'divisions', { id: '210200', kind: 'city', parent_id: null, name_zh: '大连市', name_en: 'Dalian' });
    await insertRow(tx, ctx, 'departments', {
      id: DEPARTMENT, slug: 'bench', kind: 'bureau', division_id: '210200', parent_id: null, name_zh: '基准测试局', name_en: 'Bench bureau', created_at: at, updated_at: at,
    });
  });
});
const tokenFor = async (code: string, role: 'standby' | 'gateway') => (await createEnrolmentToken(hub.hub.database, systemActor('bench'), hub.hub.exchange, { department: DEPARTMENT, code, role })).token;
// The gateway token is for after a promotion: enrolling with it is the new hub's first write.
process.stdout.write(`${JSON.stringify({ url: hub.url, token: await tokenFor('standby', 'standby'), gatewayToken: await tokenFor('gw1', 'gateway') })}\n`);

const caughtUp = async () => {
  const head = (await journalHead(hub.hub.database.db)).seq;
  return hub.hub.replication.status().standbys.some((s) => s.connected && s.ackedSeq >= head);
};
while (!(await caughtUp())) await new Promise((r) => setTimeout(r, 20));

let out: string[] = [];
const flush = setInterval(() => { if (out.length) { process.stdout.write(out.join('')); out = []; } }, 100);
async function write(i: number): Promise<void> {
  const start = now();
  let seq = 0;
  await hub.hub.database.transaction(async (tx) => {
    await insertRow(tx, ctx, 'department_contacts', {
      id: `contact-${i}`, department_id: DEPARTMENT, role: 'primary', name: `联系人${i}`, phone: '13800000000', email: `c${i}@bench.dalian.gov.cn`,
    });
    seq = lastAppendedBy(tx)!;
  });
  out.push(`w ${seq} ${start.toFixed(3)} ${now().toFixed(3)}\n`);
}

const begin = now();
if (settings.rate === 0) {
  for (let i = 0; now() - begin < settings.seconds * 1000; i += 1) await write(i);
} else {
  const writes: Promise<void>[] = [];
  for (let i = 0; i < settings.rate * settings.seconds; i += 1) {
    const wait = begin + (i * 1000) / settings.rate - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    writes.push(write(i));
  }
  await Promise.all(writes);
}

clearInterval(flush);
process.stdout.write(`${out.join('')}done\n`);
await hub.stop();
process.exit(0);
