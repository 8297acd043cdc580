// Dalian's information resource catalog for the demo: what the departments of registry/demo-data.ts
// offer each other, item by item. Resource names, items and classes follow the national practice
// (GB/T 21063, the 2017 compilation guide, 国发〔2016〕51号, 国务院令第809号); the figures, codes
// and contacts are synthetic. Providers are department keys (demoDepartments[].key), which the
// demo seeding maps to their codes.
import { demoDepartments } from '../registry/demo-data.ts';
import type { ItemInput, ResourceInput } from './schema.ts';

/** A ResourceInput whose provider is a department key rather than its USCC. */
export type DemoResource = Omit<ResourceInput, 'provider'> & { provider: string };

/** A sharing request the demo files, and the provider reviewer's answers (items left out stay pending). */
export interface DemoRequest {
  /** Consumer department key. */
  consumer: string;
  /** The consumer's system (registry demo data) that will use the data. */
  system: string;
  resource: string;
  items: string[];
  purpose: string;
  legalBasis: string;
  business?: string;
  /** Length of the requested period from the seeding day. */
  years: number;
  decisions: { item: string; decision: 'approve' | 'refuse'; reason?: string }[];
}

// ——— Legal bases, quoted as the catalog sheets do ———

const PIPL_28 = '《中华人民共和国个人信息保护法》第二十八条：敏感个人信息只有在具有特定目的和充分必要性并采取严格保护措施的情形下方可处理';
const PIPL_34 = '《中华人民共和国个人信息保护法》第三十四条：国家机关为履行法定职责处理个人信息，不得超出履行法定职责所必需的范围和限度';
const PIPL_28_MINORS = '《中华人民共和国个人信息保护法》第二十八条、第三十一条：不满十四周岁未成年人的个人信息属于敏感个人信息';
const ID_CARD_LAW = '《中华人民共和国居民身份证法》第三条、第六条：公安机关对因制作、发放、查询、查验居民身份证而知悉的公民个人信息应当予以保密';
const SHARING_REGULATION = '《政务数据共享条例》（国务院令第809号）';
const REAL_ESTATE = '《不动产登记暂行条例》第二十七条、第二十八条：查询不动产登记资料应说明查询目的，不得用于其他目的';
const SOCIAL_INSURANCE_LAW = '《中华人民共和国社会保险法》第八十一条：社会保险行政部门和经办机构应当依法为用人单位和个人的信息保密';
const STATISTICS_LAW = '《中华人民共和国统计法》第二十五条：能够识别或者推断单个统计调查对象身份的资料不得对外提供、泄露';
const HEALTH_LAW = '《中华人民共和国基本医疗卫生与健康促进法》第九十二条：国家保护公民个人健康信息';
const SOCIAL_ASSISTANCE = '《社会救助暂行办法》（国务院令第649号）：履行社会救助职责的工作人员对知悉的公民个人信息应当予以保密';
const MARRIAGE = '《婚姻登记条例》《婚姻登记档案管理办法》：婚姻登记档案的利用限于当事人及依法履行职责的国家机关';
const PROVIDENT_FUND = '《住房公积金管理条例》及个人信息保护有关规定';
const MEDICAL_FUND = '《医疗保障基金使用监督管理条例》（国务院令第735号）及个人信息保护有关规定';
const SURVEYING = '《中华人民共和国测绘法》《测绘成果管理条例》：涉密测绘成果按国家秘密管理';
const ENTERPRISE_DISCLOSURE = '《企业信息公示暂行条例》（国务院令第654号）';

// ——— Helpers ———

type Share =
  | { sharingClass: 'unconditional' }
  | { sharingClass: 'conditional'; sharingCondition: string; legalBasis: string }
  | { sharingClass: 'not_shared'; legalBasis: string };

const SHARED: Share = { sharingClass: 'unconditional' };
const onCondition = (sharingCondition: string, legalBasis: string): Share => ({ sharingClass: 'conditional', sharingCondition, legalBasis });
const notShared = (legalBasis: string): Share => ({ sharingClass: 'not_shared', legalBasis });

/** Open to the public as well as shared unconditionally. */
const OPEN = 'open' as const;

function item(
  name: string, labelZh: string, labelEn: string, dataType: ItemInput['dataType'], sensitivity: ItemInput['sensitivity'],
  share: Share = SHARED, openClass: ItemInput['openClass'] = 'not_open', description?: string,
): ItemInput {
  return { name, labelZh, labelEn, dataType, sensitivity, ...share, openClass, ...(description ? { description } : {}) };
}

/** A public item, open to everyone. */
const pub = (name: string, labelZh: string, labelEn: string, dataType: ItemInput['dataType'] = 'string', description?: string) =>
  item(name, labelZh, labelEn, dataType, 'public', SHARED, OPEN, description);

function contactOf(key: string): ResourceInput['contact'] {
  const department = demoDepartments.find((d) => d.key === key);
  if (!department) throw new Error(`no demo department ${key}`);
  return { ...department.contact };
}

const JSON_TYPES: Record<ItemInput['dataType'], Record<string, string>> = {
  string: { type: 'string' }, code: { type: 'string' }, integer: { type: 'integer' }, number: { type: 'number' },
  boolean: { type: 'boolean' }, date: { type: 'string', format: 'date' }, datetime: { type: 'string', format: 'date-time' },
  object: { type: 'object' }, array: { type: 'array' },
};

/** A small OpenAPI 3 description of the lookup service: one GET, the items as response fields. */
function openApi(nameZh: string, nameEn: string, path: string, items: readonly ItemInput[]): Record<string, unknown> {
  const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const keyItems = inPath.length ? inPath : [items[0]!.name];
  return {
    openapi: '3.0.3',
    info: { title: nameEn, description: nameZh, version: '1.0.0' },
    paths: {
      [path]: {
        get: {
          summary: `查询${nameZh}`,
          description: 'Returns only the data items of the caller\'s sharing agreement; other fields are left out.',
          parameters: keyItems.map((name) => ({
            name, in: inPath.includes(name) ? 'path' : 'query', required: true,
            description: items.find((i) => i.name === name)?.labelZh ?? name, schema: { type: 'string' },
          })),
          responses: {
            200: {
              description: 'OK',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: Object.fromEntries(items.map((i) => [i.name, { ...JSON_TYPES[i.dataType], description: `${i.labelZh} ${i.labelEn}` }])),
                  },
                },
              },
            },
            403: { description: 'no sharing agreement covers this service' },
            404: { description: 'no such record' },
          },
        },
      },
    },
  };
}

interface Draft {
  code: string;
  provider: string;
  nameZh: string;
  nameEn: string;
  summary: string;
  category: ResourceInput['category'];
  subject: string;
  industry?: string;
  updateCycle: ResourceInput['updateCycle'];
  publishedOn: string;
  items: ItemInput[];
  /** Offered as an API service on the provider's gateway: `system/service` and the lookup path. */
  api?: { service: string; path: string };
  /** Otherwise a dataset in the data center. */
  delivery?: 'full' | 'incremental';
}

function resource(d: Draft): DemoResource {
  const { api, delivery, ...rest } = d;
  const base = { ...rest, contact: contactOf(d.provider) };
  return api
    ? { ...base, format: 'api', serviceCode: api.service, openapi: openApi(d.nameZh, d.nameEn, api.path, d.items) }
    : { ...base, format: 'dataset', delivery: delivery ?? 'full' };
}

// ——— Recurring items ———

