import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { citizenIdCheckChar } from '../../src/basedata/citizen-id.ts';
import { generateRegistry, sampleKeys } from '../../src/basedata/generate.ts';
import { enterpriseItems, personItems, verificationItems, type PersonRecord } from '../../src/basedata/records.ts';
import { startBasedataServer, type RunningBasedataServer } from '../../src/basedata/server.ts';
import { demoResources } from '../../src/catalog/demo-data.ts';
import { usccCheckChar } from '../../src/registry/uscc.ts';
import { generateCommand, serveCommand, BasedataOptionError } from '../../src/basedata/cli.ts';
import { assertCatalogRecord, catalogItems } from './support.ts';

let folder = '';
let populationFile = '';
let enterprisesFile = '';
let population: RunningBasedataServer | undefined;
let enterprises: RunningBasedataServer | undefined;

before(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'egov-basedata-server-'));
  populationFile = generateRegistry({ registry: 'population', out: path.join(folder, 'population.sqlite'), count: 3000, seed: 5 }).file;
  enterprisesFile = generateRegistry({ registry: 'enterprises', out: path.join(folder, 'enterprises.sqlite'), count: 2000, seed: 5 }).file;
  population = await startBasedataServer({ registry: 'population', file: populationFile });
  enterprises = await startBasedataServer({ registry: 'enterprises', file: enterprisesFile });
});

