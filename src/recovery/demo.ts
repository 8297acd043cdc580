import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { enrol, loadIdentity } from '../exchange/gateway/identity.ts';
import { createEnrolmentToken } from '../exchange/service.ts';
import type { Hub } from '../hub/app.ts';
import { writePrivateFile } from '../pki/files.ts';
import { systemActor } from '../platform/access.ts';
import { demoDepartments } from '../registry/demo-data.ts';
import { type RunningStandby, startStandby } from './standby.ts';

/** Where the demo keeps its backup key: a real deployment keeps it away from the backups. */
export const DEMO_BACKUP_KEY_FILE = 'demo-backup.key';

/**
 * The standby of `egov demo`: enrolled for the data bureau on first start, its copy in
 * DATA/standby, a backup at start and every hour into DATA/standby/backups.
 */
export async function startDemoStandby(options: { hub: Hub; hubUrl: string; dataDir: string; port: number }): Promise<RunningStandby> {
  const dataDir = path.join(options.dataDir, 'standby');
  if (!(await loadIdentity(dataDir))) {
    const bureau = demoDepartments.find((d) => d.key === 'data')!;
    const { token } = await createEnrolmentToken(options.hub.database, systemActor('demo'), options.hub.exchange, { department: bureau.uscc, code: 'standby', role: 'standby' });
    await enrol({ dataDir, hubUrl: options.hubUrl, token, address: 'https://127.0.0.1:1' });
  }
  const keyFile = path.join(options.dataDir, DEMO_BACKUP_KEY_FILE);
  let key = await readFile(keyFile, 'utf8').then((hex) => Buffer.from(hex.trim(), 'hex'), () => null);
  if (!key) {
    key = randomBytes(32);
    await writePrivateFile(keyFile, key.toString('hex'));
  }
  return startStandby({
    dataDir, databaseUrl: null, sqliteSync: 'normal', host: '127.0.0.1', port: options.port, logLevel: 'warn',
    backups: { key, everyMinutes: 60, keep: 24 },
  });
}
