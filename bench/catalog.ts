/**
 * How fast the catalog searches, and how fast the hub builds and signs the global configuration.
 *
 *   npx tsx bench/catalog.ts [--resources N] [--departments N] [--agreements N] [--repeats N]
 *                            [--iterations N] [--budget S] [--config-budget S] [--no-postgres]
 *
 * --resources: catalog size for the search cases (default 100,000); --departments: members
 * (default 200); --agreements: agreements in force for the configuration case (default 5,000);
 * --repeats: measuring rounds (default 3); --iterations: runs of each query per round (default
 * 15), fewer when a round would take more than its share of --budget (seconds of search
 * measurement per database, default 40; at least one run, and rounds stop once the budget is
 * spent); --config-budget likewise for the configuration (default 15 s, at least 3 builds a
 * round); --no-postgres: SQLite only.
 *
 * Standard output: one JSON object per figure, one per line, nothing else. Progress goes to
 * standard error. Cases (on PostgreSQL the same with /postgres after the size):
 *   search/100k                 searchCatalog (the service behind GET /api/v1/catalog?q=: first page
 *                               of 20 with the total and item names) over 100,000 resources, the
 *                               demo's and generated ones: Chinese queries 户籍 社会保险 企业登记 不动产 and
 *                               the single character 人, English population, enterprise and the prefix
 *                               insur. p50_ms and p99_ms over every run of every query, and per query
 *                               under search/100k/q/<query>; search/100k/setup: seconds to write it.
 *   search/100k/like-scan       the reference: the same page and total by a plain lower(column)
 *                               LIKE '%word%' scan of name_zh, name_en and summary; `ratio` is
 *                               search/like-scan, the median of the per-round ratios.
 *   global-config/200x5000      buildGlobalConfig + signCompact (exchange/global-config.ts) with 200
 *                               departments, 5 API resources each and 5,000 agreements in force;
 *                               /sign is the signing part alone.
 *   global-config/200x5000/read-tables
 *                               the reference: the same tables read raw, without assembling or signing.
 *
 * Setup writes the generated rows straight into the tables, one transaction per batch: the rows
 * publishResource would write (search_title and search_body from catalog/search.ts indexTokens
 * included) without their journal entries. The bench checks that claim first by publishing a
 * sample of generated resources through the service and comparing the rows. On PostgreSQL the
 * table is then vacuumed and analysed, the state autovacuum reaches soon after a load.
 * PostgreSQL comes from DATABASE_URL, else the scripts/pg-up.sh cluster; the run uses a fresh
 * schema that is dropped at the end. Both databases are set up at the same time and measured
 * one after the other.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import * as TypeValue from 'typebox/value';
import { demoResources } from '../src/catalog/demo-data.ts';
import { ResourceInput, type ItemInput, type ItemRow, type ResourceRow, type SharingClass } from '../src/catalog/schema.ts';
import { indexTokens } from '../src/catalog/search.ts';
import { publishResource, searchCatalog } from '../src/catalog/service.ts';
import { buildGlobalConfig, GLOBAL_CONFIG_TYP } from '../src/exchange/global-config.ts';
import { hubMigrations, type HubDatabase } from '../src/hub/database.ts';
import { seedDemo } from '../src/hub/demo.ts';
import { loadSigningKey, signCompact } from '../src/pki/signing.ts';
import { systemActor } from '../src/platform/access.ts';
import { chinaDate, loadCalendar } from '../src/platform/calendar.ts';
import { containsText, migrate, openDatabase } from '../src/platform/db/index.ts';
import { demoDivisions } from '../src/registry/demo-data.ts';
import { addSystem, createDepartment, listAllSystems, listDepartments } from '../src/registry/service.ts';
import { governmentUscc } from '../src/registry/uscc.ts';
import { benchOutput, flag, median, postgresUrl, reachPostgres, quantile } from './support.ts';

const { emit, progress } = benchOutput('catalog');

// ---------------------------------------------------------------------------------------------
// Options

const RESOURCES = flag('--resources', 100_000);
const DEPARTMENTS = flag('--departments', 200);
const AGREEMENTS = flag('--agreements', 5000);
const API_PER_DEPARTMENT = 5;
const REPEATS = flag('--repeats', 3);
const ITERATIONS = flag('--iterations', 15);
const BUDGET_MS = flag('--budget', 40) * 1000;
const CONFIG_BUDGET_MS = flag('--config-budget', 15) * 1000;
const WITH_POSTGRES = !process.argv.includes('--no-postgres');

const QUERIES = ['户籍', '社会保险', '企业登记', '不动产', '人', 'population', 'enterprise', 'insur'];

const size = (n: number) => (n % 1_000_000 === 0 ? `${n / 1_000_000}m` : n % 1000 === 0 ? `${n / 1000}k` : String(n));
const SEARCH_CASE = `search/${size(RESOURCES)}`;
const CONFIG_CASE = `global-config/${DEPARTMENTS}x${AGREEMENTS}`;

// ---------------------------------------------------------------------------------------------
// Output

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// A seeded random source, so every run generates the same catalog

let seed = 0x2026_0211;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
function sample<T>(list: readonly T[], count: number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

// ---------------------------------------------------------------------------------------------
// Departments: the demo's, then district bureaus up to --departments

interface Member { code: string; slug: string; nameZh: string; nameEn: string; systems: string[] }

const BUREAUS: [key: string, zh: string, en: string][] = [
  ['edu', '教育局', 'Education Bureau'], ['civil', '民政局', 'Civil Affairs Bureau'], ['justice', '司法局', 'Justice Bureau'],
  ['finance', '财政局', 'Finance Bureau'], ['hrss', '人力资源和社会保障局', 'Human Resources and Social Security Bureau'],
  ['nr', '自然资源分局', 'Natural Resources Branch'], ['eco', '生态环境分局', 'Ecology and Environment Branch'],
  ['housing', '住房和城乡建设局', 'Housing and Urban-Rural Development Bureau'], ['transport', '交通运输局', 'Transport Bureau'],
  ['agri', '农业农村局', 'Agriculture and Rural Affairs Bureau'], ['commerce', '商务局', 'Commerce Bureau'],
  ['culture', '文化和旅游局', 'Culture and Tourism Bureau'], ['health', '卫生健康局', 'Health Bureau'],
  ['veterans', '退役军人事务局', 'Veterans Affairs Bureau'], ['emergency', '应急管理局', 'Emergency Management Bureau'],
  ['audit', '审计局', 'Audit Bureau'], ['amr', '市场监督管理局', 'Administration for Market Regulation'], ['stats', '统计局', 'Statistics Bureau'],
  ['medins', '医疗保障局', 'Healthcare Security Bureau'], ['urban', '城市管理局', 'Urban Management Bureau'], ['petition', '信访局', 'Public Complaints Bureau'],
  ['data', '数据局', 'Data Bureau'], ['water', '水务局', 'Water Affairs Bureau'], ['sci', '科学技术局', 'Science and Technology Bureau'],
];
const DISTRICT_SLUGS: Record<string, string> = {
  210202: 'zs', 210203: 'xg', 210204: 'shk', 210211: 'gjz', 210212: 'lsk', 210213: 'jz', 210214: 'pld', 210224: 'ch', 210281: 'wfd', 210283: 'zh',
};
const districts = demoDivisions.filter((d) => d.parent !== null);

async function setUpMembers(database: HubDatabase, count: number): Promise<Member[]> {
  await seedDemo(database);
  const actor = systemActor('bench');
  const existing = await listDepartments(database, { limit: 1_000_000 });
  const slugs = new Set(existing.map((d) => d.slug));
  const names = new Set(existing.map((d) => d.nameZh));
  let serial = 90_000_000;
  const candidates = districts.flatMap((district) => BUREAUS.map(([key, zh, en]) => ({ district, key, zh, en })));
  for (let i = 0, made = existing.length; made < count; i++) {
    const c = candidates[i];
    const d = c ?? { district: pick(districts), key: `unit-${i}`, zh: `第${i}专项工作办公室`, en: `Special Task Office No. ${i}` };
    const slug = `${DISTRICT_SLUGS[d.district.code] ?? d.district.code}-${d.key}`;
    const nameZh = `大连市${d.district.nameZh}${d.zh}`;
    if (slugs.has(slug) || names.has(nameZh)) continue;
    const code = governmentUscc(d.district.code, serial++);
    await createDepartment(database, actor, {
      code, slug, kind: 'bureau', division: d.district.code, parent: null, nameZh, nameEn: `${d.en}, ${d.district.nameEn}, Dalian`,
    });
    await addSystem(database, actor, code, { code: 'oa', nameZh: '协同办公系统', nameEn: 'collaborative office automation system' });
    await addSystem(database, actor, code, { code: `${d.key}-biz`, nameZh: `${d.zh}业务系统`, nameEn: `${d.en} business system` });
    slugs.add(slug);
    names.add(nameZh);
    made++;
  }
  const systems = await listAllSystems(database);
  return (await listDepartments(database, { limit: 1_000_000 })).map((d) => ({
    code: d.code, slug: d.slug, nameZh: d.nameZh, nameEn: d.nameEn, systems: systems.filter((s) => s.department === d.code).map((s) => s.code),
  }));
}

// ---------------------------------------------------------------------------------------------
// Generated resources: the demo's resources and a list of further topics, in every district,
// year and shape, with items from the demo's item pool

interface Topic { zh: string; en: string; subject: string; category: ResourceInput['category']; items?: ItemInput[] }

const EXTRA_TOPICS: [zh: string, en: string, subject: string][] = [
  ['户籍迁移登记', 'household registration transfers', '人口'], ['户籍人口统计', 'registered population statistics', '人口'],
  ['户籍证明开具', 'household registration certificates', '人口'], ['流动人口居住登记', 'floating population residence registration', '人口'],
  ['居住证办理', 'residence permits', '人口'], ['人口出生登记', 'population birth registration', '人口'], ['人口死亡登记', 'population death registration', '人口'],
  ['社会保险参保登记', 'social insurance enrolment', '社会保障'], ['社会保险费缴纳明细', 'social insurance contribution details', '社会保障'],
  ['社会保险待遇发放', 'social insurance benefit payments', '社会保障'], ['失业保险金申领', 'unemployment insurance claims', '社会保障'],
  ['工伤保险认定', 'work injury insurance determinations', '社会保障'], ['城乡居民养老保险', 'urban and rural residents\' pension insurance', '社会保障'],
  ['企业登记注册', 'enterprise registration', '法人单位'], ['企业登记变更', 'enterprise registration changes', '法人单位'],
  ['外商投资企业登记', 'foreign-invested enterprise registration', '法人单位'], ['个体工商户登记', 'individual business registration', '法人单位'],
  ['企业注销登记', 'enterprise deregistration', '法人单位'], ['企业经营异常名录', 'enterprise abnormal operation list', '信用体系'],
  ['不动产权属登记', 'real estate title registration', '自然资源和空间地理'], ['不动产抵押登记', 'real estate mortgage registration', '自然资源和空间地理'],
  ['不动产交易', 'real estate transactions', '城乡建设'], ['土地供应', 'land supply', '自然资源和空间地理'], ['国土空间规划', 'territorial spatial planning', '自然资源和空间地理'],
  ['人才引进', 'talent recruitment', '公共服务'], ['人才公寓配租', 'talent apartment allocation', '城乡建设'], ['残疾人证', 'disability certificates', '社会保障'],
  ['老年人优待证', 'senior citizen preferential cards', '社会保障'], ['学生资助', 'student financial aid', '公共服务'], ['幼儿园名录', 'kindergarten list', '公共服务'],
  ['食品抽检', 'food sampling inspections', '食品药品安全'], ['药品经营许可', 'pharmaceutical trading licences', '食品药品安全'],
  ['安全生产许可', 'work safety licences', '安全生产'], ['危险化学品经营许可', 'hazardous chemicals trading licences', '安全生产'],
  ['价格监测', 'price monitoring', '价格监管'], ['能源消费统计', 'energy consumption statistics', '能源安全'],
  ['建设工程规划许可', 'construction planning permits', '城乡建设'], ['施工许可', 'construction permits', '城乡建设'],
  ['社区网格', 'community grid', '社区治理'], ['物业服务企业', 'property management enterprises', '社区治理'],
  ['地表水水质监测', 'surface water quality monitoring', '生态环保'], ['噪声监测', 'noise monitoring', '生态环保'],
  ['应急避难场所', 'emergency shelters', '应急维稳'], ['防汛物资储备', 'flood control material reserves', '应急维稳'],
  ['公交线路', 'bus routes', '公共服务'], ['停车场', 'parking facilities', '公共服务'], ['旅游统计', 'tourism statistics', '宏观经济'],
  ['规模以上工业企业统计', 'statistics of industrial enterprises above designated size', '宏观经济'], ['失信被执行人', 'dishonest judgment debtors', '信用体系'],
  ['纳税信用等级', 'tax credit ratings', '信用体系'], ['医疗机构诊疗人次', 'outpatient visits of medical institutions', '健康保障'],
  ['疫苗接种', 'vaccinations', '健康保障'], ['医保药品目录', 'medical insurance drug list', '健康保障'],
];

const topics: Topic[] = [
  ...demoResources.map((r) => ({ zh: r.nameZh, en: r.nameEn, subject: r.subject, category: r.category, items: r.items })),
  ...EXTRA_TOPICS.map(([zh, en, subject]) => ({
    zh, en, subject,
    category: (['人口', '法人单位', '自然资源和空间地理', '社会信用', '电子证照'].includes(subject) ? 'base' : 'theme') as ResourceInput['category'],
  })),
];

/** Every distinct item of the demo catalog (valid as published), by name. */
const itemPool: ItemInput[] = [...new Map(demoResources.flatMap((r) => r.items).map((i) => [i.name, i])).values()];