const idNumberItem = (share: Share) => item('idNumber', '公民身份号码', 'citizen ID number', 'string', 'sensitive_personal', share, 'not_open', 'GB 11643-1999, 18 characters');
const nameItem = (share: Share = SHARED) => item('name', '姓名', 'name', 'string', 'personal', share);
const usccItem = (open = true) => item('uscc', '统一社会信用代码', 'unified social credit code', 'string', 'public', SHARED, open ? OPEN : 'not_open', 'GB 32100-2015');
const ID_FOR_DUTY = onCondition('仅限依法履行职责、办理具体政务服务事项时按身份号码核验或比对，不得批量留存', PIPL_34);

// ——— Base databases ———

const population = resource({
  code: 'PSB-0001', provider: 'psb', category: 'base', subject: '人口', industry: 'S92', updateCycle: 'realtime', publishedOn: '2024-03-18',
  nameZh: '常住人口基本信息', nameEn: 'Basic information on registered permanent residents',
  summary: '大连市公安局户籍管理系统登记的常住人口基本信息，包括姓名、性别、民族、出生日期、公民身份号码、户籍地址和户口迁移、注销情况，是人口基础信息库的权威来源（数源部门）。按公民身份号码实时查询。',
  api: { service: 'population/persons', path: '/persons/{idNumber}' },
  items: [
    idNumberItem(ID_FOR_DUTY),
    nameItem(),
    item('formerName', '曾用名', 'former name', 'string', 'personal'),
    item('sex', '性别', 'sex', 'code', 'personal', SHARED, 'not_open', 'GB/T 2261.1'),
    item('ethnicity', '民族', 'ethnic group', 'code', 'personal', SHARED, 'not_open', 'GB/T 3304'),
    item('birthDate', '出生日期', 'date of birth', 'date', 'personal'),
    item('birthPlace', '出生地', 'place of birth', 'code', 'personal', SHARED, 'not_open', 'GB/T 2260 division code'),
    item('householdDivision', '户籍地行政区划', 'division of household registration', 'code', 'internal', SHARED, 'not_open', 'GB/T 2260'),
    item('householdAddress', '户籍地址', 'household registration address', 'string', 'personal',
      onCondition('用于办理户籍地相关政务服务、入学资格审核、社会救助核对等需核实户籍地址的事项', PIPL_34)),
    item('householdRelation', '与户主关系', 'relation to the head of household', 'code', 'personal'),
    item('maritalStatus', '婚姻状况', 'marital status', 'code', 'personal',
      onCondition('仅在办理婚姻、收养、住房保障等法定需要核实婚姻状况的事项时提供', PIPL_34)),
    item('educationLevel', '文化程度', 'education level', 'code', 'personal'),
    item('cancellationReason', '户口注销原因', 'reason for cancelling the registration (death, emigration…)', 'code', 'personal',
      onCondition('用于停发待遇、注销证照等需确认死亡或迁出的事项', `${PIPL_34}；${SHARING_REGULATION}`)),
    item('cancellationDate', '户口注销日期', 'date the registration was cancelled', 'date', 'personal',
      onCondition('用于停发待遇、注销证照等需确认死亡或迁出的事项', `${PIPL_34}；${SHARING_REGULATION}`)),
    item('photo', '证件照片', 'ID photo', 'string', 'sensitive_personal', notShared(`${PIPL_28}；${ID_CARD_LAW}`)),
    item('fingerprint', '指纹信息', 'fingerprints', 'string', 'sensitive_personal', notShared(`${PIPL_28}；${ID_CARD_LAW}`)),
  ],
});

const idVerification = resource({
  code: 'PSB-0002', provider: 'psb', category: 'base', subject: '人口', industry: 'S92', updateCycle: 'realtime', publishedOn: '2024-03-18',
  nameZh: '居民身份证信息核验', nameEn: 'Resident identity card verification',
  summary: '输入姓名和公民身份号码，返回是否与户籍登记一致及证件是否有效，不返回其他个人信息。用于政务服务实名核验，替代身份证复印件。',
  api: { service: 'population/id-verification', path: '/verifications' },
  items: [
    idNumberItem(ID_FOR_DUTY),
    nameItem(ID_FOR_DUTY),
    item('consistent', '核验结果是否一致', 'whether name and number match', 'boolean', 'internal'),
    item('cardValid', '证件是否有效', 'whether the card is valid', 'boolean', 'internal'),
    item('cardValidUntil', '证件有效期截止日期', 'card valid until', 'date', 'personal'),
  ],
});

const drivingLicences = resource({
  code: 'PSB-0003', provider: 'psb', category: 'theme', subject: '电子证照', industry: 'S92', updateCycle: 'daily', publishedOn: '2024-06-03',
  nameZh: '机动车驾驶证信息', nameEn: 'Motor vehicle driving licences',
  summary: '大连市公安局交通管理支队核发的机动车驾驶证信息，包括准驾车型、有效期、状态和记分情况，用于网约车驾驶员资格审核、交通运输从业资格核验等。',
  api: { service: 'traffic-mgmt/driving-licences', path: '/driving-licences/{idNumber}' },
  items: [
    idNumberItem(ID_FOR_DUTY),
    nameItem(),
    item('licenceClass', '准驾车型', 'licence class', 'code', 'personal'),
    item('firstIssuedOn', '初次领证日期', 'first issued on', 'date', 'personal'),
    item('validUntil', '有效期截止日期', 'valid until', 'date', 'personal'),
    item('status', '驾驶证状态', 'licence status', 'code', 'personal'),
    item('penaltyPoints', '累积记分', 'penalty points in the current cycle', 'integer', 'personal',
      onCondition('用于道路运输从业资格、网约车驾驶员资格审核', `《机动车驾驶证申领和使用规定》（公安部令第162号）；${PIPL_34}`)),
  ],
});

const enterprises = resource({
  code: 'AMR-0001', provider: 'amr', category: 'base', subject: '法人单位', industry: 'S92', updateCycle: 'realtime', publishedOn: '2024-03-20',
  nameZh: '企业登记基本信息', nameEn: 'Enterprise registration basic information',
  summary: '大连市市场主体登记系统中企业、农民专业合作社及其分支机构的登记信息：统一社会信用代码、名称、类型、法定代表人、注册资本、成立日期、住所、经营范围和登记状态。法人单位基础信息库的数源，公示项同时向社会开放。',
  api: { service: 'business-reg/enterprises', path: '/enterprises/{uscc}' },
  items: [
    usccItem(),
    pub('name', '企业名称', 'enterprise name'),
    pub('type', '企业类型', 'enterprise type', 'code'),
    pub('legalRepresentative', '法定代表人', 'legal representative'),
    item('legalRepresentativeIdNumber', '法定代表人身份证件号码', 'ID number of the legal representative', 'string', 'sensitive_personal',
      onCondition('用于法定代表人身份核验、失信联合惩戒等依法履职事项', PIPL_34)),
    pub('registeredCapital', '注册资本（万元）', 'registered capital (10,000 yuan)', 'number'),
    pub('establishedOn', '成立日期', 'date of establishment', 'date'),
    pub('address', '住所', 'registered address'),
    pub('businessScope', '经营范围', 'business scope'),
    pub('registrationAuthority', '登记机关', 'registration authority'),
    pub('status', '登记状态', 'registration status (存续, 吊销, 注销…)', 'code'),
    item('contactPhone', '联系电话', 'contact phone', 'string', 'internal',
      onCondition('用于监管执法、政务服务联系', ENTERPRISE_DISCLOSURE)),
  ],
});

