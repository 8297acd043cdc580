/**
 * Synthetic market entities of Dalian for the enterprise registry: companies (USCC 91…),
 * individual businesses (92…) and farmers' cooperatives (93…), each with a valid and unique
 * unified social credit code whose embedded organisation code is valid too.
 */
import { organisationCheckChar, usccCheckChar } from '../registry/uscc.ts';
import { AS_OF, citizenIdFor, isoDay, personName } from './people.ts';
import { birthplacesElsewhere, city, districts, districtsByEnterprises, fullAddress, premisesIn, type District } from './places.ts';
import type { EnterpriseRecord } from './records.ts';
import { Weighted, intBetween, mulberry32, oneOf, type Random } from './random.ts';

const MS_PER_DAY = 86_400_000;
const dayOf = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / MS_PER_DAY;
const AS_OF_DAY = Date.parse(AS_OF) / MS_PER_DAY;
/** 三证合一: from October 2015 new entities get an organisation code of the form MA…… with their USCC. */
const NEW_CODES_FROM = dayOf(2015, 10, 1);
/** From March 2021 business scopes are written as 许可项目 / 一般项目 from the standard scope catalogue. */
const SCOPE_CATALOGUE_FROM = dayOf(2021, 3, 1);

/** The 31 symbols of GB 32100 (no I, O, S, V, Z). */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const NEW_SPACE = 31 ** 6;
const OLD_SPACE = 10 ** 8;

type Kind = '1' | '2' | '3';
const KINDS = new Weighted<Kind>([['1', 72], ['2', 22], ['3', 6]]);

const COMPANY_TYPES = new Weighted<EnterpriseRecord['type']>([
  ['有限责任公司（自然人投资或控股）', 50], ['有限责任公司（自然人独资）', 25], ['有限责任公司（法人独资）', 8], ['其他有限责任公司', 5],
  ['有限责任公司（国有独资）', 1], ['股份有限公司（非上市、自然人投资或控股）', 4], ['有限责任公司分公司（自然人投资或控股）', 7],
]);

// Two characters of these make a trade name (字号).
const TRADE_CHARS = '鑫海港盛华宏远通达金星辽滨蓝湾恒瑞丰泰宇博晟顺德万嘉利源兴隆昌富鼎信诚汇创新科天亿众联合东方正和祥凯润佳伟安康永益中旺锦辰晨航洋';

interface Line { word: string; general: string; licensed?: string }

const INDUSTRIES: readonly Line[] = [
  { word: '海产品', general: '水产品批发；水产品零售；食用农产品批发', licensed: '食品生产；食品销售' },
  { word: '海珍品', general: '水产品收购；水产品初加工；水产品批发', licensed: '水产养殖' },
  { word: '软件', general: '软件开发；信息技术咨询服务；信息系统集成服务；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广' },
  { word: '信息科技', general: '网络技术服务；数据处理和存储支持服务；计算机软硬件及辅助设备零售' },
  { word: '物流', general: '国内货物运输代理；普通货物仓储服务（不含危险化学品等需许可审批的项目）；装卸搬运', licensed: '道路货物运输（不含危险货物）' },
  { word: '国际贸易', general: '货物进出口；技术进出口；进出口代理；国内贸易代理' },
  { word: '机械设备', general: '通用设备制造（不含特种设备制造）；机械设备销售；机械零件、零部件加工' },
  { word: '船舶工程', general: '船舶修理；船舶改装；船用配套设备制造' },
  { word: '建筑工程', general: '土石方工程施工；园林绿化工程施工', licensed: '建设工程施工' },
  { word: '装饰工程', general: '建筑装饰材料销售', licensed: '住宅室内装饰装修' },
  { word: '餐饮管理', general: '餐饮管理；外卖递送服务', licensed: '餐饮服务' },
  { word: '化工', general: '化工产品销售（不含许可类化工产品）；专用化学产品销售（不含危险化学品）' },
  { word: '国际旅行社', general: '旅游开发项目策划咨询；会议及展览服务', licensed: '旅行社业务' },
  { word: '电子科技', general: '电子元器件制造；电子产品销售；集成电路设计' },
  { word: '商贸', general: '日用百货销售；五金产品零售；服装服饰零售；家用电器销售' },
  { word: '汽车服务', general: '汽车零配件零售；二手车经纪', licensed: '机动车检验检测服务' },
  { word: '房地产经纪', general: '房地产经纪；房地产咨询；物业管理' },
  { word: '教育咨询', general: '教育咨询服务（不含涉许可审批的教育培训活动）；组织文化艺术交流活动' },
];

