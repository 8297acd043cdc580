import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { citizenIdProblem } from '../../src/basedata/citizen-id.ts';
import { generateRegistry, openRegistryFile, sampleKeys } from '../../src/basedata/generate.ts';
import { districts } from '../../src/basedata/places.ts';
import {
  enterpriseItems, personItems, verificationItems, type EnterpriseRecord, type PersonRecord,
} from '../../src/basedata/records.ts';
import { organisationCheckChar, usccProblem } from '../../src/registry/uscc.ts';
import { demoDivisions } from '../../src/registry/demo-data.ts';
import { assertCatalogRecord, catalogItems } from './support.ts';

let folder = '';
let populationFile = '';
let enterprisesFile = '';
const COUNT = 20_000;

function rows<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const records = <T>(file: string, table: string, limit = -1): T[] =>
  rows<{ record: string }>(file, `SELECT record FROM ${table} ORDER BY rowid LIMIT ${limit}`).map((r) => JSON.parse(r.record) as T);

before(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'egov-basedata-'));
  populationFile = generateRegistry({ registry: 'population', out: path.join(folder, 'population.sqlite'), count: COUNT, seed: 11 }).file;
  enterprisesFile = generateRegistry({ registry: 'enterprises', out: path.join(folder, 'enterprises.sqlite'), count: COUNT, seed: 11 }).file;
});