const annualReports = resource({
  code: 'AMR-0002', provider: 'amr', category: 'theme', subject: '信用体系', industry: 'S92', updateCycle: 'yearly', publishedOn: '2024-07-01',
  nameZh: '企业年度报告公示信息', nameEn: 'Enterprise annual report disclosures',
  summary: '企业按《企业信息公示暂行条例》报送并公示的年度报告：从业人数、资产状况、对外投资、网站网店等，按年度增量交付。',
  delivery: 'incremental',
  items: [
    usccItem(), pub('name', '企业名称', 'enterprise name'), pub('reportYear', '报告年度', 'report year', 'integer'),
    pub('employees', '从业人数', 'number of employees', 'integer'), pub('website', '网站或网店', 'website or online shop'),
    item('totalAssets', '资产总额', 'total assets', 'number', 'internal',
      onCondition('企业选择不公示时，仅向税务、统计、金融监管等依法履职部门提供', ENTERPRISE_DISCLOSURE)),
    item('revenue', '营业总收入', 'total revenue', 'number', 'internal',
      onCondition('企业选择不公示时，仅向税务、统计、金融监管等依法履职部门提供', ENTERPRISE_DISCLOSURE)),
  ],
});

const foodLicences = resource({
  code: 'AMR-0003', provider: 'amr', category: 'theme', subject: '食品药品安全', industry: 'S92', updateCycle: 'daily', publishedOn: '2024-05-10',
  nameZh: '食品经营许可证信息', nameEn: 'Food business licences',
  summary: '大连市食品经营许可证的核发、变更、延续和注销信息，含经营者名称、许可证编号、经营项目和有效期，向社会公开。',
  delivery: 'incremental',
  items: [
    pub('licenceNumber', '许可证编号', 'licence number'), usccItem(), pub('operatorName', '经营者名称', 'operator name'),
    pub('premises', '经营场所', 'business premises'), pub('activities', '经营项目', 'licensed activities'),
    pub('validUntil', '有效期至', 'valid until', 'date'), pub('status', '许可状态', 'licence status', 'code'),
  ],
});

const penalties = resource({
  code: 'AMR-0004', provider: 'amr', category: 'theme', subject: '信用体系', industry: 'S92', updateCycle: 'daily', publishedOn: '2024-05-10',
  nameZh: '市场监管行政处罚信息', nameEn: 'Market regulation administrative penalties',
  summary: '市场监督管理部门作出的行政处罚决定：当事人、违法行为类型、处罚依据、处罚内容和决定日期，按信用信息“双公示”要求公开。',
  delivery: 'incremental',
  items: [
    pub('decisionNumber', '行政处罚决定书文号', 'penalty decision number'), usccItem(), pub('party', '当事人名称', 'party name'),
    pub('violation', '违法行为类型', 'type of violation'), pub('basis', '处罚依据', 'legal basis of the penalty'),
    pub('penalty', '处罚内容', 'penalty imposed'), pub('decidedOn', '处罚决定日期', 'decided on', 'date'),
    item('partyIdNumber', '当事人身份证件号码（个体）', 'ID number of an individual party', 'string', 'sensitive_personal', notShared(PIPL_28)),
  ],
});

const realEstate = resource({
  code: 'NR-0001', provider: 'nr', category: 'base', subject: '自然资源和空间地理', industry: 'S92', updateCycle: 'realtime', publishedOn: '2024-04-08',
  nameZh: '不动产登记信息', nameEn: 'Real estate registration',
  summary: '不动产登记信息管理平台中的不动产权利登记：不动产单元号、权利人、坐落、面积、用途、权利类型以及抵押、查封状态。用于住房保障、公积金贷款、社会救助家庭经济状况核对等。',
  api: { service: 'real-estate-reg/registrations', path: '/registrations' },
  items: [
    item('unitCode', '不动产单元号', 'real estate unit code', 'string', 'internal', SHARED, 'not_open', '28 characters, GB/T 37346'),
    item('certificateNumber', '不动产权证书号', 'certificate number', 'string', 'internal'),
    item('location', '坐落', 'location', 'string', 'internal'),
    item('area', '面积（平方米）', 'area (m²)', 'number', 'internal'),
    item('usage', '用途', 'usage', 'code', 'internal'),
    item('rightType', '权利类型', 'type of right', 'code', 'internal'),
    item('rightHolder', '权利人', 'right holder', 'string', 'personal', onCondition('按权利人身份号码查询本人或家庭名下不动产，须说明查询目的', REAL_ESTATE)),
    item('rightHolderIdNumber', '权利人证件号码', 'right holder\'s ID number', 'string', 'sensitive_personal', onCondition('仅用于按证件号码比对，不批量提供', REAL_ESTATE)),
    item('mortgaged', '是否抵押', 'under mortgage', 'boolean', 'internal', onCondition('用于公积金贷款、司法和金融监管依法履职', REAL_ESTATE)),
    item('seized', '是否查封', 'seized by a court', 'boolean', 'internal', onCondition('用于司法协助、不动产交易监管', REAL_ESTATE)),
    item('registeredOn', '登记日期', 'registered on', 'date', 'internal'),
  ],
});

const geography = resource({
  code: 'NR-0002', provider: 'nr', category: 'base', subject: '自然资源和空间地理', industry: 'M74', updateCycle: 'yearly', publishedOn: '2024-01-15',
  nameZh: '基础地理信息数据', nameEn: 'Basic geographic information',
  summary: '大连市1:2000基础地理信息要素：行政区划界线、道路、水系、居民地、地名和标准地址，CGCS2000坐标系。公开版底图向社会开放，涉密测绘成果不予共享。',
  delivery: 'full',
  items: [
    pub('featureCode', '要素编码', 'feature code', 'code'), pub('featureName', '要素名称', 'feature name'),
    pub('featureClass', '要素分类', 'feature class', 'code'), pub('divisionCode', '行政区划代码', 'division code', 'code'),
    item('publicGeometry', '公开版几何图形', 'geometry (public map edition)', 'object', 'public', SHARED, OPEN),
    item('standardAddress', '标准地址', 'standard address', 'string', 'public', SHARED, OPEN),
    item('preciseGeometry', '高精度几何图形', 'high-precision geometry', 'object', 'internal', notShared(SURVEYING)),
  ],
});

const macroEconomy = resource({
  code: 'STATS-0001', provider: 'stats', category: 'base', subject: '宏观经济', industry: 'S92', updateCycle: 'monthly', publishedOn: '2024-02-28',
  nameZh: '宏观经济主要指标', nameEn: 'Main macro-economic indicators',
  summary: '大连市及各区市县地区生产总值、规模以上工业增加值、固定资产投资、社会消费品零售总额、居民消费价格指数等主要统计指标，按月、季、年发布，向社会开放。',
  delivery: 'incremental',
  items: [
    pub('indicatorCode', '指标代码', 'indicator code', 'code'), pub('indicatorName', '指标名称', 'indicator name'),
    pub('period', '统计期', 'period', 'string', 'e.g. 2025-12, 2025Q4, 2025'), pub('divisionCode', '行政区划代码', 'division code', 'code'),
    pub('value', '指标值', 'value', 'number'), pub('unit', '计量单位', 'unit'), pub('yoyGrowth', '同比增长（%）', 'year-on-year growth (%)', 'number'),
  ],
});

const businessRegister = resource({
  code: 'STATS-0002', provider: 'stats', category: 'theme', subject: '宏观经济', industry: 'S92', updateCycle: 'quarterly', publishedOn: '2024-04-30',
  nameZh: '基本单位名录库', nameEn: 'Statistical business register',
  summary: '统计部门维护的法人单位和产业活动单位名录：统一社会信用代码、名称、国民经济行业分类和规模，用于部门间名录比对。单位填报的统计调查资料不予共享。',
  delivery: 'incremental',
  items: [
    usccItem(false), item('name', '单位名称', 'unit name', 'string', 'public'),
    item('industryCode', '行业代码', 'industry code (GB/T 4754-2017)', 'code', 'public'),
    item('sizeClass', '规模类别', 'size class', 'code', 'internal'),
    item('surveyData', '统计调查资料', 'survey returns', 'object', 'internal', notShared(STATISTICS_LAW)),
  ],
});

