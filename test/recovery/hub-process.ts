// A hub in its own process, for the tests that kill it with SIGKILL: settings as JSON in argv[2],
// the first serial to write in argv[3] (a restarted hub goes on where the last one stopped).
// It seeds the demo, makes a standby token (first start), waits for a standby to follow, then
// writes departments from four concurrent writers and prints "ack N" only once a write has
// returned: each such line is a write the hub acknowledged.
import { createEnrolmentToken } from '../../src/exchange/service.ts';
import { seedDemo } from '../../src/hub/demo.ts';
import { startHub } from '../../src/hub/server.ts';
import { systemActor } from '../../src/platform/access.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { createDepartment } from '../../src/registry/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';

const config = loadConfig({ flags: JSON.parse(process.argv[2]!) as Record<string, string> });
const admin = systemActor('test');
const hub = await startHub(config, async (database) => { await seedDemo(database); });
const bureau = demoDepartments.find((d) => d.key === 'data')!;
let next = Number(process.argv[3] ?? 1);
const token = next === 1 ? (await createEnrolmentToken(hub.hub.database, admin, hub.hub.exchange, { department: bureau.uscc, code: 'standby', role: 'standby' })).token : null;
process.stdout.write(`${JSON.stringify({ url: hub.url, exchangeUrl: hub.hub.exchangeUrl, token })}\n`);

while (!hub.hub.replication.status().standbys.some((s) => s.connected)) await new Promise((r) => setTimeout(r, 20));
async function writer(): Promise<void> {
  for (;;) {
    const serial = next++;
    await createDepartment(hub.hub.database, admin, {
      code: governmentUscc("210203", 5000 + serial), slug: `load-${serial}`, kind: 'bureau', division: '210203', parent: null,
      nameZh: `负载局${serial}`, nameEn: `Load bureau ${serial}`,
    });
    process.stdout.write(`ack ${serial}\n`);
  }
}
await Promise.all([writer(), writer(), writer(), writer()]);
