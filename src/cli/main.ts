import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ConfigError, describeSettings, loadConfig, type Config, type SettingName } from '../platform/config.ts';

// Commands load what they need when they run, so `egov --help` answers at once.
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The `egov` command: one program for every role. Commands only parse, call and print; the work
 * is in the modules.
 */
const program = new Command('egov')
  .description('egov-cloud: the e-government extranet private cloud center (hub, gateways, standby)')
  .version(VERSION)
  .showHelpAfterError()
  // `egov gateway` and `egov gateway log verify` both take --data: each flag belongs to the command it follows.
  .enablePositionalOptions();

/** Every command takes every setting as a flag; --config names an optional JSON file. */
function withSettings(command: Command): Command {
  command.addOption(new Option('--config <file>', 'JSON file with settings (keys as below)').env('EGOV_CONFIG'));
  for (const s of describeSettings()) {
    command.addOption(new Option(`${s.flag} <value>`, `${s.doc} (env ${s.env}, default ${s.default === '' ? 'none' : s.default})`));
  }
  return command;
}

function configFrom(options: Record<string, string | undefined>, defaults: Partial<Record<SettingName, string>> = {}): Config {
  const flags: Partial<Record<SettingName, string | undefined>> = {};
  for (const s of describeSettings()) {
    const name = s.name as SettingName;
    flags[name] = options[name] ?? (process.env[s.env] === undefined ? defaults[name] : undefined);
  }
  return loadConfig({ flags, env: process.env, file: options.config });
}

withSettings(program.command('hub'))
  .description('run the hub (data center): API, portal, workbench, console, single sign-on')
  .action(async (options) => {
    const { startHub } = await import('../hub/server.ts');
    const running = await startHub(configFrom(options));
    stopOnSignal(running.stop);
  });