// ——— Thematic resources ———

const socialInsurance = resource({
  code: 'HRSS-0001', provider: 'hrss', category: 'theme', subject: '社会保障', industry: 'S94', updateCycle: 'realtime', publishedOn: '2024-03-25',
  nameZh: '社会保险参保信息', nameEn: 'Social insurance participation',
  summary: '企业职工和城乡居民基本养老保险、工伤保险、失业保险的参保登记和缴费状态，按公民身份号码查询。用于人才引进、落户、购房资格、社会救助等事项中的社会保险参保核验。',
  api: { service: 'social-insurance/participation', path: '/participation/{idNumber}' },
  items: [
    idNumberItem(ID_FOR_DUTY), nameItem(),
    item('insuranceType', '险种', 'type of insurance', 'code', 'personal'),
    item('status', '参保状态', 'participation status', 'code', 'personal'),
    item('employerUscc', '参保单位统一社会信用代码', 'employer USCC', 'string', 'internal'),
    item('employerName', '参保单位名称', 'employer name', 'string', 'internal'),
    item('firstParticipatedOn', '首次参保日期', 'first participated on', 'date', 'personal'),
    item('monthsPaid', '累计缴费月数', 'months of contributions', 'integer', 'personal', onCondition('用于落户、购房、人才政策等以缴费年限为条件的资格审核', SOCIAL_INSURANCE_LAW)),
    item('contributionBase', '缴费基数', 'contribution base', 'number', 'personal', onCondition('仅用于社会救助家庭经济状况核对、住房公积金缴存基数核定', SOCIAL_INSURANCE_LAW)),
  ],
});

const employment = resource({
  code: 'HRSS-0002', provider: 'hrss', category: 'theme', subject: '社会保障', industry: 'S94', updateCycle: 'daily', publishedOn: '2024-05-06',
  nameZh: '就业失业登记信息', nameEn: 'Employment and unemployment registration',
  summary: '劳动者就业登记、失业登记和《就业创业证》信息，用于失业保险金申领、就业困难人员认定和创业扶持政策核验。',
  delivery: 'incremental',
  items: [
    idNumberItem(ID_FOR_DUTY), nameItem(),
    item('registrationType', '登记类型', 'registration type (employment, unemployment)', 'code', 'personal'),
    item('registeredOn', '登记日期', 'registered on', 'date', 'personal'),
    item('employerName', '就业单位', 'employer', 'string', 'internal'),
    item('hardship', '就业困难人员类别', 'employment hardship category', 'code', 'personal', onCondition('用于就业援助和社会救助事项', SOCIAL_INSURANCE_LAW)),
  ],
});

const skillCertificates = resource({
  code: 'HRSS-0003', provider: 'hrss', category: 'base', subject: '电子证照', industry: 'S94', updateCycle: 'daily', publishedOn: '2024-08-12',
  nameZh: '职业技能等级证书', nameEn: 'Vocational skill level certificates',
  summary: '经备案的职业技能等级认定机构颁发的职业技能等级证书电子证照，含证书编号、职业（工种）、等级和发证日期，可用于人才补贴申领时免交纸质证书。',
  api: { service: 'employment/skill-certificates', path: '/certificates/{certificateNumber}' },
  items: [
    item('certificateNumber', '证书编号', 'certificate number', 'string', 'internal'),
    nameItem(), idNumberItem(ID_FOR_DUTY),
    item('occupation', '职业（工种）', 'occupation', 'string', 'personal'),
    item('level', '等级', 'skill level', 'code', 'personal'),
    item('issuedOn', '发证日期', 'issued on', 'date', 'personal'),
    item('issuer', '评价机构', 'certifying organisation', 'string', 'public'),
  ],
});

const marriage = resource({
  code: 'CIVIL-0001', provider: 'civil', category: 'theme', subject: '社会保障', industry: 'S92', updateCycle: 'realtime', publishedOn: '2024-04-15',
  nameZh: '婚姻登记信息', nameEn: 'Marriage registration',
  summary: '结婚登记、离婚登记和补领婚姻登记证信息，按当事人公民身份号码查询婚姻登记记录，用于购房资格审核、户籍办理、社会救助等事项，免交婚姻状况证明。',
  api: { service: 'marriage/registrations', path: '/registrations/{idNumber}' },
  items: [
    idNumberItem(onCondition('按当事人身份号码查询本人婚姻登记记录', MARRIAGE)),
    item('registrationType', '登记类型', 'type (marriage, divorce, reissue)', 'code', 'personal', onCondition('用于法定需要核实婚姻状况的事项', MARRIAGE)),
    item('registeredOn', '登记日期', 'registered on', 'date', 'personal', onCondition('用于法定需要核实婚姻状况的事项', MARRIAGE)),
    item('certificateNumber', '婚姻登记证字号', 'certificate number', 'string', 'personal', onCondition('用于法定需要核实婚姻状况的事项', MARRIAGE)),
    item('partyName', '当事人姓名', 'names of the parties', 'array', 'personal', onCondition('用于法定需要核实婚姻状况的事项', MARRIAGE)),
    item('partnerIdNumber', '对方公民身份号码', 'the other party\'s citizen ID number', 'string', 'sensitive_personal', onCondition('仅用于家庭成员关系认定', `${MARRIAGE}；${PIPL_34}`)),
    item('registrationAuthority', '登记机关', 'registration authority', 'string', 'public'),
    item('photo', '登记照片', 'registration photo', 'string', 'sensitive_personal', notShared(PIPL_28)),
  ],
});

const subsistence = resource({
  code: 'CIVIL-0002', provider: 'civil', category: 'theme', subject: '社会保障', industry: 'S94', updateCycle: 'monthly', publishedOn: '2024-04-15',
  nameZh: '最低生活保障对象信息', nameEn: 'Subsistence allowance (dibao) recipients',
  summary: '城乡最低生活保障和特困人员救助供养对象名单，按月更新，用于医疗救助、教育资助、住房保障、水电气费减免等救助政策的联动认定。',
  delivery: 'incremental',
  items: [
    idNumberItem(onCondition('用于救助对象身份联动认定', SOCIAL_ASSISTANCE)), nameItem(onCondition('用于救助对象身份联动认定', SOCIAL_ASSISTANCE)),
    item('assistanceType', '救助类型', 'type of assistance (dibao, extreme poverty)', 'code', 'personal', onCondition('用于救助对象身份联动认定', SOCIAL_ASSISTANCE)),
    item('householdSize', '保障人口数', 'persons covered', 'integer', 'personal', onCondition('用于救助对象身份联动认定', SOCIAL_ASSISTANCE)),
    item('monthlyAmount', '月保障金额（元）', 'monthly amount (yuan)', 'number', 'personal', onCondition('仅用于财政、审计依法监督', SOCIAL_ASSISTANCE)),
    item('divisionCode', '所在区市县', 'district', 'code', 'internal'),
    item('validFrom', '享受起始年月', 'receiving since', 'date', 'personal', onCondition('用于救助对象身份联动认定', SOCIAL_ASSISTANCE)),
    item('healthCondition', '家庭成员健康状况', 'health of household members', 'string', 'sensitive_personal', notShared(`${PIPL_28}；${SOCIAL_ASSISTANCE}`)),
  ],
});