const SHAPES: [zh: string, en: string][] = [
  ['信息', 'information'], ['数据', 'data'], ['名录', 'register'], ['台账', 'ledger'], ['统计', 'statistics'], ['明细', 'details'],
  ['汇总表', 'summary tables'], ['核验服务', 'verification service'], ['查询服务', 'lookup service'], ['目录', 'catalogue'],
];
const USES = [
  '用于政务服务事项办理中的信息核验，减少群众提交材料', '支撑“一网通办”“跨省通办”免证办理', '用于监管执法和风险预警',
  '供统计分析和决策参考', '用于跨部门业务协同和联合审批', '用于“高效办成一件事”联办', '供基层治理和网格化管理使用',
];
const CYCLES: [ResourceInput['updateCycle'], string][] = [
  ['realtime', '实时'], ['daily', '每日'], ['weekly', '每周'], ['monthly', '每月'], ['quarterly', '每季度'], ['yearly', '每年'], ['irregular', '不定期'],
];
const INDUSTRIES = ['S92', 'S94', 'Q84', 'P83', 'N77', 'K70', 'G54', 'M74', 'S95', 'Q85'];

/** The next code number of each provider (by slug) in one database, as publishResource would number them. */
type Numbers = Map<string, number>;

function generatedResource(members: readonly Member[], numbers: Numbers): ResourceInput & { code: string } {
  const topic = pick(topics);
  const provider = pick(members);
  const district = random() < 0.35 ? pick(districts) : null;
  const year = random() < 0.4 ? between(2015, 2025) : null;
  const [shapeZh, shapeEn] = pick(SHAPES);
  const [cycle, cycleZh] = pick(CYCLES);
  const nameZh = `${district?.nameZh ?? ''}${topic.zh}${random() < 0.5 ? shapeZh : ''}${year ? `（${year}年度）` : ''}`;
  const nameEn = `${topic.en[0]!.toUpperCase()}${topic.en.slice(1)} ${shapeEn}${district ? `, ${district.nameEn}` : ''}${year ? ` (${year})` : ''}`;
  const source = topic.items && random() < 0.7 ? topic.items : itemPool;
  const items = sample(source, Math.min(source.length, between(4, 10)));
  const n = (numbers.get(provider.slug) ?? 0) + 1;
  numbers.set(provider.slug, n);
  const code = `${provider.slug.toUpperCase()}-${String(n).padStart(4, '0')}`;
  const summary = `${provider.nameZh}${pick(['汇集', '维护', '登记', '采集'])}的${district?.nameZh ?? '全市'}${topic.zh}${shapeZh}，`
    + `包括${items.slice(0, 5).map((i) => i.labelZh).join('、')}等${items.length}个信息项，${cycleZh}更新，${pick(USES)}。`;
  const base = {
    code, provider: provider.code, nameZh, nameEn, summary, category: random() < 0.1 ? 'department' as const : topic.category, subject: topic.subject,
    industry: pick(INDUSTRIES), updateCycle: cycle,
    publishedOn: `${between(2019, 2025)}-${String(between(1, 12)).padStart(2, '0')}-${String(between(1, 28)).padStart(2, '0')}`,
    contact: { name: '数据管理员', phone: `0411-8${String(between(0, 9_999_999)).padStart(7, '0')}`, email: `data@${provider.slug}.dalian.example.gov.cn` },
    items,
  };
  if (random() < 0.4) {
    return {
      ...base, format: 'api', serviceCode: `${provider.systems.length ? pick(provider.systems) : 'records'}/${topic.en.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 30).replace(/-$/, '')}-${n}`,
      openapi: { openapi: '3.0.3', info: { title: nameEn, version: '1.0.0' }, paths: { '/records': { get: { responses: { 200: { description: 'OK' } } } } } },
    };
  }
  return { ...base, format: 'dataset', delivery: random() < 0.6 ? 'incremental' : 'full' };
}