after(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('the backends\' items are the catalog\'s', () => {
  it('lists exactly the names and data types of PSB-0001, PSB-0002 and AMR-0001', () => {
    const own = (items: readonly { name: string; dataType: string }[]) => items.map((i) => ({ name: i.name, dataType: i.dataType }));
    assert.deepEqual(own(personItems), catalogItems('PSB-0001'));
    assert.deepEqual(own(verificationItems), catalogItems('PSB-0002'));
    assert.deepEqual(own(enterpriseItems), catalogItems('AMR-0001'));
  });
});

describe('generating the population registry', () => {
  it('gives every person a valid, unique citizen ID number consistent with the record', () => {
    const all = rows<{ id_number: string; name: string; in_force: number; record: string }>(populationFile, 'SELECT id_number, name, in_force, record FROM persons');
    assert.equal(all.length, COUNT);
    assert.equal(new Set(all.map((r) => r.id_number)).size, COUNT, 'ID numbers are unique');
    const dalian = new Map(districts.map((d) => [d.code, d]));
    for (const row of all) {
      const p = JSON.parse(row.record) as PersonRecord;
      assert.equal(citizenIdProblem(p.idNumber), null, p.idNumber);
      assert.equal(p.idNumber, row.id_number);
      assert.equal(p.name, row.name);
      assert.equal(p.birthDate.replaceAll('-', ''), p.idNumber.slice(6, 14), 'birth date as in the number');
      assert.equal(p.sex, Number(p.idNumber[16]) % 2 === 1 ? '1' : '2', 'sex as in the number');
      assert.equal(p.birthPlace, p.idNumber.slice(0, 6), 'the number was issued where the person was first registered');
      const home = dalian.get(p.householdDivision);
      assert.ok(home, `${p.householdDivision} is a Dalian district or county`);
      assert.ok(p.householdAddress.startsWith(`辽宁省大连市${home.nameZh}`), p.householdAddress);
      assert.equal(p.cancellationReason === null, p.cancellationDate === null);
      assert.equal(row.in_force, p.cancellationReason === null ? 1 : 0);
      if (p.cancellationDate) assert.ok(p.cancellationDate > p.birthDate && p.cancellationDate <= '2025-12-31');
      assert.ok(p.birthDate >= '1930-01-01' && p.birthDate <= '2025-12-31');
    }
  });

  it('serves records with exactly the items of PSB-0001, of the declared types and code lists', () => {
    for (const p of records<PersonRecord>(populationFile, 'persons', 2000)) assertCatalogRecord({ ...p }, 'PSB-0001', personItems);
  });

  it('looks like Dalian: mostly Han, Dalian-born, all generations, some registrations cancelled', () => {
    const all = records<PersonRecord>(populationFile, 'persons');
    const share = (test: (p: PersonRecord) => boolean) => all.filter(test).length / all.length;
    assert.ok(share((p) => p.ethnicity === '01') > 0.88);
    assert.ok(share((p) => p.ethnicity === '11') > 0.02, 'Manchu is the largest minority');
    assert.ok(share((p) => p.birthPlace.startsWith('2102')) > 0.75);
    assert.ok(share((p) => p.sex === '1') > 0.45 && share((p) => p.sex === '1') < 0.55);
    assert.ok(share((p) => p.cancellationReason === '1') > 0.02 && share((p) => p.cancellationReason === '1') < 0.2);
    assert.ok(share((p) => p.cancellationReason === '2') > 0.005);
    assert.ok(share((p) => p.formerName !== null) > 0.005);
    for (const decade of ['193', '195', '197', '199', '201', '202']) assert.ok(share((p) => p.birthDate.startsWith(decade)) > 0.005, decade);
    assert.ok(new Set(all.map((p) => p.name)).size > COUNT / 4, 'names are varied');
    // 普兰店 became a district in 2015 (210282 → 210214): numbers issued before keep the old code.
    assert.ok(all.some((p) => p.birthPlace === '210282' && p.birthDate < '2015'));
    assert.ok(!all.some((p) => p.birthPlace === '210214' && p.birthDate < '2015'));
  });

  it('is deterministic: the same seed gives the same records, and a larger count extends the same stream', () => {
    const a = generateRegistry({ registry: 'population', out: path.join(folder, 'a.sqlite'), count: 500, seed: 42 });
    const b = generateRegistry({ registry: 'population', out: path.join(folder, 'b.sqlite'), count: 1500, seed: 42 });
    const c = generateRegistry({ registry: 'population', out: path.join(folder, 'c.sqlite'), count: 500, seed: 43 });
    const first = (file: string) => rows<{ record: string }>(file, 'SELECT record FROM persons ORDER BY rowid LIMIT 500').map((r) => r.record);
    assert.deepEqual(first(a.file), first(b.file));
    assert.notDeepEqual(first(a.file), first(c.file));
  });

  it('records the registry, seed and count', () => {
    const { db, meta } = openRegistryFile(populationFile, 'population');
    db.close();
    assert.equal(meta.registry, 'population');
    assert.equal(meta.seed, 11);
    assert.equal(meta.count, COUNT);
    assert.equal(meta.asOf, '2025-12-31');
    assert.throws(() => openRegistryFile(populationFile, 'enterprises'), /holds the population registry, not enterprises/);
  });

  it('samples existing keys, spread over the file and the same each time', () => {
    const keys = sampleKeys(populationFile, 100);
    assert.equal(keys.length, 100);
    assert.equal(new Set(keys).size, 100);
    assert.deepEqual(sampleKeys(populationFile, 100), keys);
    const db = new Database(populationFile, { readonly: true });
    const exists = db.prepare('SELECT 1 FROM persons WHERE id_number = ?');
    for (const key of keys) assert.ok(exists.get(key), key);
    db.close();
    assert.equal(sampleKeys(populationFile, COUNT + 10).length, COUNT);
    assert.deepEqual(sampleKeys(populationFile, 0), []);
    assert.throws(() => sampleKeys(populationFile, -1), RangeError);
  });
});

describe('generating the enterprise registry', () => {
  it('gives every entity a valid, unique USCC with a valid organisation code, in a Dalian division', () => {
    const all = records<EnterpriseRecord>(enterprisesFile, 'enterprises');
    assert.equal(all.length, COUNT);
    assert.equal(new Set(all.map((e) => e.uscc)).size, COUNT, 'codes are unique');
    assert.equal(new Set(all.map((e) => e.name)).size, COUNT, 'names are unique');
    const divisions = new Set(demoDivisions.map((d) => d.code));
    const kinds = new Map<string, number>();
    for (const e of all) {
      assert.equal(usccProblem(e.uscc), null, e.uscc);
      assert.match(e.uscc, /^9[123]2102\d\d/);
      assert.ok(divisions.has(e.uscc.slice(2, 8)), e.uscc);
      assert.equal(organisationCheckChar(e.uscc.slice(8, 16)), e.uscc[16], `embedded organisation code of ${e.uscc}`);
      assert.equal(citizenIdProblem(e.legalRepresentativeIdNumber), null, e.legalRepresentativeIdNumber);
      if (e.uscc[1] === '2') assert.equal(e.type, '个体工商户');
      if (e.uscc[1] === '3') assert.equal(e.type, '农民专业合作社');
      if (e.uscc[1] === '1') assert.ok(!['个体工商户', '农民专业合作社'].includes(e.type));
      if (e.establishedOn >= '2015-10-01' || e.uscc[1] !== '1') assert.equal(e.uscc.slice(8, 10), 'MA', '三证合一 codes');
      assert.ok(e.address.startsWith('辽宁省大连市'), e.address);
      assert.match(e.registrationAuthority, /市场监督管理局$/);
      kinds.set(e.uscc[1]!, (kinds.get(e.uscc[1]!) ?? 0) + 1);
    }
    for (const kind of ['1', '2', '3']) assert.ok((kinds.get(kind) ?? 0) > COUNT * 0.02, `entities of kind 9${kind}`);
  });

  it('serves records with exactly the items of AMR-0001', () => {
    for (const e of records<EnterpriseRecord>(enterprisesFile, 'enterprises', 2000)) assertCatalogRecord({ ...e }, 'AMR-0001', enterpriseItems);
  });

  it('is deterministic', () => {
    const a = generateRegistry({ registry: 'enterprises', out: path.join(folder, 'ea.sqlite'), count: 300, seed: 9 });
    const b = generateRegistry({ registry: 'enterprises', out: path.join(folder, 'eb.sqlite'), count: 600, seed: 9 });
    assert.deepEqual(records(a.file, 'enterprises', 300), records(b.file, 'enterprises', 300));
  });
});

describe('writing the file', () => {
  it('never leaves a half-generated file: a failure keeps the old file and removes the temporary one', () => {
    const dir = mkdtempSync(path.join(folder, 'atomic-'));
    const out = path.join(dir, 'population.sqlite');
    writeFileSync(out, 'the previous file');
    assert.throws(() => generateRegistry({
      registry: 'population', out, count: 120_000, onProgress: (done) => { if (done >= 50_000) throw new Error('disk full'); },
    }), /disk full/);
    assert.equal(readFileSync(out, 'utf8'), 'the previous file');
    assert.deepEqual(readdirSync(dir), ['population.sqlite']);
  });

  it('refuses a bad count, seed or registry before writing anything', () => {
    const out = path.join(folder, 'never.sqlite');
    assert.throws(() => generateRegistry({ registry: 'population', out, count: 0 }), /count must be a whole number from 1/);
    assert.throws(() => generateRegistry({ registry: 'population', out, count: 1.5 }), /count must be a whole number/);
    assert.throws(() => generateRegistry({ registry: 'population', out, seed: -1 }), /seed must be a whole number/);
    assert.throws(() => generateRegistry({ registry: 'people' as 'population', out }), /unknown registry "people"/);
    assert.equal(existsSync(out), false);
  });
});