const socialOrganisations = resource({
  code: 'CIVIL-0003', provider: 'civil', category: 'base', subject: '法人单位', industry: 'S95', updateCycle: 'daily', publishedOn: '2024-04-15',
  nameZh: '社会组织登记信息', nameEn: 'Social organisation registration',
  summary: '社会团体、民办非企业单位（社会服务机构）和基金会的登记信息，法人单位基础信息库的组成部分，向社会公开。',
  delivery: 'incremental',
  items: [
    usccItem(), pub('name', '社会组织名称', 'name of the organisation'), pub('type', '组织类型', 'type', 'code'),
    pub('legalRepresentative', '法定代表人', 'legal representative'), pub('supervisor', '业务主管单位', 'supervising body'),
    pub('address', '住所', 'address'), pub('establishedOn', '成立登记日期', 'registered on', 'date'), pub('status', '登记状态', 'status', 'code'),
  ],
});

const elderlyCare = resource({
  code: 'CIVIL-0004', provider: 'civil', category: 'theme', subject: '公共服务', industry: 'Q85', updateCycle: 'monthly', publishedOn: '2024-09-02',
  nameZh: '养老服务机构名录', nameEn: 'Elderly care institutions',
  summary: '大连市已备案的养老机构和社区居家养老服务中心：名称、地址、床位数、收住对象和联系电话，向社会开放。',
  delivery: 'full',
  items: [
    pub('name', '机构名称', 'name'), usccItem(), pub('address', '地址', 'address'), pub('beds', '床位数', 'number of beds', 'integer'),
    pub('residents', '收住对象', 'residents accepted'), pub('phone', '联系电话', 'phone'), pub('district', '所在区市县', 'district', 'code'),
  ],
});

const birthCertificates = resource({
  code: 'HEALTH-0001', provider: 'health', category: 'base', subject: '电子证照', industry: 'Q84', updateCycle: 'realtime', publishedOn: '2024-03-28',
  nameZh: '出生医学证明信息', nameEn: 'Birth medical certificates',
  summary: '助产机构签发的《出生医学证明》电子证照：新生儿姓名、性别、出生时间、出生地点和父母身份信息。用于“出生一件事”联办：新生儿落户、医保参保和社会保障卡申领。',
  api: { service: 'birth-registration/certificates', path: '/certificates/{certificateNumber}' },
  items: [
    item('certificateNumber', '出生医学证明编号', 'certificate number', 'string', 'internal'),
    item('newbornName', '新生儿姓名', 'name of the newborn', 'string', 'sensitive_personal', onCondition('用于新生儿落户、参保等“出生一件事”联办', PIPL_28_MINORS)),
    item('sex', '性别', 'sex', 'code', 'sensitive_personal', onCondition('用于新生儿落户、参保等“出生一件事”联办', PIPL_28_MINORS)),
    item('bornAt', '出生时间', 'time of birth', 'datetime', 'sensitive_personal', onCondition('用于新生儿落户、参保等“出生一件事”联办', PIPL_28_MINORS)),
    item('birthplace', '出生地点', 'place of birth', 'string', 'personal'),
    item('motherName', '母亲姓名', 'mother\'s name', 'string', 'personal'),
    item('motherIdNumber', '母亲身份证件号码', 'mother\'s ID number', 'string', 'sensitive_personal', ID_FOR_DUTY),
    item('fatherName', '父亲姓名', 'father\'s name', 'string', 'personal'),
    item('fatherIdNumber', '父亲身份证件号码', 'father\'s ID number', 'string', 'sensitive_personal', ID_FOR_DUTY),
    item('issuer', '签发机构', 'issuing institution', 'string', 'public'),
    item('birthWeight', '出生体重（克）', 'birth weight (g)', 'integer', 'sensitive_personal', notShared(`${PIPL_28}；${HEALTH_LAW}`)),
  ],
});

const medicalInstitutions = resource({
  code: 'HEALTH-0002', provider: 'health', category: 'theme', subject: '健康保障', industry: 'Q84', updateCycle: 'monthly', publishedOn: '2024-06-20',
  nameZh: '医疗机构执业登记信息', nameEn: 'Licensed medical institutions',
  summary: '大连市医疗机构执业许可信息：机构名称、类别、级别、诊疗科目、地址和有效期，向社会开放。',
  delivery: 'full',
  items: [
    pub('name', '机构名称', 'name'), usccItem(), pub('category', '机构类别', 'category', 'code'), pub('grade', '医院等级', 'grade', 'code'),
    pub('departments', '诊疗科目', 'licensed clinical departments', 'array'), pub('address', '地址', 'address'), pub('validUntil', '执业许可有效期至', 'licence valid until', 'date'),
  ],
});

const deathCertificates = resource({
  code: 'HEALTH-0003', provider: 'health', category: 'theme', subject: '健康保障', industry: 'Q84', updateCycle: 'daily', publishedOn: '2024-07-15',
  nameZh: '死亡医学证明信息', nameEn: 'Medical certificates of death',
  summary: '医疗卫生机构出具的《居民死亡医学证明（推断）书》信息，用于户口注销、养老金停发、殡葬服务和医保停保等“身后一件事”联办；死亡原因不予共享。',
  delivery: 'incremental',
  items: [
    idNumberItem(onCondition('用于户口注销、停发待遇等“身后一件事”联办', PIPL_34)), nameItem(),
    item('diedAt', '死亡日期', 'date of death', 'date', 'personal', onCondition('用于户口注销、停发待遇等“身后一件事”联办', PIPL_34)),
    item('placeOfDeath', '死亡地点', 'place of death', 'string', 'personal', onCondition('用于户口注销、殡葬服务', PIPL_34)),
    item('issuer', '出具机构', 'issuing institution', 'string', 'public'),
    item('causeOfDeath', '死亡原因', 'cause of death', 'string', 'sensitive_personal', notShared(`${PIPL_28}；${HEALTH_LAW}`)),
  ],
});

const schools = resource({
  code: 'EDU-0001', provider: 'edu', category: 'theme', subject: '公共服务', industry: 'P83', updateCycle: 'yearly', publishedOn: '2024-08-20',
  nameZh: '中小学校基本信息', nameEn: 'Primary and secondary schools',
  summary: '大连市公办和民办中小学、九年一贯制学校的名称、学段、办学性质、地址、招生范围（学区）和联系电话，向社会开放，供入学报名和地图服务使用。',
  delivery: 'full',
  items: [
    pub('schoolCode', '学校标识码', 'school code'), pub('name', '学校名称', 'school name'), pub('stage', '学段', 'stage (primary, junior, senior)', 'code'),
    pub('ownership', '办学性质', 'public or private', 'code'), pub('address', '地址', 'address'), pub('catchmentArea', '招生范围', 'catchment area'),
    pub('phone', '联系电话', 'phone'), pub('district', '所在区市县', 'district', 'code'),
  ],
});

