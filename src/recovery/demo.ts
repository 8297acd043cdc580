import path from 'node:path';
import { enrol, loadIdentity } from '../exchange/gateway/identity.ts';
import { createEnrolmentToken } from '../exchange/service.ts';
import type { Hub } from '../hub/app.ts';
import { systemActor } from '../platform/access.ts';
import { demoDepartments } from '../registry/demo-data.ts';
import { type RunningStandby, startStandby } from './standby.ts';

/** The standby of `egov demo`: enrolled for the data bureau on first start, its copy in DATA/standby. */
export async function startDemoStandby(options: { hub: Hub; hubUrl: string; dataDir: string; port: number }): Promise<RunningStandby> {
  const dataDir = path.join(options.dataDir, 'standby');
  if (!(await loadIdentity(dataDir))) {
    const bureau = demoDepartments.find((d) => d.key === 'data')!;
    const { token } = await createEnrolmentToken(options.hub.database, systemActor('demo'), options.hub.exchange, { department: bureau.uscc, code: 'standby', role: 'standby' });
    await enrol({ dataDir, hubUrl: options.hubUrl, token, address: 'https://127.0.0.1:1' });
  }
  return startStandby({ dataDir, databaseUrl: null, sqliteSync: 'normal', host: '127.0.0.1', port: options.port, logLevel: 'warn' });
}