// ---------------------------------------------------------------------------------------------
// The rows publishResource writes (catalog/service.ts resourceColumns and itemColumns)

function mostOpen(classes: readonly string[]): SharingClass {
  if (classes.includes('unconditional')) return 'unconditional';
  if (classes.includes('conditional')) return 'conditional';
  return 'not_shared';
}

function resourceRow(input: ResourceInput, id: string, code: string, now: string): ResourceRow {
  return {
    id, code, provider_id: input.provider,
    name_zh: input.nameZh, name_en: input.nameEn, summary: input.summary, category: input.category, subject: input.subject,
    industry: input.industry ?? null, format: input.format, delivery: input.delivery ?? null, service_code: input.serviceCode ?? null,
    openapi: input.openapi ? JSON.stringify(input.openapi) : null, update_cycle: input.updateCycle,
    published_on: input.publishedOn ?? now.slice(0, 10),
    contact_name: input.contact.name, contact_phone: input.contact.phone, contact_email: input.contact.email,
    sharing_class: mostOpen(input.items.map((i) => i.sharingClass)),
    open_class: input.items.some((i) => i.openClass === 'open') ? 'open' : input.items.some((i) => i.openClass === 'conditional_open') ? 'conditional_open' : 'not_open',
    search_title: indexTokens(input.nameZh, input.nameEn),
    search_body: indexTokens(input.summary, input.subject, ...input.items.flatMap((i) => [i.labelZh, i.labelEn, i.name])),
    version: 1, withdrawn: 0, created_at: now, updated_at: now,
  };
}

