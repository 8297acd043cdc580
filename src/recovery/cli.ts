import { advertisedAddress } from '../exchange/gateway/cli.ts';
import { enrol, loadIdentity } from '../exchange/gateway/identity.ts';
import type { Config } from '../platform/config.ts';
import { type RunningStandby, startStandby } from './standby.ts';

/** `egov standby`: enrol on the first start (a standby token from a platform administrator), then follow. */
export async function runStandby(config: Config): Promise<RunningStandby> {
  if (!(await loadIdentity(config.data))) {
    if (!config.hub || !config.token) throw new Error(`${config.data} holds no enrolled standby: give --hub URL (the primary) and --token TOKEN (POST /api/v1/gateway-tokens with "role": "standby") for the first start`);
    const identity = await enrol({ dataDir: config.data, hubUrl: config.hub, token: config.token, address: advertisedAddress(config) });
    process.stderr.write(`enrolled as ${identity.id}\n`);
  }
  const running = await startStandby({
    dataDir: config.data, databaseUrl: config.databaseUrl, sqliteSync: config.sqliteSync, host: config.host, port: config.port, logLevel: config.logLevel,
  });
  const status = running.status();
  process.stderr.write(`standby following ${status.primary} from entry ${status.position.seq}; status at ${running.url}/healthz\n`);
  return running;
}