withSettings(program.command('demo'))
  .description('run the demo: the hub with Dalian\'s departments and demo accounts in ./data')
  .action(async (options) => {
    let config = configFrom(options, { logLevel: 'warn' });
    const { startHub } = await import('../hub/server.ts');
    const { DEMO_PASSWORD, DEMO_TOTP_SECRET, demoAccounts, seedDemo } = await import('../hub/demo.ts');
    const { DEMO_PORTAL, demoGateways, startDemoExchange } = await import('../exchange/demo.ts');
    const { demoDepartments } = await import('../registry/demo-data.ts');
    const { choosePort } = await import('../platform/ports.ts');
    // The portal verifies people and prefills forms through its own department's demo gateway, unless told otherwise.
    const clientPorts: Record<string, number> = {};
    if (!config.portalGateway) {
      const portalPort = config.port === 0 ? await choosePort() : 8100 + demoGateways.findIndex((g) => g.key === DEMO_PORTAL.gateway);
      clientPorts[DEMO_PORTAL.gateway] = portalPort;
      const portalDepartment = demoDepartments.find((d) => d.key === DEMO_PORTAL.gateway)!.uscc;
      config = { ...config, portalGateway: `http://127.0.0.1:${portalPort}`, portalClient: `${portalDepartment}/${DEMO_PORTAL.system}` };
    }
    const running = await startHub(config, async (database) => {
      const { seeded } = await seedDemo(database);
      if (seeded) process.stdout.write(`Seeded the demo data into ${database.location}\n`);
    });
    const exchange = await startDemoExchange({
      hub: running.hub, hubUrl: running.url, dataDir: config.data, basePort: config.port === 0 ? 0 : 8000, clientPorts,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    const { startDemoStandby } = await import('../recovery/demo.ts');
    const standby = await startDemoStandby({ hub: running.hub, hubUrl: running.url, dataDir: config.data, port: config.port === 0 ? 0 : 8280 });
    stopOnSignal(async () => {
      await standby.stop();
      await exchange.stop();
      await running.stop();
    });
    const u = running.url;
    const code = (key: string) => demoDepartments.find((d) => d.key === key)!.uscc;
    const gatewayLines = [...exchange.gateways].map(([key, g]) => `  ${key.padEnd(6)} ${g.identity.id.padEnd(26)} systems call ${g.clientUrl}/r1/…`);
    process.stdout.write([
      '',
      'egov-cloud demo is running (Ctrl-C stops it)',
      `  portal     ${u}/`,
      `  workbench  ${u}/staff`,
      `  console    ${u}/console`,
      `  API        ${u}/api/openapi.json`,
      `  SSO        ${u}/oidc/.well-known/openid-configuration`,
      `  health     ${u}/healthz   metrics ${u}/metrics`,
      '',
      `Standby (disaster recovery copy, follows the journal): ${standby.url}/healthz  (data in ${config.data}/standby, hourly backups`,
      `  in ${config.data}/standby/backups with the key in ${config.data}/demo-backup.key; state on ${u}/console/recovery)`,
      '',
      'Department gateways (mutual TLS between them, signed and logged):',
      ...gatewayLines,
      '',
      'A social insurance clerk\'s system fetches a resident from the Public Security Bureau through two gateways;',
      'items outside the agreement come back masked or not at all:',
      `  curl -s ${exchange.gateways.get('hrss')!.clientUrl}/r1/${code('psb')}/population/persons/persons/${exchange.samples.person} \\`,
      `    -H 'Egov-Client: ${code('hrss')}/social-insurance' -H 'Egov-User-Id: CN${exchange.samples.person}' -H 'Egov-Issue: SB-2026-000001'`,
      'The provident fund centre checks an employer with the market regulator:',
      `  curl -s ${exchange.gateways.get('hpf')!.clientUrl}/r1/${code('amr')}/business-reg/enterprises/enterprises/${exchange.samples.enterprise} -H 'Egov-Client: ${code('hpf')}/provident-fund'`,
      `What a client may call: curl -s ${exchange.gateways.get('hrss')!.clientUrl}/r1/${code('psb')}/allowedMethods -H 'Egov-Client: ${code('hrss')}/social-insurance'`,
      '',
      `Demo accounts, all with the password ${DEMO_PASSWORD}:`,
      ...demoAccounts.map((a) => `  ${a.username.padEnd(14)} ${a.roles.join(', ')}`),
      `Administrators also enter a code from an authenticator app with the key ${DEMO_TOTP_SECRET},`,
      `or print the current code with: npx egov totp ${DEMO_TOTP_SECRET}`,
      '',
    ].join('\n'));
  });

withSettings(program.command('migrate'))
  .description('create or update the database schema, then exit')
  .action(async (options) => {
    const { openHubDatabase } = await import('../hub/database.ts');
    const database = await openHubDatabase(configFrom(options));
    process.stdout.write(`Database at ${database.location} is up to date\n`);
    await database.close();
  });

const journal = program.command('journal').description('the hash-chained change journal');
withSettings(journal.command('verify'))
  .description('check the whole chain; exits 1 naming the first entry that was changed, removed or inserted')
  .action(async (options) => {
    const { openHubDatabase } = await import('../hub/database.ts');
    const { verifyJournal } = await import('../journal/service.ts');
    const database = await openHubDatabase(configFrom(options));
    try {
      const result = await verifyJournal(database.db);
      if (result.ok) {
        process.stdout.write(`journal ok: ${result.entries} entries, head ${result.head.seq} ${result.head.hash}\n`);
      } else {
        process.stderr.write(`journal BROKEN at entry ${result.firstBad.seq}: ${result.firstBad.problem} (${result.entries} entries before it verified)\n`);
        process.exitCode = 1;
      }
    } finally {
      await database.close();
    }
  });

const backup = program.command('backup').description('encrypted backups of the hub (key: EGOV_BACKUP_KEY or --backup-key-file): write, check, rehearse a restore');
withSettings(backup.command('create'))
  .description('write a backup of the hub (or standby) of --data into DATA/backups, then check it; exits 1 when the check fails')
  .option('--out <file>', 'write the backup here instead')
  .action(async (options) => {
    const { backupCreateCommand } = await import('../recovery/backup-cli.ts');
    process.exitCode = await backupCreateCommand(configFrom(options), options.out);
  });
withSettings(backup.command('verify'))
  .description('check a backup without restoring it (key, checksums, journal chain); exits 1 naming what does not hold')
  .argument('<file>', 'the backup file')
  .action(async (file: string, options) => {
    const { backupVerifyCommand } = await import('../recovery/backup-cli.ts');
    process.exitCode = await backupVerifyCommand(configFrom(options), file);
  });
withSettings(backup.command('drill'))
  .description('restore the newest backup of DATA/backups into a scratch folder and check it against the live journal; exits 1 on any difference')
  .option('--file <file>', 'drill with this backup instead of the newest')
  .option('--scratch <dir>', 'where the scratch restore goes (default DATA/backups/.drills; removed after)')
  .action(async (options) => {
    const { backupDrillCommand } = await import('../recovery/backup-cli.ts');
    process.exitCode = await backupDrillCommand(configFrom(options), { file: options.file, scratch: options.scratch });
  });

withSettings(program.command('restore'))
  .description('restore a backup into an empty --data folder (and an empty database with --database-url), as at its end, or at --to-seq or --to-time')
  .requiredOption('--file <file>', 'the backup file')
  .option('--to-seq <n>', 'restore up to and including this journal entry')
  .option('--to-time <iso>', 'restore up to the last entry at or before this time, e.g. 2026-05-14T10:15:00+08:00')
  .action(async (options) => {
    const { restoreCommand } = await import('../recovery/backup-cli.ts');
    process.exitCode = await restoreCommand(configFrom(options), { file: options.file, toSeq: options.toSeq, toTime: options.toTime });
  });

const gateway = withSettings(program.command('gateway'))
  .enablePositionalOptions()
  .description("run a department's security gateway; the first start enrols it with --hub and --token")
  .action(async (options) => {
    const config = configFrom(options, { port: '8180' });
    const { runGateway } = await import('../exchange/gateway/cli.ts');
    const running = await runGateway(config);
    stopOnSignal(running.stop);
  });

const gatewayLog = gateway.command('log').description("the gateway's hash-chained message log");
withSettings(gatewayLog.command('verify'))
  .description('check the whole log and its countersigned heads; exits 1 naming the first bad entry')
  .action(async (options) => {
    const { verifyGatewayLog } = await import('../exchange/gateway/cli.ts');
    process.exitCode = await verifyGatewayLog(configFrom(options));
  });

withSettings(gatewayLog.command('evidence'))
  .description('write the evidence of one exchange (message, signatures, proof it is in the countersigned log) as JSON')
  .requiredOption('--message <id>', 'the message id (Egov-Id)')
  .option('--out <file>', 'write here instead of standard output')
  .action(async (options) => {
    const { writeEvidence } = await import('../exchange/gateway/cli.ts');
    await writeEvidence(configFrom(options), options.message, options.out);
  });

withSettings(gatewayLog.command('archive'))
  .description('move entries older than --retention-days into compressed files now (the gateway also does it hourly)')
  .action(async (options) => {
    const { archiveGatewayLog } = await import('../exchange/gateway/cli.ts');
    await archiveGatewayLog(configFrom(options));
  });

withSettings(program.command('standby'))
  .description('run the disaster recovery standby: follows the hub\'s journal over mutual TLS, verifies it and keeps a copy (the first start enrols it with --hub and --token)')
  .option('--rejoin', 'the data folder is a former hub\'s: report and set aside what the new hub never received, then follow it')
  .action(async (options) => {
    const config = configFrom(options, { port: '8280' });
    const { runStandby } = await import('../recovery/cli.ts');
    let hub: { stop(): Promise<void> } | null = null;
    const running = await runStandby(config, { rejoin: Boolean(options.rejoin), onHub: (h) => { hub = h; } });
    stopOnSignal(async () => { await running.stop(); await hub?.stop(); });
  });

withSettings(program.command('promote'))
  .description('make the standby of --data the hub (a new epoch): the running standby switches over in place; a stopped one is promoted for egov hub to start')
  .action(async (options) => {
    const { promoteCommand } = await import('../recovery/cli.ts');
    process.exitCode = await promoteCommand(configFrom(options, { port: '8280' }));
  });

program.command('evidence')
  .description('check exchange evidence with nothing but the hub\'s public keys; exits 1 when it does not hold')
  .argument('<file>', 'evidence JSON from egov gateway log evidence')
  .requiredOption('--keys <file-or-url>', "the hub's keys: a JWKS file, or the hub's /api/v1/global-config/keys URL")
  .action(async (file: string, options: { keys: string }) => {
    const { checkEvidenceFile } = await import('../exchange/gateway/cli.ts');
    process.exitCode = await checkEvidenceFile(file, options.keys);
  });

const basedata = program.command('basedata').description('reference backends of the base databases (population, enterprises)');
basedata.command('generate')
  .description('generate a synthetic registry into a SQLite file')
  .requiredOption('--registry <name>', 'population or enterprises')
  .option('--count <n>', 'records (default: 100000 persons, 20000 enterprises)')
  .option('--seed <n>', 'random seed', '2026')
  .requiredOption('--out <file>', 'SQLite file to write')
  .action(async (options: Record<string, string>) => {
    const { generateCommand } = await import('../basedata/cli.ts');
    await generateCommand(options);
  });
basedata.command('serve')
  .description('serve a registry file over HTTP, as the department backend behind its gateway')
  .requiredOption('--registry <name>', 'population or enterprises')
  .requiredOption('--file <file>', 'SQLite file from basedata generate')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'TCP port', '9101')
  .action(async (options: Record<string, string>) => {
    const { serveCommand } = await import('../basedata/cli.ts');
    const running = await serveCommand(options);
    stopOnSignal(running.close);
  });

program.command('totp')
  .description('print the current 6-digit code for an authenticator key (for the demo administrators)')
  .argument('<key>', 'base32 authenticator key')
  .action(async (key: string) => {
    const { currentTotp } = await import('../identity/totp.ts');
    process.stdout.write(`${currentTotp(key.toUpperCase())}\n`);
  });

withSettings(program.command('config'))
  .description('print the effective settings after flags, environment and config file')
  .action((options) => {
    process.stdout.write(`${JSON.stringify(configFrom(options), null, 2)}\n`);
  });

function stopOnSignal(stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stop().then(() => process.exit(0), () => process.exit(1));
    });
  }
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`egov: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`egov: ${(error as Error).message}\n`);
  process.exit(1);
}