const students = resource({
  code: 'EDU-0002', provider: 'edu', category: 'theme', subject: '公共服务', industry: 'P83', updateCycle: 'monthly', publishedOn: '2024-08-20',
  nameZh: '义务教育学生学籍信息', nameEn: 'Compulsory education student enrolment status',
  summary: '全市义务教育阶段学生的学籍：在读学校、年级、入学日期和学籍状态。学生多为未成年人，个人信息按敏感个人信息有条件共享，用于教育资助、随迁子女积分入学和医保参保等。',
  delivery: 'incremental',
  items: [
    item('studentNumber', '全国学籍号', 'national student number', 'string', 'sensitive_personal', onCondition('用于教育资助、医保参保等依法履职事项，按学籍号或身份号码比对', PIPL_28_MINORS)),
    item('idNumber', '公民身份号码', 'citizen ID number', 'string', 'sensitive_personal', onCondition('用于教育资助、医保参保等依法履职事项，按身份号码比对', PIPL_28_MINORS)),
    item('name', '学生姓名', 'student name', 'string', 'sensitive_personal', onCondition('用于教育资助、医保参保等依法履职事项', PIPL_28_MINORS)),
    item('school', '在读学校', 'school', 'string', 'sensitive_personal', onCondition('用于教育资助、医保参保等依法履职事项', PIPL_28_MINORS)),
    item('grade', '年级', 'grade', 'code', 'sensitive_personal', onCondition('用于教育资助、医保参保等依法履职事项', PIPL_28_MINORS)),
    item('enrolledOn', '入学日期', 'enrolled on', 'date', 'sensitive_personal', onCondition('用于教育资助等依法履职事项', PIPL_28_MINORS)),
    item('status', '学籍状态', 'enrolment status', 'code', 'internal', onCondition('用于教育资助等依法履职事项', PIPL_28_MINORS)),
    item('guardianPhone', '监护人联系电话', 'guardian\'s phone', 'string', 'personal', notShared(PIPL_28_MINORS)),
  ],
});

const providentFund = resource({
  code: 'HPF-0001', provider: 'hpf', category: 'theme', subject: '社会保障', industry: 'S94', updateCycle: 'realtime', publishedOn: '2024-05-22',
  nameZh: '住房公积金缴存信息', nameEn: 'Housing provident fund contributions',
  summary: '职工住房公积金个人账户的缴存单位、缴存状态、月缴存额和连续缴存月数，用于人才政策、购房资格和落户审核中的缴存核验。',
  api: { service: 'provident-fund/accounts', path: '/accounts/{idNumber}' },
  items: [
    idNumberItem(ID_FOR_DUTY), nameItem(),
    item('employerName', '缴存单位', 'employer', 'string', 'internal'),
    item('status', '账户状态', 'account status', 'code', 'personal'),
    item('monthsPaid', '连续缴存月数', 'consecutive months paid', 'integer', 'personal', onCondition('用于以缴存年限为条件的资格审核', PROVIDENT_FUND)),
    item('monthlyAmount', '月缴存额', 'monthly contribution', 'number', 'personal', onCondition('仅用于社会救助家庭经济状况核对', PROVIDENT_FUND)),
    item('balance', '账户余额', 'balance', 'number', 'personal', notShared(`${PIPL_28}（金融账户信息）；${PROVIDENT_FUND}`)),
  ],
});

const fundLoans = resource({
  code: 'HPF-0002', provider: 'hpf', category: 'theme', subject: '城乡建设', industry: 'S94', updateCycle: 'daily', publishedOn: '2024-05-22',
  nameZh: '住房公积金贷款信息', nameEn: 'Housing provident fund loans',
  summary: '住房公积金个人住房贷款的发放、还款和结清信息，用于不动产抵押登记联办和购房贷款次数认定。',
  delivery: 'incremental',
  items: [
    idNumberItem(ID_FOR_DUTY),
    item('loanNumber', '贷款合同编号', 'loan contract number', 'string', 'internal'),
    item('loanCount', '贷款次数', 'number of loans', 'integer', 'personal', onCondition('用于购房贷款次数认定', PROVIDENT_FUND)),
    item('status', '贷款状态', 'loan status', 'code', 'personal', onCondition('用于不动产抵押登记和注销联办', PROVIDENT_FUND)),
    item('propertyUnitCode', '抵押不动产单元号', 'mortgaged real estate unit', 'string', 'internal', onCondition('用于不动产抵押登记和注销联办', PROVIDENT_FUND)),
    item('outstanding', '贷款余额', 'outstanding amount', 'number', 'personal', notShared(`${PIPL_28}（金融账户信息）；${PROVIDENT_FUND}`)),
  ],
});

const medicalInsurance = resource({
  code: 'MEDINS-0001', provider: 'medins', category: 'theme', subject: '健康保障', industry: 'S94', updateCycle: 'realtime', publishedOn: '2024-04-25',
  nameZh: '基本医疗保险参保信息', nameEn: 'Basic medical insurance participation',
  summary: '职工基本医疗保险和城乡居民基本医疗保险的参保登记、参保状态和待遇享受状态，用于医疗救助、新生儿参保和异地就医备案。',
  api: { service: 'medical-insurance/participation', path: '/participation/{idNumber}' },
  items: [
    idNumberItem(ID_FOR_DUTY), nameItem(),
    item('scheme', '险种类型', 'scheme (employee, resident)', 'code', 'personal'),
    item('status', '参保状态', 'participation status', 'code', 'personal'),
    item('insuredSince', '参保日期', 'insured since', 'date', 'personal'),
    item('settlements', '就医结算记录', 'medical settlement records', 'array', 'sensitive_personal', notShared(`${PIPL_28}；${MEDICAL_FUND}`)),
  ],
});

const designatedProviders = resource({
  code: 'MEDINS-0002', provider: 'medins', category: 'theme', subject: '健康保障', industry: 'S94', updateCycle: 'monthly', publishedOn: '2024-06-28',
  nameZh: '医保定点医药机构名录', nameEn: 'Designated medical institutions and pharmacies',
  summary: '纳入大连市基本医疗保险定点管理的医疗机构和零售药店：名称、类别、地址和协议期限，向社会开放。',
  delivery: 'full',
  items: [
    pub('code', '定点机构编码', 'designated provider code'), pub('name', '机构名称', 'name'), pub('kind', '机构类别', 'hospital or pharmacy', 'code'),
    pub('address', '地址', 'address'), pub('agreementUntil', '协议期限至', 'agreement until', 'date'),
  ],
});

const roadTransport = resource({
  code: 'TRANSPORT-0001', provider: 'transport', category: 'base', subject: '电子证照', industry: 'G54', updateCycle: 'daily', publishedOn: '2024-07-08',
  nameZh: '道路运输经营许可证信息', nameEn: 'Road transport operating licences',
  summary: '道路旅客运输、货物运输和机动车维修经营许可证：经营者、许可证号、经营范围和有效期，公示项向社会开放。',
  delivery: 'incremental',
  items: [
    pub('licenceNumber', '道路运输经营许可证号', 'licence number'), usccItem(), pub('operatorName', '经营者名称', 'operator name'),
    pub('scope', '经营范围', 'scope'), pub('validUntil', '有效期至', 'valid until', 'date'),
    item('responsiblePerson', '负责人', 'responsible person', 'string', 'personal'),
    item('responsiblePersonIdNumber', '负责人身份证件号码', 'ID number of the responsible person', 'string', 'sensitive_personal', ID_FOR_DUTY),
  ],
});

const taxis = resource({
  code: 'TRANSPORT-0002', provider: 'transport', category: 'theme', subject: '公共服务', industry: 'G54', updateCycle: 'daily', publishedOn: '2024-07-08',
  nameZh: '网络预约出租汽车运输证信息', nameEn: 'Ride-hailing vehicle transport permits',
  summary: '网约车车辆运输证和驾驶员证的核发、注销信息，用于平台合规核查和公安、市场监管联合执法。',
  api: { service: 'taxi-monitoring/ride-hailing-permits', path: '/permits/{plateNumber}' },
  items: [
    item('plateNumber', '车牌号码', 'plate number', 'string', 'internal'), item('permitNumber', '运输证号', 'permit number', 'string', 'internal'),
    item('platform', '所属平台公司', 'platform company', 'string', 'public'), item('validUntil', '有效期至', 'valid until', 'date', 'internal'),
    item('driverName', '驾驶员姓名', 'driver name', 'string', 'personal', onCondition('用于联合执法和平台合规核查', PIPL_34)),
    item('driverIdNumber', '驾驶员身份证件号码', 'driver ID number', 'string', 'sensitive_personal', onCondition('用于联合执法，按号码比对', PIPL_34)),
  ],
});