const SHOPS: readonly Line[] = [
  { word: '海鲜饭店', general: '', licensed: '餐饮服务' }, { word: '便利店', general: '日用百货销售', licensed: '食品销售' },
  { word: '理发店', general: '理发服务' }, { word: '水果店', general: '新鲜水果零售' }, { word: '五金商店', general: '五金产品零售' },
  { word: '汽车修理部', general: '机动车修理和维护' }, { word: '小吃部', general: '', licensed: '小餐饮' }, { word: '干洗店', general: '洗染服务' },
  { word: '服装店', general: '服装服饰零售' }, { word: '烧烤店', general: '', licensed: '餐饮服务' }, { word: '海产品商行', general: '水产品零售' },
];

const COOPERATIVE_PRODUCTS = ['樱桃', '苹果', '蓝莓', '黄桃', '葡萄', '草莓', '蔬菜', '中药材', '海参', '生猪'];
const COOPERATIVE_SCOPE = (product: string) =>
  `组织采购、供应成员所需的生产资料；组织收购、销售成员生产的${product}；开展与${product}生产经营有关的技术、信息等服务`;

const CAPITAL = new Weighted<number>([
  [1, 3], [3, 4], [5, 6], [10, 12], [20, 6], [30, 7], [50, 12], [100, 15], [200, 8], [300, 5], [500, 8], [1000, 7], [2000, 3], [5000, 2], [10000, 1],
]);
const COOPERATIVE_CAPITAL = [5, 10, 20, 50, 100, 200, 500];

const MOBILE_PREFIXES = ['139', '138', '137', '136', '135', '159', '158', '152', '188', '187', '186', '185', '130', '131', '132', '155', '156', '133', '153', '189', '180', '181', '177', '199', '198'];

/** Days of establishment from a first day on, by year weighted with the growth of registrations (about 12% a year). */
function establishmentDays(first: number): (random: Random) => number {
  const fromYear = new Date(first * MS_PER_DAY).getUTCFullYear();
  const years = new Weighted(Array.from({ length: 2025 - fromYear + 1 }, (_, i) => [fromYear + i, 1.12 ** (fromYear + i - 1990)] as const));
  return (random) => {
    const year = years.pick(random);
    const start = Math.max(first, dayOf(year, 1, 1));
    return Math.min(AS_OF_DAY, start + Math.floor(random() * (dayOf(year + 1, 1, 1) - start)));
  };
}

function scopeText(line: Line, day: number): string {
  const general = line.general;
  const licensed = line.licensed;
  if (day >= SCOPE_CATALOGUE_FROM) {
    return [
      licensed && `许可项目：${licensed}（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以审批结果为准）`,
      general && `一般项目：${general}（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）`,
    ].filter(Boolean).join('');
  }
  return [general, licensed].filter(Boolean).join('；') + (licensed ? '（依法须经批准的项目，经相关部门批准后方可开展经营活动）' : '');
}

/** The market entities, one per call of next(); the same seed gives the same entities in the same order. */
export class EnterpriseGenerator {
  private readonly random: Random;
  private readonly names = new Set<string>();
  private newSerial = 0;
  private oldSerial = 0;
  // Serial numbers go through an affine permutation of the code space, so that codes are unique
  // without remembering them and do not count up visibly.
  private readonly newMultiplier: number;
  private readonly newOffset: number;
  private readonly oldMultiplier: number;
  private readonly oldOffset: number;
  private readonly establishmentDays: Record<Kind, (random: Random) => number>;

  constructor(seed: number) {
    this.random = mulberry32(seed);
    const r = this.random;
    this.newMultiplier = 31 * intBetween(r, 1_000, 20_000_000) + intBetween(r, 1, 30); // not a multiple of 31
    this.newOffset = intBetween(r, 0, NEW_SPACE - 1);
    this.oldMultiplier = 10 * intBetween(r, 100_000, 9_000_000) + oneOf(r, [1, 3, 7, 9]); // coprime to 10
    this.oldOffset = intBetween(r, 0, OLD_SPACE - 1);
    this.establishmentDays = {
      '1': establishmentDays(dayOf(1990, 1, 1)),
      '2': establishmentDays(dayOf(2000, 1, 1)),
      '3': establishmentDays(dayOf(2007, 7, 1)), // the farmers' cooperatives law took effect
    };
  }

