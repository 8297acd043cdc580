/**
 * Where Dalian's synthetic people live and its enterprises are registered: the districts and
 * counties of the registry's demo divisions, weighted by population (7th census, 2020, rounded)
 * and by a rough share of registered market entities, with street names and, in the counties,
 * towns and villages. Street names are common ones for the district, not a gazetteer: an address
 * reads like a Dalian address and is in the right district, but the house need not exist.
 */
import { demoDivisions } from '../registry/demo-data.ts';
import { Weighted, intBetween, oneOf, type Random } from './random.ts';

export interface District {
  code: string;
  nameZh: string;
  /** A district of the city, or a county / county-level city with its own name in addresses of authorities. */
  kind: 'district' | 'county' | 'county_city';
  /** Residents, in ten thousands (2020 census, rounded). */
  population: number;
  /** Share of the city's market entities, in per cent (approximate). */
  enterprises: number;
  streets: readonly string[];
  /** Towns (镇, 乡, 街道) outside the urban core; empty for the urban districts. */
  towns: readonly string[];
  /** Share of residents living in the towns and villages rather than on the streets. */
  rural: number;
  /** Region code of ID numbers issued here before a change of code (普兰店市 210282 → 普兰店区 210214 in 2015). */
  formerCode?: { code: string; until: number };
}

const DISTRICT_DATA: Record<string, Omit<District, 'code' | 'nameZh' | 'kind'>> = {
  '210202': {
    population: 39, enterprises: 12, rural: 0, towns: [],
    streets: ['人民路', '中山路', '解放路', '延安路', '鲁迅路', '天津街', '港湾街', '五五路', '七一街', '长江路', '民生街', '青泥街', '桃源街', '昆明街', '秀月街'],
  },
  '210203': {
    population: 31, enterprises: 7, rural: 0, towns: [],
    streets: ['八一路', '新开路', '北京街', '长春路', '黄河路', '五四路', '东北路', '沿海街', '大同街', '胜利路', '英华街', '石道街'],
  },
  '210204': {
    population: 67, enterprises: 10, rural: 0, towns: [],
    streets: ['西安路', '黄河路', '五一路', '兴工街', '西南路', '太原街', '成义街', '中长街', '马栏南街', '李家街', '星海街', '中山路'],
  },
  '210211': {
    population: 172, enterprises: 20, rural: 0.1, towns: ['大连湾街道', '营城子街道', '革镇堡街道'],
    streets: ['华北路', '山东路', '中华西路', '红旗西路', '千山路', '凌水路', '软件园路', '黄浦路', '红凌路', '华东路', '泉水路', '周水子路'],
  },
  '210212': {
    population: 34, enterprises: 5, rural: 0.2, towns: ['三涧堡街道', '双岛湾街道', '龙王塘街道'],
    streets: ['旅顺中路', '旅顺南路', '黄河路', '长江路', '友谊路', '得胜街', '登峰路', '顺乐街'],
  },
  '210213': {
    population: 154, enterprises: 20, rural: 0.2, towns: ['七顶山街道', '华家街道', '向应街道', '大魏家街道', '杏树街道'],
    streets: ['金马路', '辽河西路', '东北大街', '淮河中路', '黄海西路', '红星路', '五一路', '南山路', '友谊街', '光明街'],
  },
  '210214': {
    population: 55, enterprises: 7, rural: 0.5, towns: ['皮口街道', '城子坦街道', '星台街道', '安波街道', '杨树房街道', '墨盘乡'],
    streets: ['南山路', '新华大街', '解放路', '北大街', '铁西路', '中央大街'],
    formerCode: { code: '210282', until: 2015 },
  },
  '210224': {
    population: 7, enterprises: 2, rural: 0.6, towns: ['大长山岛镇', '小长山乡', '獐子岛镇', '广鹿乡', '海洋乡'],
    streets: ['环海路', '小泉路', '四块石路'],
  },
  '210281': {
    population: 88, enterprises: 9, rural: 0.5, towns: ['复州城镇', '李官镇', '永宁镇', '得利寺镇', '谢屯镇', '老虎屯镇', '松树镇'],
    streets: ['共济街', '新华路', '人民路', '文化路', '胜利路', '西长春路'],
  },
  '210283': {
    population: 73, enterprises: 8, rural: 0.55, towns: ['青堆镇', '大郑镇', '光明山镇', '栗子房镇', '徐岭镇', '王家镇', '石城乡'],
    streets: ['黄海大街', '昌盛路', '新华路', '振兴路', '兴达街'],
  },
};