const airQuality = resource({
  code: 'ECO-0001', provider: 'eco', category: 'theme', subject: '生态环保', industry: 'N77', updateCycle: 'realtime', publishedOn: '2024-02-05',
  nameZh: '环境空气质量监测数据', nameEn: 'Ambient air quality monitoring data',
  summary: '全市国控、省控环境空气质量自动监测站的小时数据：PM2.5、PM10、二氧化硫、二氧化氮、臭氧、一氧化碳和空气质量指数（AQI），依《中华人民共和国环境保护法》第五十四条向社会公开。',
  delivery: 'incremental',
  items: [
    pub('station', '监测站点', 'monitoring station'), pub('measuredAt', '监测时间', 'measured at', 'datetime'),
    pub('pm25', 'PM2.5浓度（μg/m³）', 'PM2.5 (μg/m³)', 'number'), pub('pm10', 'PM10浓度（μg/m³）', 'PM10 (μg/m³)', 'number'),
    pub('so2', '二氧化硫浓度', 'sulphur dioxide', 'number'), pub('no2', '二氧化氮浓度', 'nitrogen dioxide', 'number'),
    pub('o3', '臭氧浓度', 'ozone', 'number'), pub('co', '一氧化碳浓度', 'carbon monoxide', 'number'), pub('aqi', '空气质量指数', 'air quality index (AQI)', 'integer'),
  ],
});

const dischargePermits = resource({
  code: 'ECO-0002', provider: 'eco', category: 'theme', subject: '生态环保', industry: 'N77', updateCycle: 'weekly', publishedOn: '2024-03-12',
  nameZh: '排污许可证信息', nameEn: 'Pollutant discharge permits',
  summary: '排污单位的排污许可证核发和登记信息：单位名称、行业类别、主要污染物和许可排放量，按《排污许可管理条例》公开。',
  delivery: 'incremental',
  items: [
    pub('permitNumber', '许可证编号', 'permit number'), usccItem(), pub('unitName', '单位名称', 'unit name'), pub('industryCategory', '行业类别', 'industry category'),
    pub('pollutants', '主要污染物类别', 'main pollutants', 'array'), pub('allowedEmissions', '许可排放量（吨/年）', 'permitted emissions (t/a)', 'object'),
    pub('validUntil', '有效期至', 'valid until', 'date'),
  ],
});

const housingContracts = resource({
  code: 'HOUSING-0001', provider: 'housing', category: 'theme', subject: '城乡建设', industry: 'K70', updateCycle: 'realtime', publishedOn: '2024-06-11',
  nameZh: '商品房买卖合同网签备案信息', nameEn: 'New housing sales contract filings',
  summary: '商品房预售和现售合同网签备案：项目、房屋坐落、面积、成交价格和买受人，用于不动产登记、公积金贷款和契税征收联办。',
  api: { service: 'housing-transaction/contracts', path: '/contracts/{contractNumber}' },
  items: [
    item('contractNumber', '合同备案号', 'contract filing number', 'string', 'internal'), item('project', '项目名称', 'project', 'string', 'public'),
    item('location', '房屋坐落', 'location', 'string', 'internal'), item('area', '建筑面积（平方米）', 'floor area (m²)', 'number', 'internal'),
    item('price', '成交总价（元）', 'price (yuan)', 'number', 'internal', onCondition('用于税收征管、公积金贷款审核', PIPL_34)),
    item('buyerName', '买受人姓名', 'buyer name', 'string', 'personal', onCondition('用于不动产登记、公积金贷款联办', PIPL_34)),
    item('buyerIdNumber', '买受人证件号码', 'buyer ID number', 'string', 'sensitive_personal', onCondition('用于不动产登记、公积金贷款联办，按号码比对', PIPL_34)),
    item('filedOn', '备案日期', 'filed on', 'date', 'internal'),
  ],
});

const builderQualifications = resource({
  code: 'HOUSING-0002', provider: 'housing', category: 'base', subject: '电子证照', industry: 'K70', updateCycle: 'weekly', publishedOn: '2024-06-11',
  nameZh: '建筑业企业资质证书信息', nameEn: 'Construction enterprise qualification certificates',
  summary: '建筑业企业资质证书：企业名称、资质类别和等级、证书编号和有效期，向社会开放，用于招投标资格审查。',
  delivery: 'incremental',
  items: [
    pub('certificateNumber', '资质证书编号', 'certificate number'), usccItem(), pub('enterpriseName', '企业名称', 'enterprise name'),
    pub('qualification', '资质类别及等级', 'qualification and grade'), pub('validUntil', '有效期至', 'valid until', 'date'),
  ],
});

const hydrology = resource({
  code: 'WATER-0001', provider: 'water', category: 'theme', subject: '应急维稳', industry: 'N76', updateCycle: 'realtime', publishedOn: '2024-05-30',
  nameZh: '水库水位和雨量监测信息', nameEn: 'Reservoir level and rainfall monitoring',
  summary: '碧流河、英那河等大中型水库的实时水位、蓄水量和雨量站降雨量，汛期每小时更新，向社会开放，供防汛和出行参考。',
  delivery: 'incremental',
  items: [
    pub('station', '测站名称', 'station'), pub('measuredAt', '观测时间', 'observed at', 'datetime'), pub('waterLevel', '水位（米）', 'water level (m)', 'number'),
    pub('storage', '蓄水量（万立方米）', 'storage (10,000 m³)', 'number'), pub('rainfall', '时段降雨量（毫米）', 'rainfall (mm)', 'number'),
    item('floodLimitLevel', '汛限水位', 'flood limit level', 'number', 'internal'),
  ],
});

const creditPublicity = resource({
  code: 'NDRC-0001', provider: 'ndrc', category: 'base', subject: '社会信用', industry: 'S92', updateCycle: 'daily', publishedOn: '2024-03-01',
  nameZh: '行政许可和行政处罚信用信息（双公示）', nameEn: 'Administrative licensing and penalty credit information (double publicity)',
  summary: '全市各部门报送公共信用信息平台的行政许可和行政处罚决定，按“双公示”要求在信用大连公开，是社会信用基础信息资源。',
  delivery: 'incremental',
  items: [
    pub('recordType', '信息类别', 'licence or penalty', 'code'), pub('decisionNumber', '决定文书号', 'decision number'), usccItem(),
    pub('party', '行政相对人名称', 'party'), pub('content', '许可或处罚内容', 'content'), pub('authority', '决定机关', 'deciding authority'),
    pub('decidedOn', '决定日期', 'decided on', 'date'),
    item('partyIdNumber', '自然人身份证件号码', 'ID number of a natural person', 'string', 'sensitive_personal', notShared(PIPL_28)),
  ],
});

const attractions = resource({
  code: 'CULTURE-0001', provider: 'culture', category: 'theme', subject: '公共服务', industry: 'N78', updateCycle: 'quarterly', publishedOn: '2024-04-02',
  nameZh: 'A级旅游景区名录', nameEn: 'A-grade tourist attractions',
  summary: '大连市A级旅游景区：名称、等级、地址、开放时间和最大承载量，向社会开放。',
  delivery: 'full',
  items: [
    pub('name', '景区名称', 'attraction name'), pub('grade', '等级', 'grade (A–AAAAA)', 'code'), pub('address', '地址', 'address'),
    pub('openingHours', '开放时间', 'opening hours'), pub('capacity', '最大承载量（人次/日）', 'maximum daily capacity', 'integer'),
  ],
});