after(async () => {
  try {
    await population?.close();
    await enterprises?.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

async function get(base: RunningBasedataServer | undefined, pathname: string): Promise<{ status: number; body: any; type: string }> {
  const response = await fetch(base!.url + pathname);
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.json() };
}

async function post(pathname: string, body: string, type = 'application/json'): Promise<{ status: number; body: any }> {
  const response = await fetch(population!.url + pathname, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: response.status, body: await response.json() };
}

/** A valid number whose last sequence digit is changed, with the check character fixed up: valid but (almost surely) unknown. */
function unknownValidId(known: string): string {
  const first17 = known.slice(0, 16) + String((Number(known[16]) + 2) % 10);
  return first17 + citizenIdCheckChar(first17);
}

function personWhere(sql: string): PersonRecord {
  const db = new Database(populationFile, { readonly: true });
  try {
    return JSON.parse((db.prepare(`SELECT record FROM persons WHERE ${sql} LIMIT 1`).pluck().get() as string)) as PersonRecord;
  } finally {
    db.close();
  }
}

describe('the population backend', () => {
  it('answers GET /persons/{idNumber} with the person\'s record: exactly the items of PSB-0001', async () => {
    for (const id of sampleKeys(populationFile, 20)) {
      const { status, body, type } = await get(population, `/persons/${id}`);
      assert.equal(status, 200);
      assert.match(type, /^application\/json/);
      assert.equal(body.idNumber, id);
      assertCatalogRecord(body, 'PSB-0001', personItems);
    }
  });

  it('accepts a lower-case x as the check character', async () => {
    const person = personWhere("id_number LIKE '%X'");
    const { status, body } = await get(population, `/persons/${person.idNumber.slice(0, 17)}x`);
    assert.equal(status, 200);
    assert.equal(body.idNumber, person.idNumber);
  });

  it('says what is wrong with a malformed number or a bad check character (400), and 404 for an unknown one', async () => {
    const [id] = sampleKeys(populationFile, 1);
    const wrongCheck = id!.slice(0, 17) + (id![17] === '0' ? '1' : '0');
    const bad = await get(population, `/persons/${wrongCheck}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'invalid_input');
    assert.match(bad.body.message, /check character is wrong: expected /);

    const short = await get(population, '/persons/2102021990');
    assert.equal(short.status, 400);
    assert.match(short.body.message, /18 characters, this one has 10/);

    const badDate = '21020219901301123';
    const date = await get(population, `/persons/${badDate}${citizenIdCheckChar(badDate)}`);
    assert.equal(date.status, 400);
    assert.match(date.body.message, /birth date 19901301 .* not a real date/);

    const unknown = await get(population, `/persons/${unknownValidId(id!)}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'not_found');
  });

  it('verifies a name against a number (PSB-0002), by POST or by query, and tells nothing else', async () => {
    const person = personWhere('in_force = 1 AND has_card = 1 AND card_valid_until IS NULL');
    const ok = await post('/verifications', JSON.stringify({ idNumber: person.idNumber, name: person.name }));
    assert.equal(ok.status, 200);
    assertCatalogRecord(ok.body, 'PSB-0002', verificationItems);
    assert.deepEqual(ok.body, { idNumber: person.idNumber, name: person.name, consistent: true, cardValid: true, cardValidUntil: null });

    const query = await get(population, `/verifications?idNumber=${person.idNumber}&name=${encodeURIComponent(` ${person.name} `)}`);
    assert.equal(query.status, 200);
    assert.equal(query.body.consistent, true, 'spaces around the name do not matter');

    const wrongName = await post('/verifications', JSON.stringify({ idNumber: person.idNumber, name: `${person.name}某` }));
    assert.deepEqual({ ...wrongName.body }, { idNumber: person.idNumber, name: `${person.name}某`, consistent: false, cardValid: false, cardValidUntil: null });

    const unknown = await post('/verifications', JSON.stringify({ idNumber: unknownValidId(person.idNumber), name: person.name }));
    assert.equal(unknown.status, 200, 'an unknown number is not consistent, not an error: the answer does not reveal which numbers exist');
    assert.equal(unknown.body.consistent, false);
  });

  it('reports a card as invalid once the registration is cancelled or the card has expired', async () => {
    const dead = personWhere("in_force = 0 AND json_extract(record, '$.cancellationReason') = '1'");
    const deceased = await post('/verifications', JSON.stringify({ idNumber: dead.idNumber, name: dead.name }));
    assert.deepEqual({ consistent: deceased.body.consistent, cardValid: deceased.body.cardValid }, { consistent: true, cardValid: false });

    const db = new Database(populationFile, { readonly: true });
    const expired = db.prepare("SELECT id_number AS id, name, card_valid_until AS until FROM persons WHERE in_force = 1 AND card_valid_until < '2025-12-31' LIMIT 1").get() as
      { id: string; name: string; until: string } | undefined;
    db.close();
    assert.ok(expired, 'the synthetic population has expired cards');
    const answer = await post('/verifications', JSON.stringify({ idNumber: expired.id, name: expired.name }));
    assert.deepEqual(answer.body, { idNumber: expired.id, name: expired.name, consistent: true, cardValid: false, cardValidUntil: expired.until });
  });

  it('refuses verification requests it cannot answer, saying why', async () => {
    const [id] = sampleKeys(populationFile, 1);
    const noName = await post('/verifications', JSON.stringify({ idNumber: id }));
    assert.equal(noName.status, 400);
    assert.match(noName.body.message, /name is missing/);
    const badId = await post('/verifications', JSON.stringify({ idNumber: '123', name: '张三' }));
    assert.equal(badId.status, 400);
    assert.match(badId.body.message, /idNumber "123" is not a valid citizen ID number/);
    const notJson = await post('/verifications', '{"idNumber":', 'application/json');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.code, 'invalid_input');
    const text = await post('/verifications', 'idNumber=1', 'text/plain');
    assert.equal(text.status, 415);
    assert.equal(text.body.code, 'unsupported_media_type');
    const form = await post('/verifications', 'idNumber=1', 'application/x-www-form-urlencoded');
    assert.equal(form.status, 415);
  });

  it('serves its OpenAPI 3.1 document, matching the catalog\'s paths and items, and a health check', async () => {
    const { status, body } = await get(population, '/openapi.json');
    assert.equal(status, 200);
    assert.match(body.openapi, /^3\.1\./);
    for (const code of ['PSB-0001', 'PSB-0002']) {
      const catalogPaths = Object.keys((demoResources.find((r) => r.code === code)!.openapi as { paths: object }).paths);
      for (const p of catalogPaths) assert.ok(body.paths[p]?.get, `${p} of ${code} is served`);
    }
    assert.ok(body.paths['/verifications'].post);
    assert.deepEqual(Object.keys(body.components.schemas.Person.properties), catalogItems('PSB-0001').map((i) => i.name));
    assert.deepEqual(Object.keys(body.components.schemas.Verification.properties), catalogItems('PSB-0002').map((i) => i.name));
    const health = await get(population, '/healthz');
    assert.deepEqual({ status: health.body.status, registry: health.body.registry, records: health.body.records }, { status: 'ok', registry: 'population', records: 3000 });
  });

  it('answers unknown paths with a JSON 404 that lists what it serves', async () => {
    const { status, body } = await get(population, '/people/1');
    assert.equal(status, 404);
    assert.match(body.message, /GET \/persons\/\{idNumber\}/);
  });
});

describe('the enterprise backend', () => {
  it('answers GET /enterprises/{uscc} with exactly the items of AMR-0001, 400 with the reason, 404 for unknown codes', async () => {
    const keys = sampleKeys(enterprisesFile, 10);
    for (const uscc of keys) {
      const { status, body } = await get(enterprises, `/enterprises/${uscc}`);
      assert.equal(status, 200);
      assert.equal(body.uscc, uscc);
      assertCatalogRecord(body, 'AMR-0001', enterpriseItems);
    }
    const uscc = keys[0]!;
    const lower = await get(enterprises, `/enterprises/${uscc.toLowerCase()}`);
    assert.equal(lower.status, 200, 'letters in either case');
    const wrong = await get(enterprises, `/enterprises/${uscc.slice(0, 17)}${uscc[17] === '0' ? '1' : '0'}`);
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.message, /check character is wrong/);
    const letterO = await get(enterprises, '/enterprises/91210200MA0O00000X');
    assert.equal(letterO.status, 400);
    assert.match(letterO.body.message, /"O" cannot appear/);
    const other = `91110000MA0000000`;
    const unknown = await get(enterprises, `/enterprises/${other}${usccCheckChar(other)}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'not_found');
  });

  it('serves its OpenAPI document with the catalog\'s path and items', async () => {
    const { body } = await get(enterprises, '/openapi.json');
    assert.ok(body.paths['/enterprises/{uscc}'].get);
    assert.deepEqual(Object.keys(body.components.schemas.Enterprise.properties), catalogItems('AMR-0001').map((i) => i.name));
    assert.equal((await get(enterprises, '/persons/11010519491231002X')).status, 404, 'no population routes here');
  });
});

describe('starting a backend', () => {
  it('refuses a file of the other registry, or a missing file, with a clear message', async () => {
    await assert.rejects(startBasedataServer({ registry: 'enterprises', file: populationFile }), /holds the population registry, not enterprises/);
    await assert.rejects(startBasedataServer({ registry: 'population', file: path.join(folder, 'missing.sqlite') }), /does not exist; create it with: egov basedata generate/);
  });
});

describe('the basedata command functions', () => {
  const sink = () => {
    const lines: string[] = [];
    return { lines, stream: { write: (s: string) => { lines.push(s); return true; } } as unknown as NodeJS.WritableStream };
  };

  it('turn bad flags into messages that name the flag and what would do', async () => {
    const { stream } = sink();
    await assert.rejects(generateCommand({ registry: 'people', out: 'x' }, stream), (e: Error) => e instanceof BasedataOptionError && /--registry must be population or enterprises, not "people"/.test(e.message));
    await assert.rejects(generateCommand({ registry: 'population', count: 'lots', out: 'x' }, stream), /--count must be a whole number from 1 to 30,000,000 \(such as 100000\), not "lots"/);
    await assert.rejects(generateCommand({ registry: 'population', seed: '-3', out: 'x' }, stream), /--seed must be a whole number/);
    await assert.rejects(generateCommand({ registry: 'population' }, stream), /--out is required/);
    await assert.rejects(serveCommand({ registry: 'population', file: populationFile, port: '70000' }, stream), /--port must be a whole number from 0 to 65,535/);
    await assert.rejects(serveCommand({ registry: 'enterprises', file: populationFile, port: '0' }, stream), (e: Error) => e instanceof BasedataOptionError);
  });

  it('generate and serve, reporting on standard error', async () => {
    const { lines, stream } = sink();
    const out = path.join(folder, 'cli.sqlite');
    const result = await generateCommand({ registry: 'enterprises', count: '1_000', seed: '3', out }, stream);
    assert.equal(result.count, 1000);
    assert.match(lines.join(''), /wrote 1,000 enterprises to .*cli\.sqlite/);
    const running = await serveCommand({ registry: 'enterprises', file: out, port: '0', host: '127.0.0.1' }, stream);
    try {
      assert.match(lines.join(''), new RegExp(`enterprises registry: 1,000 enterprises \\(seed 3\\) at ${running.url}`));
      const health = await (await fetch(`${running.url}/healthz`)).json() as { records: number };
      assert.equal(health.records, 1000);
    } finally {
      await running.close();
    }
  });
});
