/**
 * Synthetic residents of Dalian for the population registry: a stream of persons drawn from a
 * seeded generator, each with a valid and unique citizen ID number. The distributions are
 * plausible rather than statistics: surnames by frequency with the north-east's Shandong-origin
 * names (于, 孙, 姜, 曲, 丛…), given names by generation, an age pyramid with the 1960s boom,
 * ethnicity mostly Han with Manchu the largest minority, marital status and education by age,
 * and some registrations cancelled by death or by moving away.
 */
import { citizenIdCheckChar } from './citizen-id.ts';
import { birthplacesElsewhere, districtsByPopulation, fullAddress, residenceIn, type District } from './places.ts';
import type { PersonRecord } from './records.ts';
import { Weighted, intBetween, mulberry32, oneOf, type Random } from './random.ts';

// ——— Days ———

const MS_PER_DAY = 86_400_000;
const dayOf = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / MS_PER_DAY;

const FIRST_BIRTH_YEAR = 1930;
const LAST_BIRTH_YEAR = 2025;
/** The day the synthetic registry describes: ages, card validity and cancellations are as of then. */
export const AS_OF = '2025-12-31';
const AS_OF_DAY = dayOf(2025, 12, 31);
const FIRST_DAY = dayOf(FIRST_BIRTH_YEAR, 1, 1);
const DAYS = dayOf(LAST_BIRTH_YEAR, 12, 31) - FIRST_DAY + 1;
const FIRST_CARDS = dayOf(1985, 9, 6); // the resident identity card regulations took effect