function itemRows(input: ResourceInput, resourceId: string): ItemRow[] {
  return input.items.map((item, ordinal) => ({
    id: randomUUID(), resource_id: resourceId, ordinal,
    name: item.name, label_zh: item.labelZh, label_en: item.labelEn, data_type: item.dataType, description: item.description ?? '',
    sensitivity: item.sensitivity, sharing_class: item.sharingClass,
    sharing_condition: item.sharingClass === 'conditional' ? item.sharingCondition ?? null : null,
    legal_basis: item.sharingClass === 'unconditional' ? null : item.legalBasis ?? null,
    open_class: item.openClass,
  }));
}

/** Publishes a few generated resources through the service and checks the bench writes the same rows. */
async function checkRowsMatchTheService(database: HubDatabase, members: readonly Member[], numbers: Numbers): Promise<number> {
  const published: ResourceInput[] = [];
  for (let i = 0; i < 25; i++) {
    const input = generatedResource(members, numbers);
    const check = [...TypeValue.Errors(ResourceInput, input)];
    if (check.length) throw new Error(`a generated resource is not a valid ResourceInput: ${JSON.stringify(check.slice(0, 3))}`);
    const resource = await publishResource(database, systemActor('bench'), input);
    if (resource.code !== input.code) throw new Error(`the service numbered ${resource.code} where the bench expected ${input.code}`);
    const stored = (await database.db.selectFrom('catalog_resources').selectAll().where('id', '=', resource.id).executeTakeFirstOrThrow()) as ResourceRow;
    const expected = resourceRow(input, stored.id, input.code, stored.created_at);
    for (const column of Object.keys(expected) as (keyof ResourceRow)[]) {
      if (stored[column] !== expected[column] && !(column === 'updated_at')) {
        throw new Error(`resource column ${column} differs from what publishResource writes: ${String(stored[column]).slice(0, 80)} ≠ ${String(expected[column]).slice(0, 80)}`);
      }
    }
    const storedItems = await database.db.selectFrom('catalog_items').selectAll().where('resource_id', '=', resource.id).orderBy('ordinal').execute();
    const expectedItems = itemRows(input, resource.id);
    storedItems.forEach((row, i) => {
      for (const column of Object.keys(row) as (keyof ItemRow)[]) {
        if (column !== 'id' && row[column] !== expectedItems[i]![column]) throw new Error(`item column ${column} differs from what publishResource writes`);
      }
    });
    published.push(input);
  }
  return published.length;
}