const fishingVessels = resource({
  code: 'OCEAN-0001', provider: 'ocean', category: 'theme', subject: '安全生产', industry: 'A04', updateCycle: 'weekly', publishedOn: '2024-09-10',
  nameZh: '渔业船舶登记信息', nameEn: 'Fishing vessel registration',
  summary: '大连市渔业船舶的国籍登记、捕捞许可和船舶检验信息，用于伏季休渔监管、海上搜救和渔业安全生产。',
  delivery: 'incremental',
  items: [
    item('vesselName', '船名', 'vessel name', 'string', 'public'), item('registrationNumber', '船舶登记号', 'registration number', 'string', 'internal'),
    item('tonnage', '总吨位', 'gross tonnage', 'number', 'internal'), item('enginePower', '主机功率（千瓦）', 'engine power (kW)', 'number', 'internal'),
    item('fishingPermit', '捕捞许可证号', 'fishing permit number', 'string', 'internal'),
    item('ownerName', '船舶所有人', 'owner', 'string', 'personal', onCondition('用于海上搜救、渔业执法', PIPL_34)),
    item('ownerPhone', '所有人联系电话', 'owner\'s phone', 'string', 'personal', onCondition('仅用于海上搜救和应急联络', PIPL_34)),
  ],
});

export const demoResources: DemoResource[] = [
  population, idVerification, drivingLicences,
  enterprises, annualReports, foodLicences, penalties,
  realEstate, geography,
  macroEconomy, businessRegister,
  socialInsurance, employment, skillCertificates,
  marriage, subsistence, socialOrganisations, elderlyCare,
  birthCertificates, medicalInstitutions, deathCertificates,
  schools, students,
  providentFund, fundLoans,
  medicalInsurance, designatedProviders,
  roadTransport, taxis,
  airQuality, dischargePermits,
  housingContracts, builderQualifications,
  hydrology, creditPublicity, attractions, fishingVessels,
];

/**
 * Requests the demo files so that every face of the workbench has something in it: agreements
 * in force, one request half-decided, one waiting, one with a refusal and its reason.
 */
export const demoRequests: DemoRequest[] = [
  {
    // The one-stop portal (the business environment bureau's integrated service platform) verifies who registers and fills in what the PSB already knows.
    consumer: 'bizenv', system: 'gov-service-network', resource: 'PSB-0002',
    items: ['idNumber', 'name', 'consistent', 'cardValid', 'cardValidUntil'],
    purpose: '一网通办平台用户注册实名核验：核对姓名与公民身份号码是否一致、证件是否有效。',
    legalBasis: '《优化营商环境条例》第三十七条；《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》（国发〔2018〕27号）',
    business: '政务服务平台实名核验', years: 3,
    decisions: [{ item: 'idNumber', decision: 'approve' }, { item: 'name', decision: 'approve' }],
  },
  {
    consumer: 'bizenv', system: 'gov-service-network', resource: 'PSB-0001',
    items: ['idNumber', 'name', 'sex', 'birthDate', 'householdAddress'],
    purpose: '网上办事时经申请人同意，从人口基础信息库调取姓名、性别、出生日期和户籍地址自动填写申请表，申请人无需重复填写、无需提交户口簿复印件。',
    legalBasis: '《优化营商环境条例》第三十七条；《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》（国发〔2018〕27号）',
    business: '政务服务申请表预填', years: 3,
    decisions: [{ item: 'idNumber', decision: 'approve' }, { item: 'householdAddress', decision: 'approve' }],
  },
  {
    consumer: 'bizenv', system: 'gov-service-network', resource: 'AMR-0001',
    items: ['uscc', 'name', 'type', 'legalRepresentative', 'address', 'status'],
    purpose: '企业用户注册核验登记信息，网上办事时经企业同意预填企业名称、法定代表人和住所，免交营业执照复印件。',
    legalBasis: '《优化营商环境条例》第三十七条',
    business: '政务服务申请表预填', years: 3,
    decisions: [],
  },
  {
    // Pensions stop when a pensioner dies: the social insurance system checks residents and cancellations.
    consumer: 'hrss', system: 'social-insurance', resource: 'PSB-0001',
    items: ['name', 'sex', 'birthDate', 'idNumber', 'cancellationReason', 'cancellationDate'],
    purpose: '养老保险待遇资格认证：核对参保人户籍状态，对死亡注销人员及时停发养老金，防止冒领。',
    legalBasis: '《中华人民共和国社会保险法》；《人力资源社会保障部关于全面取消领取社会保险待遇资格集中认证的通知》',
    business: '养老保险待遇资格认证', years: 3,
    decisions: [
      { item: 'idNumber', decision: 'approve' },
      { item: 'cancellationReason', decision: 'approve' },
      { item: 'cancellationDate', decision: 'approve' },
    ],
  },
  {
    // Subsistence allowance checks: the household and where it is registered; the address still awaits the PSB.
    consumer: 'civil', system: 'social-assistance', resource: 'PSB-0001',
    items: ['name', 'householdRelation', 'idNumber', 'householdAddress'],
    purpose: '最低生活保障申请家庭成员身份和户籍核对。',
    legalBasis: '《社会救助暂行办法》（国务院令第649号）；《最低生活保障审核确认办法》',
    business: '最低生活保障审核确认', years: 2,
    decisions: [{ item: 'idNumber', decision: 'approve' }],
  },
  {
    // Enterprise data for provident fund registration of employers: all unconditional, granted at once.
    consumer: 'hpf', system: 'provident-fund', resource: 'AMR-0001',
    items: ['uscc', 'name', 'legalRepresentative', 'address', 'status'],
    purpose: '单位住房公积金缴存登记时核验单位登记信息，免交营业执照复印件。',
    legalBasis: '《住房公积金管理条例》第十三条、第十四条',
    business: '单位住房公积金缴存登记', years: 3,
    decisions: [],
  },
  {
    // School enrolment checks the household address: waiting for the PSB's reviewer.
    consumer: 'edu', system: 'enrollment', resource: 'PSB-0001',
    items: ['name', 'birthDate', 'householdAddress', 'idNumber'],
    purpose: '义务教育新生入学报名时核验适龄儿童及监护人户籍，确定招生学区。',
    legalBasis: '《中华人民共和国义务教育法》第十二条',
    business: '义务教育入学报名', years: 1,
    decisions: [],
  },
  {
    // Provident fund loans check the borrower's marital status; the other party's ID number is refused with a reason.
    consumer: 'hpf', system: 'loan', resource: 'CIVIL-0001',
    items: ['idNumber', 'registrationType', 'registeredOn', 'partnerIdNumber'],
    purpose: '住房公积金个人住房贷款审核中核验借款人的婚姻状况，确定贷款额度和共同借款人。',
    legalBasis: '《住房公积金管理条例》第二十六条',
    business: '住房公积金个人住房贷款审批', years: 2,
    decisions: [
      { item: 'idNumber', decision: 'approve' },
      { item: 'registrationType', decision: 'approve' },
      { item: 'registeredOn', decision: 'approve' },
      { item: 'partnerIdNumber', decision: 'refuse', reason: '贷款审核只需核验借款人本人的婚姻状态；配偶的信息请在其本人授权后按其身份号码另行查询，不提供对方身份号码。' },
    ],
  },
];
