import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, describeSettings, loadConfig, publicUrlOf, type ConfigSources } from '../../src/platform/config.ts';

let folder = '';

before(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'egov-config-'));
});

after(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** Writes a JSON config file and returns its path. */
function configFile(name: string, content: unknown): string {
  const file = path.join(folder, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Loads the configuration expecting a ConfigError, and returns it. */
function configError(sources: ConfigSources): ConfigError {
  try {
    loadConfig(sources);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('the configuration was accepted');
}

describe('configuration', () => {
  describe('defaults', () => {
    it('gives every setting its documented default when nothing is set', () => {
      const config = loadConfig();
      assert.equal(config.port, 8080);
      assert.equal(config.host, '127.0.0.1');
      assert.equal(config.data, path.resolve('./data'));
      assert.equal(config.databaseUrl, null, 'SQLite unless a PostgreSQL URL is given');
      assert.equal(config.publicUrl, null);
      assert.equal(config.logLevel, 'info');
      assert.equal(config.sessionHours, 8);
      assert.equal(config.maxFailedSignIns, 5);
      assert.equal(config.lockoutMinutes, 15);
      assert.equal(config.bodyLimit, 1048576);
      assert.equal(config.sqliteSync, 'full');
    });

    it('documents every setting it loads, with a flag, an environment variable and a default', () => {
      const config = loadConfig();
      const documented = describeSettings();
      assert.deepEqual(documented.map((s) => s.name).sort(), Object.keys(config).sort());
      for (const setting of documented) {
        assert.match(setting.flag, /^--[a-z-]+$/, `${setting.name} has a flag`);
        assert.match(setting.env, /^[A-Z_]+$/, `${setting.name} has an environment variable`);
        assert.ok(setting.doc.length > 0, `${setting.name} is explained`);
      }
    });

    it('derives the public address from host and port unless one is given', () => {
      assert.equal(publicUrlOf(loadConfig({ flags: { port: '9000' } })), 'http://127.0.0.1:9000');
      assert.equal(publicUrlOf(loadConfig({ flags: { host: '0.0.0.0', port: '9000' } })), 'http://127.0.0.1:9000');
      assert.equal(publicUrlOf(loadConfig({ flags: { publicUrl: 'https://hub.example.gov.cn/' } })), 'https://hub.example.gov.cn');
    });
  });

  describe('precedence', () => {
    it('takes a flag over the environment, the environment over the file, and the file over the default', () => {
      const file = configFile('precedence.json', { port: 7001, logLevel: 'warn', sessionHours: 4, lockoutMinutes: 30 });
      const config = loadConfig({
        flags: { port: '7003' },
        env: { EGOV_PORT: '7002', EGOV_LOG_LEVEL: 'debug' },
        file,
      });
      assert.equal(config.port, 7003, 'flag beats environment and file');
      assert.equal(config.logLevel, 'debug', 'environment beats file');
      assert.equal(config.sessionHours, 4, 'file beats default');
      assert.equal(config.lockoutMinutes, 30, 'file beats default');
      assert.equal(config.maxFailedSignIns, 5, 'default when nobody sets it');
    });

    it('reads the environment through the documented variable names', () => {
      const config = loadConfig({ env: { DATABASE_URL: 'postgres://egov@db.example:5432/egov', EGOV_SQLITE_SYNC: 'normal', EGOV_BODY_LIMIT: '2048' } });
      assert.equal(config.databaseUrl, 'postgres://egov@db.example:5432/egov');
      assert.equal(config.sqliteSync, 'normal');
      assert.equal(config.bodyLimit, 2048);
    });

    it('ignores a flag that was not given (undefined) and falls through to the environment', () => {
      const config = loadConfig({ flags: { port: undefined }, env: { EGOV_PORT: '7002' } });
      assert.equal(config.port, 7002);
    });

    it('does not let a bad value in a lower source matter when a higher source overrides it', () => {
      const file = configFile('overridden.json', { port: 'abc' });
      assert.equal(loadConfig({ flags: { port: '7004' }, file }).port, 7004);
    });
  });

  describe('bad values', () => {
    it('refuses a port that is not a number, naming the setting and the flag it came from', () => {
      const error = configError({ flags: { port: 'abc' } });
      assert.equal(error.setting, 'port');
      assert.match(error.message, /--port/);
      assert.match(error.message, /"abc"/);
      assert.match(error.message, /whole number/);
    });

    it('refuses a port above 65535, naming the environment variable it came from', () => {
      const error = configError({ env: { EGOV_PORT: '70000' } });
      assert.equal(error.setting, 'port');
      assert.match(error.message, /EGOV_PORT/);
      assert.match(error.message, /70000/);
      assert.match(error.message, /between 0 and 65535/);
    });

    it('refuses an unknown log level, naming the file it came from and the allowed levels', () => {
      const file = configFile('loud.json', { logLevel: 'loud' });
      const error = configError({ file });
      assert.equal(error.setting, 'logLevel');
      assert.ok(error.message.includes(file), `the message names the file: ${error.message}`);
      assert.match(error.message, /"logLevel"/);
      assert.match(error.message, /"loud"/);
      assert.match(error.message, /fatal, error, warn, info, debug, silent/);
    });

    it('refuses a database URL that is not PostgreSQL', () => {
      const error = configError({ flags: { databaseUrl: 'mysql://x' } });
      assert.equal(error.setting, 'databaseUrl');
      assert.match(error.message, /--database-url/);
      assert.match(error.message, /postgres:\/\//);

      const fromEnv = configError({ env: { DATABASE_URL: 'mysql://x' } });
      assert.equal(fromEnv.setting, 'databaseUrl');
      assert.match(fromEnv.message, /DATABASE_URL/);
    });

    it('refuses an unknown key in the config file, naming the key, the file and the known settings', () => {
      const file = configFile('unknown.json', { port: 8081, colour: 'blue' });
      const error = configError({ file });
      assert.equal(error.setting, 'colour');
      assert.ok(error.message.includes(file), `the message names the file: ${error.message}`);
      assert.match(error.message, /unknown setting "colour"/);
      assert.match(error.message, /port/, 'the message lists the known settings');
    });

    it('refuses a key in the config file that only looks like a setting because every object has it', () => {
      for (const key of ['constructor', 'toString', 'hasOwnProperty']) {
        const file = configFile(`inherited-${key}.json`, { [key]: 'x' });
        const error = configError({ file });
        assert.equal(error.setting, key);
        assert.match(error.message, /unknown setting/);
      }
    });

    it('refuses a config file that cannot be read, naming the file', () => {
      const missing = path.join(folder, 'does-not-exist.json');
      const error = configError({ file: missing });
      assert.equal(error.setting, 'config');
      assert.ok(error.message.includes(missing), `the message names the file: ${error.message}`);
    });

    it('refuses a config file that is not JSON, or not a JSON object', () => {
      const broken = configFile('broken.json', '{ "port": ');
      assert.match(configError({ file: broken }).message, /cannot read config file/);
      const list = configFile('list.json', [8080]);
      assert.match(configError({ file: list }).message, /must hold a JSON object/);
    });

    it('refuses out-of-range numbers for the other numeric settings', () => {
      assert.equal(configError({ flags: { sessionHours: '0' } }).setting, 'sessionHours');
      assert.equal(configError({ flags: { maxFailedSignIns: '-1' } }).setting, 'maxFailedSignIns');
      assert.equal(configError({ flags: { lockoutMinutes: '1.5' } }).setting, 'lockoutMinutes');
      assert.equal(configError({ flags: { bodyLimit: '100' } }).setting, 'bodyLimit');
    });

    it('refuses an empty host and a public URL that is not http or https', () => {
      assert.equal(configError({ env: { EGOV_HOST: '  ' } }).setting, 'host');
      assert.equal(configError({ flags: { publicUrl: 'ftp://hub.example' } }).setting, 'publicUrl');
    });
  });

  describe('the result', () => {
    it('is frozen: assigning to a setting throws', () => {
      const config = loadConfig();
      assert.ok(Object.isFrozen(config));
      assert.throws(() => {
        (config as { port: number }).port = 1;
      }, TypeError);
      assert.equal(config.port, 8080, 'the value is unchanged');
    });
  });
});