  next(): EnterpriseRecord {
    const random = this.random;
    const kind = KINDS.pick(random);
    const established = this.establishmentDays[kind](random);
    const cityLevel = kind === '1' && random() < 0.12;
    const district = kind === '3' ? this.ruralDistrict(random) : districtsByEnterprises.pick(random);
    const division = cityLevel ? city.code : district.code;

    const type: EnterpriseRecord['type'] = kind === '1' ? COMPANY_TYPES.pick(random) : kind === '2' ? '个体工商户' : '农民专业合作社';
    const branch = type.includes('分公司');
    const line = kind === '1' ? oneOf(random, INDUSTRIES) : kind === '2' ? oneOf(random, SHOPS) : null;
    const product = oneOf(random, COOPERATIVE_PRODUCTS);
    const name = this.uniqueName(random, (trade) => {
      if (kind === '2') return `${district.kind === 'district' ? city.nameZh : ''}${district.nameZh}${trade}${line!.word}`;
      if (kind === '3') return `${district.nameZh}${oneOf(random, district.towns)}${trade}${product}${product === '海参' || product === '生猪' ? '养殖' : '种植'}专业合作社`;
      const form = type.startsWith('股份') ? '股份有限公司' : '有限公司';
      return `大连${trade}${line!.word}${form}${branch ? `${district.nameZh.replace(/(区|县|市)$/, '')}分公司` : ''}`;
    });

    const capital = kind === '2' || branch ? null
      : kind === '3' ? oneOf(random, COOPERATIVE_CAPITAL)
      : type.startsWith('股份') ? Math.max(500, CAPITAL.pick(random) * 10)
      : CAPITAL.pick(random);

    const representative = this.representative(random, established);
    const ageYears = (AS_OF_DAY - established) / 365.2425;
    const s = random();
    const status: EnterpriseRecord['status'] = s < Math.min(0.35, 0.02 + 0.012 * ageYears) ? '注销'
      : s < Math.min(0.5, 0.03 + 0.016 * ageYears) ? '吊销' : s > 0.99 ? '迁出' : '存续';

    return {
      uscc: this.uscc(kind, division, established),
      name,
      type,
      legalRepresentative: representative.name,
      legalRepresentativeIdNumber: representative.idNumber,
      registeredCapital: capital,
      establishedOn: isoDay(established),
      address: fullAddress(district, premisesIn(random, district)),
      businessScope: line ? scopeText(line, established) : COOPERATIVE_SCOPE(product),
      registrationAuthority: cityLevel ? `${city.nameZh}市场监督管理局`
        : district.kind === 'district' ? `${city.nameZh}${district.nameZh}市场监督管理局` : `${district.nameZh}市场监督管理局`,
      status,
      contactPhone: random() < 0.4
        ? `0411-${intBetween(random, 3, 8)}${String(intBetween(random, 0, 9_999_999)).padStart(7, '0')}`
        : `${oneOf(random, MOBILE_PREFIXES)}${String(intBetween(random, 0, 99_999_999)).padStart(8, '0')}`,
    };
  }

  private ruralDistrict(random: Random): District {
    const rural = districts.filter((d) => d.rural > 0 && d.towns.length > 0);
    return new Weighted(rural.map((d) => [d, d.population * d.rural] as const)).pick(random);
  }

  /** Trade names are drawn until the whole name is new; a third character widens the space once two are crowded. */
  private uniqueName(random: Random, nameFor: (trade: string) => string): string {
    for (let attempt = 0; ; attempt++) {
      const length = attempt < 8 ? 2 : 3 + Math.floor(attempt / 64);
      let trade = '';
      while (trade.length < length) {
        const ch = TRADE_CHARS[Math.floor(random() * TRADE_CHARS.length)]!;
        if (!trade.endsWith(ch)) trade += ch;
      }
      const name = nameFor(trade);
      if (!this.names.has(name)) {
        this.names.add(name);
        return name;
      }
    }
  }

  private uscc(kind: Kind, division: string, established: number): string {
    let org8: string;
    if (established >= NEW_CODES_FROM || kind !== '1') {
      let n = (this.newMultiplier * (this.newSerial++) + this.newOffset) % NEW_SPACE;
      let tail = '';
      for (let i = 0; i < 6; i++) { tail = CHARSET[n % 31]! + tail; n = Math.floor(n / 31); }
      org8 = `MA${tail}`;
    } else {
      // Exact in doubles: multiplier < 1e8 times serial < MAX_ENTERPRISES stays far under 2^53.
      org8 = String((this.oldMultiplier * (this.oldSerial++) + this.oldOffset) % OLD_SPACE).padStart(8, '0');
    }
    const first17 = `9${kind}${division}${org8}${organisationCheckChar(org8)}`;
    return first17 + usccCheckChar(first17);
  }

  private representative(random: Random, established: number): { name: string; idNumber: string } {
    const establishedYear = new Date(established * MS_PER_DAY).getUTCFullYear();
    const birthYear = Math.max(1930, establishedYear - intBetween(random, 22, 60));
    const male = random() < 0.72;
    const region = random() < 0.8 ? districtsByEnterprises.pick(random).code : birthplacesElsewhere.pick(random);
    const birthDay = Math.min(dayOf(birthYear, 1, 1) + Math.floor(random() * 365), AS_OF_DAY - 18 * 366);
    const sequence = 2 * intBetween(random, 0, 499) + (male ? 1 : 0);
    return { name: personName(random, birthYear, male), idNumber: citizenIdFor(region, birthDay, sequence) };
  }
}