/** Dalian's districts and counties (from the registry demo data) with what generation needs of them. */
export const districts: readonly District[] = demoDivisions
  .filter((d) => d.parent === '210200')
  .map((d) => {
    const data = DISTRICT_DATA[d.code];
    if (!data) throw new Error(`no synthetic address data for division ${d.code} ${d.nameZh}`);
    if (d.kind === 'city') throw new Error(`division ${d.code} is a city, not a district`);
    return { code: d.code, nameZh: d.nameZh, kind: d.kind, ...data };
  });

export const city = demoDivisions.find((d) => d.code === '210200')!;

export const districtsByPopulation = new Weighted(districts.map((d) => [d, d.population] as const));
export const districtsByEnterprises = new Weighted(districts.map((d) => [d, d.enterprises] as const));

/**
 * Where residents born outside Dalian were first registered: the neighbouring provinces most
 * of Dalian's migrants come from. Codes are GB/T 2260 districts of those cities.
 */
export const birthplacesElsewhere = new Weighted<string>([
  ['210102', 6], ['210302', 4], ['210602', 3], ['211302', 2], ['210702', 2], // Shenyang, Anshan, Dandong, Chaoyang, Jinzhou
  ['370202', 3], ['370602', 4], ['371002', 2], ['370102', 1], // Qingdao, Yantai, Weihai, Jinan
  ['230102', 3], ['220102', 3], ['130102', 1], ['410102', 1], ['150102', 1], // Harbin, Changchun, Shijiazhuang, Zhengzhou, Hohhot
]);

const VILLAGES = [
  '王家村', '李屯村', '东沟村', '西山村', '南岭村', '大岭村', '北屯村', '前屯村', '后营村', '小河村', '东岗村', '石门村',
  '三台村', '黄旗村', '沙岗村', '海湾村', '英歌石村', '长岭村',
];

/** A residence in the district, after `辽宁省大连市{district}`. */
export function residenceIn(random: Random, district: District): string {
  if (district.towns.length > 0 && random() < district.rural) {
    return `${oneOf(random, district.towns)}${oneOf(random, VILLAGES)}${intBetween(random, 1, 399)}号`;
  }
  const floors = intBetween(random, 1, 18);
  return `${oneOf(random, district.streets)}${intBetween(random, 1, 299)}号${intBetween(random, 1, 6)}单元${floors}${String(intBetween(random, 1, 4)).padStart(2, '0')}室`;
}

/** A business address in the district, after `辽宁省大连市{district}`. */
export function premisesIn(random: Random, district: District): string {
  const street = `${oneOf(random, district.streets)}${intBetween(random, 1, 599)}号`;
  const r = random();
  if (r < 0.4) return `${street}${intBetween(random, 1, 30)}层${intBetween(random, 1, 30)}${String(intBetween(random, 1, 20)).padStart(2, '0')}室`;
  if (r < 0.7) return `${street}${intBetween(random, 1, 3)}层`;
  if (r < 0.85 && district.towns.length > 0) return `${oneOf(random, district.towns)}${oneOf(random, VILLAGES)}`;
  return street;
}

/** The full address as the registries write it. */
export function fullAddress(district: District, rest: string): string {
  return `辽宁省${city.nameZh}${district.nameZh}${rest}`;
}