async function insertChunked<T>(tx: HubDatabase['db'], table: 'catalog_resources' | 'catalog_items' | 'sharing_requests' | 'sharing_request_items' | 'sharing_agreements', rows: readonly T[], perStatement: number): Promise<void> {
  for (let at = 0; at < rows.length; at += perStatement) {
    await tx.insertInto(table).values(rows.slice(at, at + perStatement) as never).execute();
    // SQLite answers synchronously: without a turn of the event loop between statements, the
    // other database's replies would wait for the whole load and the two would not overlap.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function fillCatalog(database: HubDatabase, members: readonly Member[], numbers: Numbers, total: number, label: string): Promise<void> {
  const started = Date.now();
  const counted = await database.db.selectFrom('catalog_resources').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const batch = 1000;
  for (let have = Number(counted.n); have < total;) {
    const n = Math.min(batch, total - have);
    const now = new Date().toISOString();
    const resources: ResourceRow[] = [];
    const items: ItemRow[] = [];
    for (let i = 0; i < n; i++) {
      const input = generatedResource(members, numbers);
      const row = resourceRow(input, randomUUID(), input.code, now);
      resources.push(row);
      items.push(...itemRows(input, row.id));
    }
    await database.transaction(async (tx) => {
      await insertChunked(tx, 'catalog_resources', resources, 500);
      await insertChunked(tx, 'catalog_items', items, 1000);
    });
    have += n;
    if (have % 20_000 < batch || have === total) progress(`${label}: ${have} resources (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  // The state autovacuum brings a PostgreSQL table to soon after a load (GIN pending list merged, statistics).
  await sql.raw(database.kind === 'postgres' ? 'vacuum analyze' : 'analyze').execute(database.db);
}

// ---------------------------------------------------------------------------------------------
// Search

/** The reference: the first page and the total by a plain LIKE scan, the way one would without an index. */
async function likeScan(database: HubDatabase, word: string): Promise<number> {
  const matching = sql<boolean>`(${containsText(sql.ref('name_zh'), word)} or ${containsText(sql.ref('name_en'), word)} or ${containsText(sql.ref('summary'), word)})`;
  const base = database.db.selectFrom('catalog_resources').where('withdrawn', '=', 0).where(matching);
  const [rows] = await Promise.all([
    base.selectAll().orderBy('updated_at', 'desc').orderBy('code').limit(20).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return rows.length;
}

async function searchCases(database: HubDatabase, label: string): Promise<void> {
  const started = Date.now();
  // A first pass: checks every query finds something, warms the caches, and sizes the rounds.
  let pass = 0;
  for (const q of QUERIES) {
    let total = 0;
    pass += await timed(async () => { total = (await searchCatalog(database, { q, limit: 20 })).total; });
    if (total === 0) throw new Error(`the query ${q} finds nothing: the generated catalog is not what the bench means to search`);
    progress(`${label}: ${q}: ${total} matches`);
  }
  const iterations = Math.max(1, Math.min(ITERATIONS, Math.floor(BUDGET_MS / REPEATS / pass)));
  progress(`${label}: one pass over the ${QUERIES.length} queries takes ${pass.toFixed(0)} ms: ${iterations} runs of each query per round`);
  const all: number[] = [];
  const perQuery = new Map<string, number[]>(QUERIES.map((q) => [q, []]));
  const likeTimes: number[] = [];
  const ratios: number[] = [];
  for (let r = 1; r <= REPEATS; r++) {
    const round: number[] = [];
    const likeRound: number[] = [];
    for (let i = 0; i < iterations; i++) {
      for (const q of QUERIES) {
        const ms = await timed(() => searchCatalog(database, { q, limit: 20 }));
        round.push(ms);
        perQuery.get(q)!.push(ms);
      }
    }
    // The scan reads the whole table every time: fewer runs give a steady median.
    for (let i = 0; i < Math.ceil(iterations / 5); i++) {
      for (const q of QUERIES) likeRound.push(await timed(() => likeScan(database, q)));
    }
    all.push(...round);
    likeTimes.push(...likeRound);
    ratios.push(median(round) / median(likeRound));
    progress(`${label}: round ${r}/${REPEATS}: search p50 ${median(round).toFixed(2)} ms, p99 ${quantile(round, 0.99).toFixed(2)} ms; LIKE scan p50 ${median(likeRound).toFixed(1)} ms`);
    if (Date.now() - started > BUDGET_MS && r < REPEATS) {
      progress(`${label}: over the ${BUDGET_MS / 1000} s budget after ${r} round(s); stopping there`);
      break;
    }
  }
  const { n } = await database.db.selectFrom('catalog_resources').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  emit(label, 'entries', Number(n), 'resources');
  emit(label, 'p50_ms', median(all), 'ms');
  emit(label, 'p99_ms', quantile(all, 0.99), 'ms');
  emit(`${label}/like-scan`, 'p50_ms', median(likeTimes), 'ms');
  emit(label, 'ratio', median(ratios), `${label}/like-scan`);
  for (const [q, times] of perQuery) {
    emit(`${label}/q/${q}`, 'p50_ms', median(times), 'ms');
    emit(`${label}/q/${q}`, 'p99_ms', quantile(times, 0.99), 'ms');
  }
}

// ---------------------------------------------------------------------------------------------
// Global configuration

/** API resources for every member and agreements in force between them, written straight into the tables. */
async function fillAgreements(database: HubDatabase, members: readonly Member[], numbers: Numbers): Promise<void> {
  const now = new Date().toISOString();
  const apiResources: { row: ResourceRow; input: ResourceInput; itemIds: Map<string, string> }[] = [];
  const resources: ResourceRow[] = [];
  const items: ItemRow[] = [];
  for (const member of members) {
    for (let i = 0; i < API_PER_DEPARTMENT; i++) {
      let input = generatedResource([member], numbers);
      while (input.format !== 'api') {
        numbers.set(member.slug, numbers.get(member.slug)! - 1);
        input = generatedResource([member], numbers);
      }
      const row = resourceRow(input, randomUUID(), input.code, now);
      const rows = itemRows(input, row.id);
      resources.push(row);
      items.push(...rows);
      apiResources.push({ row, input, itemIds: new Map(rows.map((i) => [i.name, i.id])) });
    }
  }
  const calendar = loadCalendar();
  const today = chinaDate(new Date());
  const requests: Record<string, unknown>[] = [];
  const requestItems: Record<string, unknown>[] = [];
  const agreements: Record<string, unknown>[] = [];
  const consumers = members.filter((m) => m.systems.length > 0);
  for (let n = 1; n <= AGREEMENTS; n++) {
    const consumer = pick(consumers);
    let resource = pick(apiResources);
    while (resource.row.provider_id === consumer.code) resource = pick(apiResources);
    const shareable = resource.input.items.filter((i) => i.sharingClass !== 'not_shared');
    const granted = sample(shareable, Math.min(shareable.length, between(2, 6)));
    const from = new Date(Date.now() - between(0, 300) * 86_400_000).toISOString().slice(0, 10);
    const until = `${Number(today.slice(0, 4)) + between(1, 3)}-06-30`;
    const requestId = randomUUID();
    requests.push({
      id: requestId, number: `GX${today.replaceAll('-', '')}${String(100_000 + n).padStart(6, '0')}`, resource_id: resource.row.id, resource_version: 1,
      provider_id: resource.row.provider_id, consumer_id: consumer.code, consumer_system: pick(consumer.systems),
      purpose: `${pick(USES)}。`, legal_basis: '《政务数据共享条例》（国务院令第809号）', business: null, period_from: from, period_until: until,
      status: 'decided', submitted_at: now, due_on: calendar.addWorkingDays(today, 10), decided_at: now, submitted_by: 'system:bench',
    });
    for (const item of granted) {
      requestItems.push({
        id: randomUUID(), request_id: requestId, item_id: resource.itemIds.get(item.name)!, item_name: item.name,
        status: item.sharingClass === 'unconditional' ? 'granted' : 'approved', reason: null, decided_by: 'system:bench', decided_at: now,
      });
    }
    const request = requests.at(-1)!;
    agreements.push({
      id: randomUUID(), request_id: requestId, resource_id: resource.row.id, provider_id: resource.row.provider_id, consumer_id: consumer.code,
      consumer_system: request.consumer_system, service_code: resource.row.service_code, items: JSON.stringify(granted.map((i) => i.name)),
      purpose: request.purpose, valid_from: from, valid_until: until, revoked_at: null, revoke_reason: null, created_at: now, updated_at: now,
    });
  }
  await database.transaction(async (tx) => {
    await insertChunked(tx, 'catalog_resources', resources, 500);
    await insertChunked(tx, 'catalog_items', items, 1000);
    await insertChunked(tx, 'sharing_requests', requests, 1000);
    await insertChunked(tx, 'sharing_request_items', requestItems, 1000);
    await insertChunked(tx, 'sharing_agreements', agreements, 1000);
  });
  await sql`analyze`.execute(database.db);
}

/** The reference: the tables buildGlobalConfig reads, read raw. */
async function readTables(database: HubDatabase): Promise<void> {
  const db = database.db;
  const today = chinaDate(new Date());
  await Promise.all([
    db.selectFrom('city_instance').selectAll().execute(),
    db.selectFrom('departments').selectAll().execute(),
    db.selectFrom('department_systems').selectAll().execute(),
    db.selectFrom('catalog_resources').select(['id', 'code', 'provider_id', 'name_zh', 'name_en', 'service_code', 'version', 'withdrawn']).where('format', '=', 'api').execute(),
    db.selectFrom('catalog_items as i').innerJoin('catalog_resources as r', 'r.id', 'i.resource_id').select(['i.resource_id', 'i.name', 'i.sharing_class']).where('r.format', '=', 'api').execute(),
    db.selectFrom('sharing_agreements').selectAll().where('revoked_at', 'is', null).where('valid_from', '<=', today).where('valid_until', '>=', today).execute(),
  ]);
}

async function configCases(database: HubDatabase, dataDir: string, label: string): Promise<void> {
  const key = await loadSigningKey(dataDir);
  const options = () => ({ publicUrl: 'https://hub.dalian.example.gov.cn', exchangeUrl: 'https://hub.dalian.example.gov.cn:5500', caCertificates: [], ttlSeconds: 600, now: new Date() });
  let pass = 0;
  let document = await buildGlobalConfig(database, options());
  pass += await timed(async () => { document = await buildGlobalConfig(database, options()); });
  let jws = '';
  pass += await timed(async () => { jws = await signCompact(key, document, GLOBAL_CONFIG_TYP); });
  pass += await timed(() => readTables(database));
  progress(`${label}: ${document.members.length} members, ${document.services.length} services, ${document.rights.length} rights, ${(jws.length / 1024).toFixed(0)} KiB signed`);
  if (document.members.length < DEPARTMENTS || document.rights.length < AGREEMENTS) {
    throw new Error(`the configuration has ${document.members.length} members and ${document.rights.length} rights; expected ${DEPARTMENTS} and ${AGREEMENTS}`);
  }
  const iterations = Math.max(3, Math.min(Math.max(5, ITERATIONS), Math.floor(CONFIG_BUDGET_MS / REPEATS / pass)));
  const totals: number[] = [];
  const signs: number[] = [];
  const reads: number[] = [];
  const ratios: number[] = [];
  for (let r = 1; r <= REPEATS; r++) {
    const round: number[] = [];
    const readRound: number[] = [];
    for (let i = 0; i < iterations; i++) {
      readRound.push(await timed(() => readTables(database)));
      const built = await timed(async () => { document = await buildGlobalConfig(database, options()); });
      const signed = await timed(() => signCompact(key, document, GLOBAL_CONFIG_TYP));
      round.push(built + signed);
      signs.push(signed);
    }
    totals.push(...round);
    reads.push(...readRound);
    ratios.push(median(round) / median(readRound));
    progress(`${label}: round ${r}/${REPEATS}: build and sign p50 ${median(round).toFixed(1)} ms; raw reads p50 ${median(readRound).toFixed(1)} ms`);
  }
  emit(label, 'entries', document.rights.length, 'rights');
  emit(label, 'p50_ms', median(totals), 'ms');
  emit(label, 'p99_ms', quantile(totals, 0.99), 'ms');
  emit(`${label}/sign`, 'p50_ms', median(signs), 'ms');
  emit(`${label}/read-tables`, 'p50_ms', median(reads), 'ms');
  emit(label, 'ratio', median(ratios), `${label}/read-tables`);
}

// ---------------------------------------------------------------------------------------------
// The runs: both databases are set up at the same time (SQLite works in this process while
// PostgreSQL works in its own), and measured one after the other.

interface Target {
  /** Case-name suffix: '' for SQLite, '/postgres'. */
  suffix: string;
  database: HubDatabase;
  dataDir: string;
  close: () => Promise<void>;
  numbers: Numbers;
  members: Member[];
}

async function openSqliteTarget(): Promise<Target> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'egov-bench-catalog-'));
  const database = await openDatabase({ url: null, dataDir, sqliteSync: 'normal' }) as HubDatabase;
  await migrate(database, hubMigrations);
  const close = async () => {
    await database.close();
    // --keep leaves the database for profiling queries by hand.
    if (process.argv.includes('--keep')) progress(`kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  };
  return { suffix: '', database, dataDir, close, numbers: new Map(), members: [] };
}

async function openPostgresTarget(): Promise<Target | null> {
  const problem = await reachPostgres(progress);
  if (problem) {
    process.stderr.write(`${JSON.stringify({ bench: 'catalog', case: '*/postgres', metric: 'skipped', value: `PostgreSQL is not reachable at ${postgresUrl}: ${problem}` })}\n`);
    return null;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'egov-bench-catalog-pg-'));
  const schema = `bench_catalog_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const url = new URL(postgresUrl);
  // Commits need not wait for the disk while the bench sets up; reads are unaffected.
  url.searchParams.set('options', `-c search_path=${schema} -c synchronous_commit=off`);
  let database: HubDatabase | null = null;
  const close = async () => {
    try {
      await database?.close();
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    database = await openDatabase({ url: url.href, dataDir }) as HubDatabase;
    await migrate(database, hubMigrations);
  } catch (error) {
    await close();
    throw error;
  }
  return { suffix: '/postgres', database, dataDir, close, numbers: new Map(), members: [] };
}

/** Members, their API resources and the agreements between them. */
async function prepareConfig(target: Target): Promise<void> {
  const name = target.suffix.slice(1) || 'sqlite';
  progress(`${name}: seeding the demo and ${DEPARTMENTS} departments`);
  target.members = await setUpMembers(target.database, DEPARTMENTS);
  const counts = await target.database.db.selectFrom('catalog_resources').select(['provider_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('provider_id').execute();
  for (const count of counts) target.numbers.set(target.members.find((m) => m.code === count.provider_id)!.slug, Number(count.n));
  progress(`${name}: ${DEPARTMENTS * API_PER_DEPARTMENT} API resources and ${AGREEMENTS} agreements`);
  await fillAgreements(target.database, target.members, target.numbers);
}

/** The catalog grown to --resources. */
async function prepareSearch(target: Target): Promise<void> {
  const label = `${SEARCH_CASE}${target.suffix}`;
  const checked = await checkRowsMatchTheService(target.database, target.members, target.numbers);
  progress(`${label}: ${checked} generated resources published through the service match the bench's rows; writing up to ${RESOURCES}`);
  const started = Date.now();
  await fillCatalog(target.database, target.members, target.numbers, RESOURCES, label);
  emit(`${label}/setup`, 'seconds', (Date.now() - started) / 1000, 's');
}

const targets: Target[] = [await openSqliteTarget()];
try {
  if (WITH_POSTGRES) {
    const postgres = await openPostgresTarget();
    if (postgres) targets.push(postgres);
  }
  await Promise.all(targets.map(prepareConfig));
  for (const target of targets) await configCases(target.database, target.dataDir, `${CONFIG_CASE}${target.suffix}`);
  await Promise.all(targets.map(prepareSearch));
  for (const target of targets) await searchCases(target.database, `${SEARCH_CASE}${target.suffix}`);
} finally {
  for (const target of targets) await target.close();
}
progress('done');
