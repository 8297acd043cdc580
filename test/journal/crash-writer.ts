/**
 * A hub process that does nothing but write, for the journal's crash and multi-process tests:
 *
 *   node --import tsx test/journal/crash-writer.ts <sqlite|postgres> <dataDir or url> [options]
 *
 * It creates departments one after another through the registry service (each its own
 * transaction) and, once a change has committed, prints `<seq> <department code>` on standard
 * output: that line is the acknowledgement. The database must already be migrated and hold the
 * division given with --division. Options:
 *   --division CODE   the division the departments belong to (default 440300)
 *   --start N         serial number of the first department (default 1)
 *   --count N         stop after N changes and exit 0 (default: write until killed)
 */
import { sql } from 'kysely';
import type { HubDatabase } from '../../src/hub/database.ts';
import { systemActor } from '../../src/platform/access.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import { createDepartment } from '../../src/registry/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';

const [kind, location, ...rest] = process.argv.slice(2);
if ((kind !== 'sqlite' && kind !== 'postgres') || !location) {
  process.stderr.write('usage: crash-writer.ts <sqlite|postgres> <dataDir or url> [--division CODE] [--start N] [--count N]\n');
  process.exit(2);
}

function option(name: string, fallback: string): string {
  const at = rest.indexOf(name);
  return at >= 0 && rest[at + 1] !== undefined ? rest[at + 1]! : fallback;
}

const division = option('--division', '440300');
const start = Number(option('--start', '1'));
const count = Number(option('--count', 'Infinity'));

const database = await openDatabase({
  url: kind === 'postgres' ? location : null,
  dataDir: kind === 'sqlite' ? location : '.',
  sqliteSync: 'normal',
}) as HubDatabase;
const actor = systemActor('crash-writer');

try {
  for (let serial = start; serial < start + count; serial++) {
    const code = governmentUscc(division, serial);
    await createDepartment(database, actor, {
      code, slug: `writer-${serial}`, kind: 'bureau', division, nameZh: `写入测试局${serial}`, nameEn: `Writer Test Bureau ${serial}`,
    });
    // Committed: find which sequence number the journal gave it (exact even with other writers).
    const { rows } = await sql<{ seq: number | string }>`select seq from journal where entity = 'departments' and entity_key = ${code}`.execute(database.db);
    if (rows.length !== 1) throw new Error(`department ${code} committed with ${rows.length} journal entries`);
    process.stdout.write(`${Number(rows[0]!.seq)} ${code}\n`);
  }
} finally {
  await database.close();
}