// Dates are needed several times per record; tables save a Date object and its formatting each time.
const TABLE_FIRST = dayOf(1900, 1, 1);
const TABLE_LAST = dayOf(2060, 12, 31);
const isoTable: string[] = [];
const ymdTable = new Uint32Array(TABLE_LAST - TABLE_FIRST + 1);
for (let day = TABLE_FIRST; day <= TABLE_LAST; day++) {
  const d = new Date(day * MS_PER_DAY);
  isoTable.push(d.toISOString().slice(0, 10));
  ymdTable[day - TABLE_FIRST] = d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** YYYY-MM-DD of a day number (days since 1970-01-01). */
export function isoDay(day: number): string {
  return isoTable[day - TABLE_FIRST] ?? new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The same calendar day `years` later (29 February becomes 1 March). */
function addYears(day: number, years: number): number {
  const ymd = ymdTable[day - TABLE_FIRST];
  if (ymd === undefined) {
    const d = new Date(day * MS_PER_DAY);
    return Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate()) / MS_PER_DAY;
  }
  return Date.UTC(Math.floor(ymd / 10000) + years, (Math.floor(ymd / 100) % 100) - 1, ymd % 100) / MS_PER_DAY;
}

const yearsBetween = (from: number, to: number): number => (to - from) / 365.2425;

// ——— Birth years: an age pyramid of the north-east (old industrial base, low births since the 1990s) ———

const COHORT_WEIGHTS: readonly (readonly [number, number, number])[] = [
  [1930, 1939, 0.3], [1940, 1949, 0.7], [1950, 1959, 1.2], [1960, 1964, 1.6], [1965, 1969, 1.9], [1970, 1974, 1.6],
  [1975, 1979, 1.3], [1980, 1989, 1.35], [1990, 1999, 1.1], [2000, 2009, 0.8], [2010, 2015, 0.8], [2016, 2019, 0.7],
  [2020, 2025, 0.45],
];
const birthYears = new Weighted(COHORT_WEIGHTS.flatMap(([from, to, w]) => Array.from({ length: to - from + 1 }, (_, i) => [from + i, w] as const)));

function birthDayIn(random: Random, year: number): number {
  const first = dayOf(year, 1, 1);
  return first + Math.floor(random() * (dayOf(year + 1, 1, 1) - first));
}

// ——— Names ———

const SURNAMES = new Weighted<string>([
  ['王', 71], ['李', 70], ['张', 69], ['刘', 54], ['赵', 30], ['杨', 31], ['陈', 30], ['孙', 25], ['于', 20], ['徐', 17],
  ['姜', 16], ['马', 16], ['周', 15], ['高', 15], ['宋', 13], ['郭', 13], ['黄', 12], ['吴', 12], ['朱', 12], ['韩', 12],
  ['曲', 10], ['胡', 10], ['董', 10], ['林', 9], ['崔', 9], ['曹', 9], ['田', 9], ['郑', 8], ['梁', 8], ['许', 8],
  ['冯', 8], ['魏', 8], ['吕', 8], ['杜', 8], ['任', 7], ['石', 7], ['丁', 6], ['程', 6], ['苏', 6], ['范', 6],
  ['卢', 6], ['金', 6], ['贾', 6], ['付', 6], ['白', 6], ['邹', 6], ['孟', 6], ['肖', 6], ['何', 6], ['唐', 6],
  ['丛', 5], ['尹', 5], ['闫', 5], ['郝', 5], ['侯', 5], ['袁', 5], ['潘', 5], ['蒋', 5], ['沈', 5], ['姚', 5],
  ['罗', 5], ['谢', 5], ['隋', 4], ['宫', 4], ['迟', 4], ['关', 4], ['秦', 4], ['薛', 4], ['段', 4], ['史', 4],
  ['邵', 4], ['夏', 4], ['方', 4], ['蔡', 4], ['叶', 4], ['彭', 4], ['谭', 4], ['陆', 4], ['鞠', 3], ['初', 3],
  ['栾', 3], ['滕', 3], ['谷', 3], ['岳', 3], ['雷', 3], ['陶', 3], ['贺', 3], ['顾', 3], ['毛', 3], ['万', 3],
  ['汪', 3], ['邱', 3], ['江', 3], ['衣', 2], ['佟', 2], ['修', 2], ['兰', 2], ['龙', 2], ['钱', 2], ['严', 2],
  ['龚', 2], ['熊', 2], ['邓', 4], ['余', 3], ['那', 1], ['富', 1], ['赫', 1],
  ['欧阳', 0.2], ['司马', 0.1], ['上官', 0.1], ['诸葛', 0.1], ['慕容', 0.05],
]);

type Era = 0 | 1 | 2 | 3;
const eraOf = (year: number): Era => (year < 1960 ? 0 : year < 1980 ? 1 : year < 2000 ? 2 : 3);

// Whole given names typical of each generation, [male, female] by era.
const GIVEN_NAMES: readonly (readonly [readonly string[], readonly string[]])[] = [
  [
    ['建国', '建军', '国强', '国华', '志强', '振华', '德明', '永福', '玉山', '长山', '洪山', '文斌', '树林', '宝林', '凤山', '金山', '占山', '庆和', '福来', '德胜', '军', '林', '明', '福', '忠', '顺'],
    ['秀英', '桂兰', '淑珍', '玉兰', '凤兰', '秀兰', '桂芝', '淑芬', '玉珍', '秀珍', '桂英', '凤芝', '淑兰', '玉梅', '素芬', '淑英', '兰英', '秀芳', '玉芳', '凤英', '英', '兰', '珍', '芳', '梅'],
  ],
  [
    ['伟', '勇', '军', '刚', '斌', '涛', '强', '明', '磊', '峰', '海涛', '海军', '立新', '卫东', '红军', '志刚', '建华', '海波', '春雷', '永刚', '晓东', '东升', '宏伟', '铁军', '国庆', '大勇'],
    ['丽', '红', '艳', '敏', '静', '霞', '燕', '娟', '玲', '萍', '丽娟', '晓红', '春梅', '红梅', '丽华', '艳华', '海燕', '秀云', '丽萍', '晓燕', '雪梅', '冬梅', '艳红', '丽丽'],
  ],
  [
    ['磊', '鹏', '超', '浩', '宇', '杰', '帅', '亮', '鑫', '健', '晓明', '博', '俊杰', '浩然', '海洋', '天宇', '志远', '子健', '文博', '明阳', '宏宇', '晨', '旭', '阳', '楠'],
    ['婷', '丹', '静', '雪', '佳', '琳', '莹', '璐', '倩', '颖', '晓丽', '丹丹', '婷婷', '佳琪', '欣怡', '思思', '雨萱', '梦瑶', '佳慧', '晓雪', '春雨', '美玲'],
  ],
  [
    ['浩宇', '宇轩', '子轩', '浩然', '梓睿', '一诺', '子墨', '俊熙', '睿泽', '沐宸', '皓轩', '奕辰', '宇航', '博文', '铭泽', '天佑', '思远', '承泽', '梓豪', '子涵'],
    ['子涵', '梓涵', '欣怡', '诗涵', '一诺', '可欣', '语桐', '若汐', '依诺', '雨桐', '梓萱', '思彤', '佳怡', '欣妍', '沐瑶', '语汐', '安琪', '晨曦', '心怡', '梦琪'],
  ],
];
// Characters to compose further two-character names, so that not every 王 of a generation shares ten names.
const FIRST_CHARS: readonly (readonly [string, string])[] = [
  ['德文振永玉长宝庆洪树', '淑秀桂玉凤素兰金'], ['建国卫志海立东红永晓', '丽晓春红艳秀海雪冬美'],
  ['俊浩志天文明宏子晓佳', '佳思雨梦晓美婷欣春丹'], ['子梓宇浩睿奕沐承俊一', '子梓语雨欣诗若依思可'],
];
const SECOND_CHARS: readonly (readonly [string, string])[] = [
  ['山林福才成祥贵发和胜', '珍兰英芝芬华梅荣琴芳'], ['军华明平伟强波峰刚东', '红华梅燕霞萍玲娟丽敏'],
  ['杰超鹏宇博阳洋鑫辉磊', '婷琳颖莹丹璐倩琪慧瑶'], ['轩辰睿泽航豪宸熙铭瑞', '涵萱彤桐汐妍怡瑶琪诺'],
];

export function personName(random: Random, birthYear: number, male: boolean): string {
  return SURNAMES.pick(random) + givenName(random, birthYear, male);
}

/** A name changed in the early years of the registers usually kept the surname and dropped a childhood given name. */
function formerNameOf(random: Random, name: string, surname: string, birthYear: number, male: boolean): string | null {
  if (birthYear >= 1985 || random() >= 0.04) return null;
  const former = surname + givenName(random, birthYear - 20, male);
  return former === name ? null : former;
}

function givenName(random: Random, birthYear: number, male: boolean): string {
  const era = eraOf(birthYear);
  const sex = male ? 0 : 1;
  if (random() < 0.6) return oneOf(random, GIVEN_NAMES[era]![sex]);
  const first = FIRST_CHARS[era]![sex];
  const second = SECOND_CHARS[era]![sex];
  return first[Math.floor(random() * first.length)]! + second[Math.floor(random() * second.length)]!;
}

// ——— Codes by age ———

const ETHNICITIES = new Weighted<PersonRecord['ethnicity']>([
  ['01', 930], ['11', 55], ['03', 4], ['02', 4], ['10', 4], ['38', 2], ['08', 0.4], ['06', 0.3], ['15', 0.3],
]);

type Education = NonNullable<PersonRecord['educationLevel']>;
const EDUCATION_BY_COHORT: readonly (readonly [number, Weighted<Education>])[] = [
  [1950, new Weighted<Education>([['80', 40], ['70', 30], ['60', 15], ['30', 3], ['20', 2], ['90', 10]])],
  [1970, new Weighted<Education>([['80', 12], ['70', 40], ['60', 30], ['40', 8], ['30', 6], ['20', 4]])],
  [1990, new Weighted<Education>([['80', 3], ['70', 25], ['60', 20], ['40', 12], ['30', 20], ['20', 15], ['14', 4], ['11', 1]])],
  [9999, new Weighted<Education>([['70', 10], ['60', 12], ['40', 10], ['30', 28], ['20', 30], ['14', 8], ['11', 2]])],
];

function educationOf(random: Random, birthYear: number, age: number): PersonRecord['educationLevel'] {
  if (age < 6) return null;
  if (age < 12) return '80';
  if (age < 15) return '70';
  if (age < 18) return '60';
  const cohort = EDUCATION_BY_COHORT.find(([until]) => birthYear < until)!;
  return cohort[1].pick(random);
}

function maritalStatusOf(random: Random, age: number, male: boolean): PersonRecord['maritalStatus'] {
  if (age < (male ? 22 : 20)) return '10'; // the legal age of marriage
  const r = random();
  if (age < 25) return r < 0.8 ? '10' : '20';
  if (age < 30) return r < 0.45 ? '10' : r < 0.97 ? '20' : '40';
  if (age < 40) return r < 0.12 ? '10' : r < 0.92 ? '20' : '40';
  if (age < 60) return r < 0.04 ? '10' : r < 0.88 ? '20' : r < 0.98 ? '40' : '30';
  if (age < 75) return r < 0.03 ? '10' : r < 0.83 ? '20' : r < 0.88 ? '40' : '30';
  return r < 0.02 ? '10' : r < 0.52 ? '20' : r < 0.55 ? '40' : '30';
}

function relationOf(random: Random, age: number, male: boolean, married: boolean): PersonRecord['householdRelation'] {
  const r = random();
  if (age < 18) return r < 0.85 ? (male ? '20' : '30') : male ? '41' : '42';
  if (age < 30 && r < 0.45) return male ? '20' : '30';
  if (age >= 70 && r < 0.2) return male ? '51' : '52';
  if (r > 0.97) return '99';
  if (married && random() < 0.45) return male ? '11' : '12';
  return '02';
}

// ——— Cancellations ———

function deathChance(birthYear: number): number {
  if (birthYear < 1940) return 0.6;
  if (birthYear < 1950) return 0.3;
  if (birthYear < 1960) return 0.12;
  if (birthYear < 1970) return 0.05;
  if (birthYear < 1980) return 0.02;
  return 0.004;
}

const CANCELLATIONS_SINCE = dayOf(2000, 1, 1);

/** A cancellation reason and day, or null while the registration is in force. */
function cancellationOf(random: Random, birthDay: number, birthYear: number, age: number): { reason: '1' | '2' | '3'; day: number } | null {
  const r = random();
  let reason: '1' | '2' | '3' | null = null;
  if (r < deathChance(birthYear)) reason = '1';
  else if (r > 0.965) reason = age >= 18 && age < 65 ? '2' : random() < 0.3 ? '2' : null;
  else if (r > 0.962) reason = '3';
  if (reason === null) return null;
  // Adults move on their own; children move (or die) any time after birth.
  const from = Math.max(birthDay + 1, CANCELLATIONS_SINCE, reason !== '1' && age >= 18 ? addYears(birthDay, 18) : 0);
  if (from >= AS_OF_DAY) return null;
  return { reason, day: from + Math.floor(random() * (AS_OF_DAY - from)) };
}

// ——— Resident identity cards ———

/**
 * The card a person holds on AS_OF: none (under 16 and never applied), valid until a day, or for
 * life (null). Validity by age at issue is the Resident Identity Card Law's: under 16 five years,
 * 16–25 ten, 26–45 twenty, 46 and over for life. Most renew shortly before expiry, one in ten up
 * to two years late, so about one card in a hundred is expired on the day.
 */
function cardOf(random: Random, birthDay: number): { hasCard: boolean; until: number | null } {
  const age = yearsBetween(birthDay, AS_OF_DAY);
  let issue: number;
  if (age < 16) {
    if (random() >= 0.4) return { hasCard: false, until: null };
    issue = AS_OF_DAY - Math.floor(random() * Math.min(5 * 365, AS_OF_DAY - birthDay));
  } else {
    issue = Math.max(addYears(birthDay, 16) + Math.floor(random() * 730), FIRST_CARDS + Math.floor(random() * 5 * 365));
  }
  for (;;) {
    const ageAtIssue = yearsBetween(birthDay, issue);
    const years = ageAtIssue < 16 ? 5 : ageAtIssue < 26 ? 10 : ageAtIssue < 46 ? 20 : 0;
    if (years === 0) return { hasCard: true, until: null };
    const until = addYears(issue, years);
    const renewal = random() < 0.1 ? until + Math.floor(random() * 730) : until - Math.floor(random() * 90);
    if (renewal > AS_OF_DAY) return { hasCard: true, until };
    issue = renewal;
  }
}

// ——— ID numbers ———

/** A citizen ID number from its parts: the sequence number's parity is the sex. */
export function citizenIdFor(region: string, birthDay: number, sequence: number): string {
  const ymd = ymdTable[birthDay - TABLE_FIRST] ?? Number(isoDay(birthDay).replaceAll('-', ''));
  const first17 = `${region}${ymd}${sequence < 10 ? '00' : sequence < 100 ? '0' : ''}${sequence}`;
  return first17 + citizenIdCheckChar(first17);
}

/**
 * The ID numbers handed out so far, as one bit per (region, birth day, sequence): 4.4 MB per
 * region code in use, where a Set of 7.5 million strings would need over half a gigabyte.
 */
class IssuedNumbers {
  private readonly byRegion = new Map<string, Uint8Array>();

  /** Claims a free sequence number of the right parity near the wanted one; -1 when the day is full. */
  claim(region: string, birthDay: number, wanted: number): number {
    let bits = this.byRegion.get(region);
    if (!bits) this.byRegion.set(region, (bits = new Uint8Array(Math.ceil((DAYS * 1000) / 8))));
    const base = (birthDay - FIRST_DAY) * 1000;
    for (let step = 0; step < 500; step++) {
      const sequence = (wanted + 2 * step) % 1000;
      const bit = base + sequence;
      const mask = 1 << (bit & 7);
      if ((bits[bit >>> 3]! & mask) === 0) {
        bits[bit >>> 3]! |= mask;
        return sequence;
      }
    }
    return -1;
  }
}

// ——— Persons ———

export interface GeneratedPerson {
  record: PersonRecord;
  /** Whether a resident identity card was ever issued (PSB-0002 answers cardValid from these). */
  hasCard: boolean;
  /** YYYY-MM-DD, or null for a card valid for life. */
  cardValidUntil: string | null;
}

/** The population, one person per call of next(); the same seed gives the same persons in the same order. */
export class PersonGenerator {
  private readonly random: Random;
  private readonly issued = new IssuedNumbers();

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  next(): GeneratedPerson {
    const random = this.random;
    const birthYear = birthYears.pick(random);
    const male = random() < 0.5;
    const home = districtsByPopulation.pick(random);
    const birthPlace = this.birthPlaceOf(random, home, birthYear);

    // A full (region, day) moves the birth to the next day: it takes tens of millions of people.
    let birthDay = birthDayIn(random, birthYear);
    let sequence = this.issued.claim(birthPlace, birthDay, 2 * intBetween(random, 0, 499) + (male ? 1 : 0));
    while (sequence < 0) {
      birthDay = birthDay + 1 < FIRST_DAY + DAYS ? birthDay + 1 : FIRST_DAY;
      sequence = this.issued.claim(birthPlace, birthDay, male ? 1 : 0);
    }
    const idNumber = citizenIdFor(birthPlace, birthDay, sequence);

    const age = yearsBetween(birthDay, AS_OF_DAY);
    const surname = SURNAMES.pick(random);
    const name = surname + givenName(random, birthYear, male);
    const formerName = formerNameOf(random, name, surname, birthYear, male);
    const maritalStatus = maritalStatusOf(random, age, male);
    const cancellation = cancellationOf(random, birthDay, birthYear, age);
    const card = cardOf(random, birthDay);
    const record: PersonRecord = {
      idNumber,
      name,
      formerName,
      sex: male ? '1' : '2',
      ethnicity: ETHNICITIES.pick(random),
      birthDate: isoDay(birthDay),
      birthPlace,
      householdDivision: home.code,
      householdAddress: fullAddress(home, residenceIn(random, home)),
      householdRelation: relationOf(random, age, male, maritalStatus === '20'),
      maritalStatus,
      educationLevel: educationOf(random, birthYear, age),
      cancellationReason: cancellation?.reason ?? null,
      cancellationDate: cancellation ? isoDay(cancellation.day) : null,
      photo: null,
      fingerprint: null,
    };
    return { record, hasCard: card.hasCard, cardValidUntil: card.until === null ? null : isoDay(card.until) };
  }

  /** Where the number was issued: mostly the home district, sometimes another one, 15% outside Dalian. */
  private birthPlaceOf(random: Random, home: District, birthYear: number): string {
    const r = random();
    const district = r < 0.7 ? home : r < 0.85 ? districtsByPopulation.pick(random) : null;
    if (!district) return birthplacesElsewhere.pick(random);
    return district.formerCode && birthYear < district.formerCode.until ? district.formerCode.code : district.code;
  }
}
