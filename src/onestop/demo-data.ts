// Dalian's service items (政务服务事项) and life events (一件事) for the demo. Names, types, legal
// bases and time limits follow the national and Liaoning item lists and the laws they cite; item
// codes, window addresses and phone numbers are synthetic. Departments are keys of
// registry/demo-data.ts; prefilled fields and data lookups name items of catalog/demo-data.ts.
import type { HubDatabase } from '../hub/database.ts';
import { systemActor } from '../platform/access.ts';
import { DomainError } from '../platform/errors.ts';
import { demoDepartments } from '../registry/demo-data.ts';
import type { DataRef, FieldType, FormField, LifeEventInput, Material, ServiceItemInput } from './schema.ts';
import { createLifeEvent, createServiceItem, getLifeEvent, getServiceItem } from './service.ts';

/** A ServiceItemInput whose department is a demo department key rather than its USCC. */
export type DemoServiceItem = Omit<ServiceItemInput, 'department'> & { department: string };

// ——— Building blocks ———

const pop = (item: string): DataRef => ({ resource: 'PSB-0001', item });
const ent = (item: string): DataRef => ({ resource: 'AMR-0001', item });

interface FieldOptions { required?: boolean; hintZh?: string; prefill?: DataRef }

function field(type: FieldType, key: string, labelZh: string, labelEn: string, options: FieldOptions = {}): FormField {
  const { required = true, ...rest } = options;
  return { key, type, labelZh, labelEn, required, ...rest };
}
const text = (key: string, labelZh: string, labelEn: string, options?: FieldOptions) => field('text', key, labelZh, labelEn, options);
const number = (key: string, labelZh: string, labelEn: string, options?: FieldOptions) => field('number', key, labelZh, labelEn, options);
const date = (key: string, labelZh: string, labelEn: string, options?: FieldOptions) => field('date', key, labelZh, labelEn, options);

type Choices = [key: string, labelZh: string, labelEn: string][];
function choose(key: string, labelZh: string, labelEn: string, choices: Choices, options: FieldOptions & { many?: boolean } = {}): FormField {
  const { many, ...rest } = options;
  return { ...field(many ? 'multiple_choice' : 'single_choice', key, labelZh, labelEn, rest), choices: choices.map(([k, zh, en]) => ({ key: k, labelZh: zh, labelEn: en })) };
}

/** The upload of a material, keyed after it. */
function upload(material: string, labelZh: string, labelEn: string, required = true): FormField {
  return { key: `${material}File`, type: 'file', labelZh, labelEn, required, material };
}

const applicant = (): FormField[] => [
  text('applicantName', '申请人姓名', 'Applicant\'s name', { prefill: pop('name') }),
  text('applicantIdNumber', '公民身份号码', 'Citizen ID number', { prefill: pop('idNumber') }),
  text('phone', '联系电话', 'Phone number', { hintZh: '用于接收办理进度短信' }),
];

const enterprise = (): FormField[] => [
  text('entityName', '单位名称', 'Name of the enterprise', { prefill: ent('name') }),
  text('uscc', '统一社会信用代码', 'Unified social credit code', { prefill: ent('uscc') }),
  text('legalRepresentative', '法定代表人（负责人）', 'Legal representative', { prefill: ent('legalRepresentative') }),
  text('contactName', '经办人', 'Person handling the application', { prefill: pop('name') }),
  text('phone', '联系电话', 'Phone number'),
];

const DELIVERY = choose('delivery', '领取方式', 'How to receive the result', [
  ['window', '窗口领取', 'Collect at the window'], ['post', '免费邮寄', 'Free delivery by post'], ['electronic', '仅需电子证照', 'Electronic licence only'],
]);

interface MaterialOptions { required?: boolean; note?: string; replaceableBy?: Material['replaceableBy']; nameEn?: string }
function material(key: string, name: string, form: Material['form'], copies: number, options: MaterialOptions = {}): Material {
  const { required = true, ...rest } = options;
  return { key, name, form, copies, required, ...rest };
}
const elicence = (source: string): Material['replaceableBy'] => ({ kind: 'elicence', source });
const lookup = (source: string, items: string[]): Material['replaceableBy'] => ({ kind: 'data', source, items });

const ID_CARD = material('idCard', '申请人居民身份证', 'original', 0, { nameEn: 'Applicant\'s resident identity card', note: '窗口核验原件；网上办理的由电子身份证照替代', replaceableBy: elicence('居民身份证') });
const HOUSEHOLD_BOOK = material('householdBook', '居民户口簿', 'original', 0, { nameEn: 'Household register', replaceableBy: elicence('居民户口簿') });
const BUSINESS_LICENCE = material('businessLicence', '营业执照', 'copy', 1, { nameEn: 'Business licence', note: '本市登记的市场主体由企业登记信息核验替代，无需提交', replaceableBy: lookup('AMR-0001', ['uscc', 'name', 'status']) });
const PROXY = material('proxy', '授权委托书及受托人身份证件', 'original', 1, { required: false, nameEn: 'Power of attorney', note: '委托他人代为办理时提交' });
const applicationForm = (name: string) => material('applicationForm', name, 'original', 1, { nameEn: 'Application form', note: '网上办理的由在线填写的表单自动生成，无需另行提交' });
const premisesProof = material('premisesProof', '住所（经营场所）使用证明', 'copy', 1, {
  nameEn: 'Proof of use of the premises', note: '自有房产由不动产登记信息核验替代；租赁的提交租赁合同', replaceableBy: lookup('NR-0001', ['certificateNumber', 'location', 'rightHolder']),
});

// ——— Where, when, whom to ask ———

const HOURS = '周一至周五 8:30—11:30，13:00—17:00（法定节假日除外）';
const CENTER = '大连市沙河口区中山路 666 号 大连市政务服务中心';

function contactOf(key: string): ServiceItemInput['consult'] {
  const department = demoDepartments.find((d) => d.key === key);
  if (!department) throw new Error(`no demo department ${key}`);
  return { phone: department.contact.phone, note: `${department.nameZh}，工作日 8:30—17:00` };
}
const COMPLAIN: ServiceItemInput['complain'] = { phone: '12345', note: '大连市12345政务服务便民热线；也可在办件页面"好差评"中评价' };

function atCenter(desk: string, options: { online?: boolean; visits?: number; office?: string; address?: string } = {}): ServiceItemInput['where'] {
  return { office: options.office ?? `大连市政务服务中心 ${desk}`, address: options.address ?? CENTER, hours: HOURS, online: options.online ?? true, visits: options.visits ?? 0 };
}

const LICENSING_STEPS: ServiceItemInput['steps'] = [
  { name: '申请', description: '网上提交或到窗口提交申请材料' },
  { name: '受理', description: '材料齐全、符合法定形式的当场受理；不齐全的一次性告知需要补正的全部内容' },
  { name: '审查', description: '对申请材料进行审查，需要现场核查的组织核查' },
  { name: '决定', description: '作出准予或不予许可的书面决定，不予许可的说明理由并告知救济途径' },
  { name: '送达', description: '颁发证照，同步生成电子证照；可选窗口领取或免费邮寄' },
];
const SERVICE_STEPS: ServiceItemInput['steps'] = [
  { name: '申请', description: '网上提交或到窗口提交申请' },
  { name: '受理', description: '材料齐全的当场受理；不齐全的一次性告知需要补正的全部内容' },
  { name: '审核', description: '审核申请材料，通过数据共享核验的不再要求申请人提交' },
  { name: '办结', description: '告知办理结果，需要发证的同步生成电子证照' },
];
const ON_THE_SPOT: ServiceItemInput['steps'] = [
  { name: '申请', description: '网上提交或到窗口提交申请' },
  { name: '受理并办结', description: '材料齐全、符合条件的当场办结' },
];

type Spec = Omit<DemoServiceItem, 'consult' | 'complain' | 'steps' | 'fees' | 'where'> & Partial<Pick<DemoServiceItem, 'steps' | 'fees' | 'where'>>;

function item(spec: Spec): DemoServiceItem {
  const steps = spec.steps ?? (spec.timeLimit.promisedDays === 0 ? ON_THE_SPOT : spec.type === 'licensing' ? LICENSING_STEPS : SERVICE_STEPS);
  return { ...spec, where: spec.where ?? atCenter('综合受理窗口'), consult: contactOf(spec.department), complain: COMPLAIN, steps, fees: spec.fees ?? [] };
}

const LICENSING_LAW = '《中华人民共和国行政许可法》第四十二条：除可以当场作出行政许可决定的外，行政机关应当自受理行政许可申请之日起二十日内作出行政许可决定';
const REGISTRATION_REGULATION = '《中华人民共和国市场主体登记管理条例》（国务院令第746号）第十九条：登记机关对申请材料齐全、符合法定形式的予以确认并当场登记；不能当场登记的，应当在3个工作日内予以登记';
const REGISTRATION_RULES = '《中华人民共和国市场主体登记管理条例实施细则》（国家市场监督管理总局令第52号）';
const SOCIAL_INSURANCE_LAW = '《中华人民共和国社会保险法》';
const HOUSING_FUND = '《住房公积金管理条例》（国务院令第350号，2019年修订）第二十四条';

// ——— 市场监督管理局 ———

const amr: DemoServiceItem[] = [
  item({
    code: 'XK00101001000', department: 'amr', type: 'licensing', nameZh: '有限责任公司设立登记', nameEn: 'Registration of a limited liability company',
    summary: '在大连市设立有限责任公司，办理设立登记，领取营业执照（纸质和电子营业执照）。企业开办全程网办，可同步申领免费印章、发票和税控设备，办理社保和公积金单位登记。',
    audiences: ['enterprise', 'citizen'], topics: ['business_setup'], keywords: ['营业执照', '开公司', '注册公司', '企业开办'],
    legalBasis: ['《中华人民共和国公司法》第二十九条、第三十三条', REGISTRATION_REGULATION, REGISTRATION_RULES],
    conditions: ['企业名称经自主申报，符合《企业名称登记管理规定》', '股东符合法定人数，有符合公司章程规定的认缴出资', '有公司住所（经营场所）', '法定代表人、董事、监事和高级管理人员不存在《公司法》规定的不得担任的情形'],
    materials: [
      applicationForm('公司登记（备案）申请书'), material('articles', '公司章程', 'original', 1, { nameEn: 'Articles of association', note: '全体股东签署；可使用章程范本' }),
      material('shareholderId', '股东主体资格证明', 'copy', 1, { note: '自然人股东由电子身份证照替代；法人股东由企业登记信息核验替代', replaceableBy: elicence('居民身份证') }),
      material('appointment', '法定代表人、董事、监事和经理的任职文件', 'original', 1), premisesProof, PROXY,
    ],
    timeLimit: { legalDays: 3, promisedDays: 1 },
    where: atCenter('二楼 企业开办专区', { visits: 0 }),
    steps: [
      { name: '名称自主申报', description: '在企业开办"一网通办"平台自主申报企业名称' },
      { name: '网上申请', description: '填写登记信息，股东和法定代表人在线实名认证并电子签名' },
      { name: '审核', description: '登记机关审核，材料齐全、符合法定形式的予以登记' },
      { name: '发照', description: '核发营业执照，同步生成电子营业执照；可选免费邮寄' },
    ],
    form: { fields: [
      text('proposedName', '拟设立公司名称', 'Proposed company name', { hintZh: '如：大连某某餐饮管理有限公司' }),
      choose('companyType', '公司类型', 'Type of company', [
        ['naturalPersonSole', '有限责任公司（自然人独资）', 'LLC, one natural person'], ['naturalPersonControlled', '有限责任公司（自然人投资或控股）', 'LLC, natural persons'],
        ['corporateSole', '有限责任公司（法人独资）', 'LLC, one corporate shareholder'],
      ]),
      number('registeredCapital', '注册资本（万元）', 'Registered capital (10,000 yuan)', { hintZh: '认缴出资额，应在公司成立之日起五年内缴足' }),
      text('address', '住所', 'Registered address'),
      text('businessScope', '经营范围', 'Business scope', { hintZh: '按经营范围规范表述目录选择' }),
      text('legalRepresentativeName', '法定代表人姓名', 'Name of the legal representative', { prefill: pop('name') }),
      text('legalRepresentativeIdNumber', '法定代表人公民身份号码', 'ID number of the legal representative', { prefill: pop('idNumber') }),
      upload('articles', '公司章程', 'Articles of association'), upload('premisesProof', '住所使用证明', 'Proof of premises', false),
      choose('extras', '同步办理', 'Also arrange', [
        ['seal', '免费刻制印章', 'Free company seals'], ['invoice', '申领发票', 'Invoices'], ['socialInsurance', '社保单位登记', 'Social insurance registration'], ['housingFund', '公积金单位登记', 'Housing fund registration'],
      ], { many: true, required: false }),
      DELIVERY,
    ] },
  }),
  item({
    code: 'XK00101002000', department: 'amr', type: 'licensing', nameZh: '个体工商户设立登记', nameEn: 'Registration of an individual business',
    summary: '有经营能力的公民从事工商业经营，办理个体工商户设立登记，领取营业执照。',
    audiences: ['citizen'], topics: ['business_setup', 'employment'], keywords: ['营业执照', '个体户', '开店'],
    legalBasis: ['《促进个体工商户发展条例》（国务院令第755号）第二条', REGISTRATION_REGULATION, REGISTRATION_RULES],
    conditions: ['经营者为有经营能力的公民', '有固定的经营场所', '经营范围不属于法律、行政法规禁止个体工商户经营的项目'],
    materials: [applicationForm('个体工商户登记（备案）申请书'), ID_CARD, premisesProof, PROXY],
    timeLimit: { legalDays: 3, promisedDays: 0 },
    form: { fields: [
      ...applicant(),
      text('tradeName', '字号名称', 'Trade name', { required: false, hintZh: '可以不使用字号' }),
      choose('organisation', '组成形式', 'Form of organisation', [['individual', '个人经营', 'Run by one person'], ['family', '家庭经营', 'Run by a family']]),
      text('premises', '经营场所', 'Business premises'), text('businessScope', '经营范围', 'Business scope'),
      number('employees', '从业人数', 'Number of workers'), upload('premisesProof', '经营场所使用证明', 'Proof of premises', false),
    ] },
  }),
  item({
    code: 'XK00101004000', department: 'amr', type: 'licensing', nameZh: '企业变更登记', nameEn: 'Change of an enterprise\'s registration',
    summary: '企业名称、住所、法定代表人、注册资本、经营范围、股东等登记事项发生变更的，申请变更登记，换发营业执照。',
    audiences: ['enterprise'], topics: ['business_setup'], keywords: ['营业执照变更', '变更法人', '变更地址', '增资'],
    legalBasis: [REGISTRATION_REGULATION, '《中华人民共和国市场主体登记管理条例》第二十四条：市场主体变更登记事项，应当自作出变更决议、决定或者法定变更事项发生之日起30日内申请变更登记', REGISTRATION_RULES],
    conditions: ['变更事项已依法作出决议或决定', '变更后的登记事项符合法律法规规定'],
    materials: [applicationForm('企业变更登记（备案）申请书'), material('resolution', '股东会决议或股东决定', 'original', 1), material('amendedArticles', '修改后的公司章程或章程修正案', 'original', 1), BUSINESS_LICENCE],
    timeLimit: { legalDays: 3, promisedDays: 1 },
    form: { fields: [
      ...enterprise(),
      choose('changes', '变更事项', 'What changes', [
        ['name', '名称', 'Name'], ['address', '住所', 'Address'], ['legalRepresentative', '法定代表人', 'Legal representative'],
        ['capital', '注册资本', 'Registered capital'], ['scope', '经营范围', 'Business scope'], ['shareholders', '股东', 'Shareholders'],
      ], { many: true }),
      text('details', '变更内容', 'The new particulars'), upload('resolution', '股东会决议或股东决定', 'Shareholders\' resolution'), DELIVERY,
    ] },
  }),
  item({
    code: 'XK00101005000', department: 'amr', type: 'licensing', nameZh: '企业注销登记', nameEn: 'Deregistration of an enterprise',
    summary: '企业解散、破产或因其他法定事由终止的，清算完毕后申请注销登记。未发生债权债务或已清偿完毕的，可选择简易注销。',
    audiences: ['enterprise'], topics: ['business_exit'], keywords: ['注销公司', '简易注销', '营业执照注销'],
    legalBasis: ['《中华人民共和国公司法》第二百三十九条', '《中华人民共和国市场主体登记管理条例》第三十一条至第三十三条', REGISTRATION_RULES],
    conditions: ['已依法清算完毕，或符合简易注销条件（未发生债权债务或已将债权债务清偿完结）', '不存在被吊销营业执照、责令关闭、撤销以外的限制注销情形'],
    materials: [applicationForm('企业注销登记申请书'), material('liquidationReport', '清算报告', 'original', 1, { required: false, note: '一般注销提交；简易注销提交全体投资人承诺书' }), BUSINESS_LICENCE],
    timeLimit: { legalDays: 3, promisedDays: 1 },
    steps: [
      { name: '申请', description: '在企业注销"一网通办"平台提交申请' },
      { name: '公示', description: '简易注销在国家企业信用信息公示系统公示20日；一般注销通过报纸或公示系统公告45日', days: 20, special: true },
      { name: '受理', description: '公示期满无异议的予以受理' },
      { name: '核准注销', description: '登记机关核准注销，收缴营业执照' },
    ],
    form: { fields: [
      ...enterprise(),
      choose('procedure', '注销方式', 'Procedure', [['simple', '简易注销', 'Simplified deregistration'], ['general', '一般注销', 'General deregistration']]),
      text('reason', '注销原因', 'Reason'), upload('liquidationReport', '清算报告', 'Liquidation report', false),
    ] },
  }),
  item({
    code: 'QT00102001000', department: 'amr', type: 'other', nameZh: '营业执照遗失补领', nameEn: 'Replacing a lost business licence',
    summary: '营业执照遗失或者毁坏的，市场主体申请补领营业执照。',
    audiences: ['enterprise', 'citizen'], topics: ['business_setup'], keywords: ['营业执照', '补办营业执照', '执照丢失'],
    legalBasis: ['《中华人民共和国市场主体登记管理条例》第二十二条', REGISTRATION_RULES],
    conditions: ['营业执照遗失或者毁坏', '市场主体处于存续状态'],
    materials: [applicationForm('营业执照补领申请书'), material('lossStatement', '遗失声明', 'original', 1, { note: '在国家企业信用信息公示系统自行公示遗失声明后提交截图' })],
    timeLimit: { legalDays: null, promisedDays: 0 },
    form: { fields: [...enterprise(), choose('kind', '补领情形', 'Situation', [['lost', '遗失', 'Lost'], ['damaged', '毁坏', 'Damaged']]), DELIVERY] },
  }),
  item({
    code: 'XK00103001000', department: 'amr', type: 'licensing', nameZh: '食品经营许可（新办）', nameEn: 'Food business licence (new)',
    summary: '在大连市从事食品销售和餐饮服务活动的经营者，申请食品经营许可证。仅销售预包装食品的，办理备案即可。',
    audiences: ['enterprise', 'citizen'], topics: ['business_permit'], keywords: ['食品经营许可证', '餐饮许可', '开饭店', '开餐馆'],
    legalBasis: ['《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度', '《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）'],
    conditions: [
      '具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，保持场所环境整洁',
      '具有与经营的食品品种、数量相适应的经营设备或者设施', '有专职或者兼职的食品安全管理人员和保证食品安全的规章制度',
      '具有合理的设备布局和工艺流程，防止待加工食品与直接入口食品、原料与成品交叉污染',
    ],
    materials: [
      applicationForm('食品经营许可申请书'), BUSINESS_LICENCE,
      material('layout', '与食品经营相适应的主要设备设施、经营布局、操作流程等文件', 'original', 1, { nameEn: 'Layout of premises and equipment' }),
      material('safetyRules', '食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度', 'original', 1),
      PROXY,
    ],
    timeLimit: { legalDays: 10, promisedDays: 5 },
    where: atCenter('二楼 准营准办专区', { visits: 0 }),
    steps: [
      ...LICENSING_STEPS.slice(0, 2),
      { name: '现场核查', description: '需要核查的，自受理之日起5个工作日内完成现场核查', days: 5 },
      ...LICENSING_STEPS.slice(3),
    ],
    form: { fields: [
      ...enterprise(),
      text('premises', '经营场所', 'Business premises'),
      choose('operatorType', '主体业态', 'Kind of operator', [
        ['seller', '食品销售经营者', 'Food seller'], ['catering', '餐饮服务经营者', 'Catering business'], ['canteen', '单位食堂', 'Staff canteen'],
      ]),
      choose('activities', '经营项目', 'Activities', [
        ['bulkFood', '散装食品销售', 'Sale of bulk food'], ['hotFood', '热食类食品制售', 'Hot food'], ['coldFood', '冷食类食品制售', 'Cold food'],
        ['rawFood', '生食类食品制售', 'Raw food'], ['semiFinished', '半成品制售', 'Semi-finished food'], ['drinks', '自制饮品制售', 'Home-made drinks'],
      ], { many: true }),
      number('area', '经营面积（平方米）', 'Floor area (m²)'),
      text('safetyManager', '食品安全管理人员', 'Food safety manager'),
      upload('layout', '设备布局和操作流程文件', 'Layout and process documents'), upload('safetyRules', '食品安全规章制度', 'Food safety rules'),
      DELIVERY,
    ] },
  }),
  item({
    code: 'XK00105001000', department: 'amr', type: 'licensing', nameZh: '特种设备使用登记', nameEn: 'Registration of the use of special equipment',
    summary: '使用电梯、锅炉、压力容器、起重机械、场（厂）内专用机动车辆等特种设备的单位，在投入使用前或者投入使用后30日内办理使用登记。',
    audiences: ['enterprise'], topics: ['safety'], keywords: ['电梯', '锅炉', '压力容器', '特种设备'],
    legalBasis: ['《中华人民共和国特种设备安全法》第三十三条', '《特种设备使用管理规则》（TSG 08-2017）'],
    conditions: ['特种设备已经监督检验合格（需要监督检验的）', '使用单位已建立特种设备安全管理制度并配备安全管理人员'],
    materials: [applicationForm('特种设备使用登记表'), BUSINESS_LICENCE, material('inspection', '监督检验证明或定期检验报告', 'copy', 1), material('productCertificate', '产品合格证', 'copy', 1)],
    timeLimit: { legalDays: 15, promisedDays: 5 },
    form: { fields: [
      ...enterprise(),
      choose('equipment', '设备种类', 'Kind of equipment', [
        ['elevator', '电梯', 'Lift'], ['boiler', '锅炉', 'Boiler'], ['pressureVessel', '压力容器', 'Pressure vessel'], ['crane', '起重机械', 'Crane'], ['vehicle', '场（厂）内专用机动车辆', 'Site vehicle'],
      ]),
      text('location', '设备使用地点', 'Where it is used'), number('units', '台数', 'Number of units'), upload('inspection', '检验证明', 'Inspection report'),
    ] },
  }),
];

// ——— 公安局 ———

const BIRTH_CERTIFICATE = material('birthCertificate', '出生医学证明', 'original', 0, {
  nameEn: 'Medical birth certificate', note: '本市助产机构签发的由出生医学证明信息核验替代', replaceableBy: lookup('HEALTH-0001', ['certificateNumber', 'newbornName', 'sex', 'bornAt', 'motherIdNumber', 'fatherIdNumber']),
});

const psb: DemoServiceItem[] = [
  item({
    code: 'QR00201001000', department: 'psb', type: 'confirmation', nameZh: '出生登记', nameEn: 'Registration of a birth',
    summary: '婴儿出生后，由户主、亲属、抚养人向婴儿常住地户口登记机关申报出生登记，登记常住户口（新生儿落户）。',
    audiences: ['citizen'], topics: ['birth', 'household'], keywords: ['新生儿落户', '上户口', '报户口', '出生'],
    legalBasis: ['《中华人民共和国户口登记条例》第七条：婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居向婴儿常住地户口登记机关申报出生登记'],
    conditions: ['婴儿父亲或母亲一方为本市常住户口', '持有本市或外地助产机构签发的出生医学证明'],
    materials: [
      BIRTH_CERTIFICATE, HOUSEHOLD_BOOK, material('parentsId', '父母双方居民身份证', 'original', 0, { replaceableBy: elicence('居民身份证') }),
      material('marriageCertificate', '父母结婚证', 'original', 0, { required: false, note: '由婚姻登记信息核验替代；非婚生育的提交相关说明', replaceableBy: lookup('CIVIL-0001', ['certificateNumber', 'registrationType']) }),
    ],
    timeLimit: { legalDays: null, promisedDays: 0 },
    where: atCenter('', { office: '婴儿随父或随母落户地的公安派出所户籍窗口', address: '户籍所在地公安派出所', online: true, visits: 0 }),
    form: { fields: [
      ...applicant(),
      text('babyName', '婴儿姓名', 'Baby\'s name'),
      choose('babySex', '婴儿性别', 'Baby\'s sex', [['1', '男', 'Male'], ['2', '女', 'Female']]),
      date('birthDate', '出生日期', 'Date of birth'),
      text('birthCertificateNumber', '出生医学证明编号', 'Medical birth certificate number'),
      choose('relation', '申报人与婴儿关系', 'Your relation to the baby', [['father', '父亲', 'Father'], ['mother', '母亲', 'Mother'], ['guardian', '其他监护人', 'Other guardian']]),
      text('settleAddress', '落户地址', 'Address to register at', { prefill: pop('householdAddress'), hintZh: '随父或随母落户的户籍地址' }),
    ] },
  }),
  item({
    code: 'GG00202001000', department: 'psb', type: 'public_service', nameZh: '居民身份证申领、换领、补领', nameEn: 'Applying for, renewing or replacing a resident identity card',
    summary: '年满十六周岁的本市户籍居民申领居民身份证，有效期满、证件损坏或遗失的申请换领、补领。可在全市任一户籍窗口办理，证件可邮寄送达。',
    audiences: ['citizen'], topics: ['identity'], keywords: ['身份证', '换身份证', '补办身份证', '身份证到期'],
    legalBasis: ['《中华人民共和国居民身份证法》第八条、第十一条'],
    conditions: ['本市常住户口居民', '申领、换领、补领须本人到场采集人像和指纹信息'],
    materials: [HOUSEHOLD_BOOK, material('oldCard', '原居民身份证', 'original', 0, { required: false, note: '换领时交回原证' })],
    timeLimit: { legalDays: null, promisedDays: 10 },
    fees: [
      { name: '居民身份证工本费（申领、换领）', amountYuan: 20, basis: '国家发展改革委、财政部核定的居民身份证工本费标准' },
      { name: '居民身份证工本费（丢失补领、损坏换领）', amountYuan: 40, basis: '国家发展改革委、财政部核定的居民身份证工本费标准' },
    ],
    where: atCenter('', { office: '全市任一公安派出所户籍窗口或政务服务中心公安窗口', address: '就近选择', online: false, visits: 1 }),
    form: { fields: [
      ...applicant(),
      choose('reason', '办理类型', 'Kind of application', [
        ['first', '首次申领', 'First card'], ['expired', '有效期满换领', 'Renewal on expiry'], ['lost', '遗失补领', 'Replacement of a lost card'], ['damaged', '损坏换领', 'Replacement of a damaged card'],
      ]),
      text('householdAddress', '户籍地址', 'Household registration address', { prefill: pop('householdAddress') }),
      choose('delivery', '领取方式', 'How to receive the card', [['window', '窗口领取', 'Collect at the window'], ['post', '邮寄送达', 'By post']]),
    ] },
  }),
  item({
    code: 'QR00203001000', department: 'psb', type: 'confirmation', nameZh: '户口迁移登记（市内）', nameEn: 'Moving a household registration within the city',
    summary: '在大连市内购房、投靠亲属或因工作变动迁移户口的，办理市内户口迁移登记，"一站式"迁出迁入。',
    audiences: ['citizen'], topics: ['household', 'housing'], keywords: ['迁户口', '户口迁入', '落户', '户籍'],
    legalBasis: ['《中华人民共和国户口登记条例》第十条、第十八条'],
    conditions: ['本市常住户口居民', '在迁入地有合法稳定住所或符合投靠条件'],
    materials: [HOUSEHOLD_BOOK, ID_CARD, material('residenceProof', '合法稳定住所证明', 'copy', 1, { note: '自有住房由不动产登记信息核验替代', replaceableBy: lookup('NR-0001', ['certificateNumber', 'location', 'rightHolder', 'rightHolderIdNumber']) })],
    timeLimit: { legalDays: null, promisedDays: 0 },
    where: atCenter('', { office: '迁入地公安派出所户籍窗口', address: '迁入地公安派出所', visits: 0 }),
    form: { fields: [
      ...applicant(),
      choose('moveReason', '迁移原因', 'Reason for moving', [['house', '购房', 'Bought a home'], ['family', '投靠亲属', 'Joining family'], ['work', '工作调动', 'Job transfer'], ['other', '其他', 'Other']]),
      text('fromAddress', '现户籍地址', 'Current household address', { prefill: pop('householdAddress') }),
      text('toAddress', '迁入地址', 'New address'), number('members', '随迁人数', 'Number of people moving'),
      upload('residenceProof', '住所证明', 'Proof of residence', false),
    ] },
  }),
  item({
    code: 'XK00204001000', department: 'psb', type: 'licensing', nameZh: '普通护照签发', nameEn: 'Issuing an ordinary passport',
    summary: '中国公民因前往外国定居、探亲、学习、就业、旅行、从事商务活动等非公务原因出国的，申请普通护照；护照有效期即将届满、签证页即将用完或者遗失的，申请换发、补发。',
    audiences: ['citizen'], topics: ['identity'], keywords: ['护照', '出国', '办护照'],
    legalBasis: ['《中华人民共和国护照法》第五条、第六条'],
    conditions: ['中国公民', '不存在《中华人民共和国护照法》第十三条规定的不予签发的情形'],
    materials: [ID_CARD, material('photo', '出入境证件照片', 'electronic', 0, { note: '可在出入境窗口现场免费采集' })],
    timeLimit: { legalDays: null, promisedDays: 7 },
    fees: [{ name: '普通护照工本费', amountYuan: 120, basis: '《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）' }],
    where: atCenter('', { office: '大连市公安局出入境管理局办证大厅', address: '大连市中山区人民路 88 号', online: false, visits: 1 }),
    form: { fields: [
      ...applicant(),
      choose('kind', '申请类别', 'Kind of application', [['first', '首次申请', 'First passport'], ['renewal', '换发', 'Renewal'], ['lost', '补发', 'Replacement']]),
      choose('purpose', '出境事由', 'Purpose of travel', [['tourism', '旅游', 'Tourism'], ['study', '学习', 'Study'], ['business', '商务', 'Business'], ['family', '探亲', 'Visiting family'], ['settle', '定居', 'Settling abroad']]),
      upload('photo', '证件照片', 'Photo', false),
      choose('delivery', '领取方式', 'How to receive the passport', [['window', '窗口领取', 'Collect at the window'], ['post', '邮寄送达', 'By post']]),
    ] },
  }),
  item({
    code: 'XK00205001000', department: 'psb', type: 'licensing', nameZh: '往来港澳通行证签发', nameEn: 'Issuing a travel permit to Hong Kong and Macao',
    summary: '内地居民因私往来香港、澳门地区，申请往来港澳通行证及签注。',
    audiences: ['citizen'], topics: ['identity'], keywords: ['港澳通行证', '去香港', '去澳门'],
    legalBasis: ['《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》'],
    conditions: ['内地居民', '不存在不予签发的法定情形'],
    materials: [ID_CARD, material('photo', '出入境证件照片', 'electronic', 0, { note: '可在出入境窗口现场免费采集' })],
    timeLimit: { legalDays: null, promisedDays: 7 },
    fees: [{ name: '往来港澳通行证（电子通行证）工本费', amountYuan: 60, basis: '《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）' }],
    where: atCenter('', { office: '大连市公安局出入境管理局办证大厅', address: '大连市中山区人民路 88 号', online: false, visits: 1 }),
    form: { fields: [
      ...applicant(),
      choose('endorsement', '签注种类', 'Endorsement', [['tourism', '团队旅游', 'Group tour'], ['personal', '个人旅游', 'Individual travel'], ['family', '探亲', 'Visiting family'], ['business', '商务', 'Business']]),
      upload('photo', '证件照片', 'Photo', false),
    ] },
  }),
  item({
    code: 'GG00206001000', department: 'psb', type: 'public_service', nameZh: '机动车驾驶证有效期满换证', nameEn: 'Renewing a driving licence on expiry',
    summary: '机动车驾驶人在驾驶证有效期满前90日内申请换证，可网上办理、邮寄送达。',
    audiences: ['citizen'], topics: ['transport'], keywords: ['驾照换证', '驾驶证到期', '换驾照'],
    legalBasis: ['《机动车驾驶证申领和使用规定》（公安部令第162号）'],
    conditions: ['驾驶证有效期满前90日内', '身体条件符合申请机动车驾驶证的规定', '驾驶证未被记满12分、未被暂扣或吊销'],
    materials: [
      ID_CARD,
      material('drivingLicence', '机动车驾驶证', 'original', 0, { replaceableBy: lookup('PSB-0003', ['licenceClass', 'validUntil', 'status']) }),
      material('medical', '机动车驾驶人身体条件证明', 'electronic', 0, { note: '在本市医疗机构体检的由电子体检信息替代', replaceableBy: elicence('机动车驾驶人身体条件证明') }),
    ],
    timeLimit: { legalDays: null, promisedDays: 0 },
    fees: [{ name: '机动车驾驶证工本费', amountYuan: 10, basis: '公安交通管理工本费收费标准' }],
    where: atCenter('', { office: '大连市公安局交通警察支队车管所或网上办理', address: '就近选择', online: true, visits: 0 }),
    form: { fields: [
      ...applicant(),
      text('licenceClass', '准驾车型', 'Licence class', { prefill: { resource: 'PSB-0003', item: 'licenceClass' } }),
      date('validUntil', '有效期截止日期', 'Valid until', { prefill: { resource: 'PSB-0003', item: 'validUntil' } }),
      choose('delivery', '领取方式', 'How to receive the licence', [['window', '窗口领取', 'Collect at the window'], ['post', '邮寄送达', 'By post']]),
    ] },
  }),
];

// ——— 卫生健康委员会 ———

const health: DemoServiceItem[] = [
  item({
    code: 'GG00301001000', department: 'health', type: 'public_service', nameZh: '出生医学证明签发', nameEn: 'Issuing a medical birth certificate',
    summary: '在本市助产机构出生的新生儿，由助产机构签发《出生医学证明》，同步生成电子出生医学证明，用于办理出生登记、医保参保和社保卡。',
    audiences: ['citizen'], topics: ['birth'], keywords: ['出生证', '出生', '新生儿', '出生证明'],
    legalBasis: ['《中华人民共和国母婴保健法》第二十三条：医疗保健机构和从事家庭接生的人员按照国务院卫生行政部门的规定，出具统一制发的新生儿出生医学证明'],
    conditions: ['新生儿在本市具有助产技术服务资质的医疗机构出生', '父母双方身份信息真实有效'],
    materials: [material('parentsId', '父母双方居民身份证', 'original', 0, { replaceableBy: elicence('居民身份证') })],
    timeLimit: { legalDays: null, promisedDays: 0 },
    where: atCenter('', { office: '新生儿出生的助产机构出生医学证明签发窗口', address: '新生儿出生的医院', online: true, visits: 0 }),
    form: { fields: [
      text('motherName', '母亲姓名', 'Mother\'s name', { prefill: pop('name') }),
      text('motherIdNumber', '母亲公民身份号码', 'Mother\'s ID number', { prefill: pop('idNumber') }),
      text('fatherName', '父亲姓名', 'Father\'s name'), text('fatherIdNumber', '父亲公民身份号码', 'Father\'s ID number'),
      text('newbornName', '新生儿姓名', 'Baby\'s name'), date('bornOn', '出生日期', 'Date of birth'),
      text('hospital', '出生医院', 'Hospital of birth'), text('phone', '联系电话', 'Phone number'),
    ] },
  }),
  item({
    code: 'GG00302001000', department: 'health', type: 'public_service', nameZh: '生育登记', nameEn: 'Registration of a planned birth',
    summary: '夫妻生育子女的，在孕前或孕期办理生育登记，凭登记享受孕产期保健等服务。全程网办，即时办结。',
    audiences: ['citizen'], topics: ['birth'], keywords: ['准生证', '生育服务', '怀孕', '出生'],
    legalBasis: ['《中华人民共和国人口与计划生育法》第十八条', '《辽宁省人口与计划生育条例》'],
    conditions: ['夫妻一方为本市户籍或持本市居住证'],
    materials: [ID_CARD, material('marriageCertificate', '结婚证', 'original', 0, { replaceableBy: lookup('CIVIL-0001', ['certificateNumber', 'registrationType', 'registeredOn']) })],
    timeLimit: { legalDays: null, promisedDays: 0 },
    where: atCenter('', { office: '户籍地或居住地街道（乡镇）卫生健康服务窗口', address: '户籍地或居住地街道（乡镇）便民服务中心', online: true, visits: 0 }),
    form: { fields: [
      ...applicant(),
      text('spouseName', '配偶姓名', 'Spouse\'s name'), text('spouseIdNumber', '配偶公民身份号码', 'Spouse\'s ID number'),
      choose('childOrder', '生育孩次', 'Which child', [['first', '一孩', 'First child'], ['second', '二孩', 'Second child'], ['third', '三孩', 'Third child']]),
      date('expectedOn', '预产期', 'Expected date of birth', { required: false }),
    ] },
  }),
  item({
    code: 'XK00304001000', department: 'health', type: 'licensing', nameZh: '公共场所卫生许可', nameEn: 'Public place hygiene licence',
    summary: '开办宾馆、美容美发、游泳场所、沐浴场所等公共场所的经营者，申请公共场所卫生许可证。',
    audiences: ['enterprise'], topics: ['business_permit'], keywords: ['卫生许可证', '美容美发', '宾馆', '游泳馆'],
    legalBasis: ['《公共场所卫生管理条例》第八条', '《公共场所卫生管理条例实施细则》（原卫生部令第80号）', LICENSING_LAW],
    conditions: ['经营场所的选址、设计和装修符合公共场所卫生标准和要求', '有卫生管理制度和专（兼）职卫生管理人员', '从业人员持有效健康合格证明'],
    materials: [applicationForm('公共场所卫生许可申请表'), BUSINESS_LICENCE, material('hygieneTest', '公共场所卫生检测或者评价报告', 'original', 1), material('floorPlan', '经营场所平面图和卫生设施布局图', 'original', 1)],
    timeLimit: { legalDays: 20, promisedDays: 5 },
    form: { fields: [
      ...enterprise(),
      choose('placeType', '场所类别', 'Kind of place', [['hotel', '住宿场所', 'Hotel'], ['beauty', '美容美发场所', 'Beauty salon'], ['swimming', '游泳场所', 'Swimming pool'], ['bath', '沐浴场所', 'Bathhouse']]),
      text('premises', '经营地址', 'Address'), number('area', '营业面积（平方米）', 'Floor area (m²)'), upload('hygieneTest', '卫生检测报告', 'Hygiene test report'),
    ] },
  }),
  item({
    code: 'XK00305001000', department: 'health', type: 'licensing', nameZh: '护士执业注册', nameEn: 'Registration of a nurse to practise',
    summary: '通过护士执业资格考试的人员，在医疗卫生机构从事护理工作前申请护士执业注册。',
    audiences: ['citizen'], topics: ['employment', 'medical'], keywords: ['护士证', '护士注册', '执业证书'],
    legalBasis: ['《护士条例》（国务院令第517号）第七条、第八条：收到申请的卫生主管部门应当自收到申请之日起20个工作日内作出决定'],
    conditions: ['具有完全民事行为能力', '通过国务院卫生主管部门组织的护士执业资格考试', '符合国务院卫生主管部门规定的健康标准'],
    materials: [ID_CARD, material('examCertificate', '护士执业资格考试成绩合格证明', 'copy', 1), material('healthCertificate', '6个月内的健康体检证明', 'original', 1), material('employment', '医疗卫生机构拟聘用的相关材料', 'original', 1)],
    timeLimit: { legalDays: 20, promisedDays: 10 },
    form: { fields: [
      ...applicant(), text('employer', '拟执业机构', 'Employer'), upload('examCertificate', '考试合格证明', 'Exam certificate'), upload('healthCertificate', '健康体检证明', 'Health certificate'),
    ] },
  }),
];

// ——— 人力资源和社会保障局 ———

const hrss: DemoServiceItem[] = [
  item({
    code: 'JF00401001000', department: 'hrss', type: 'payment', nameZh: '企业职工基本养老保险待遇申领', nameEn: 'Claiming the basic pension of an enterprise employee',
    summary: '参加企业职工基本养老保险的人员达到法定退休年龄、累计缴费达到最低缴费年限的，申领按月领取的基本养老金（办理退休）。',
    audiences: ['citizen'], topics: ['retirement', 'social_insurance'], keywords: ['退休', '养老金', '退休金', '办理退休'],
    legalBasis: [`${SOCIAL_INSURANCE_LAW}第十六条：参加基本养老保险的个人，达到法定退休年龄时累计缴费满十五年的，按月领取基本养老金`, '《国务院关于完善企业职工基本养老保险制度的决定》（国发〔2005〕38号）', '《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》（2024年）'],
    conditions: ['达到法定退休年龄（含按规定弹性提前或者延迟退休）', '累计缴费满15年（自2030年起最低缴费年限逐步提高至20年）'],
    materials: [
      ID_CARD, material('personnelFile', '本人人事档案', 'original', 0, { note: '由存档单位或档案管理机构提供，申请人无需提交' }),
      material('contributionRecord', '养老保险缴费记录', 'electronic', 0, { note: '由社会保险参保信息核验，无需提交', replaceableBy: lookup('HRSS-0001', ['insuranceType', 'status', 'monthsPaid', 'firstParticipatedOn']) }),
      material('bankCard', '本人社会保障卡（已激活金融功能）或银行账户', 'copy', 1),
    ],
    timeLimit: { legalDays: null, promisedDays: 10 },
    form: { fields: [
      ...applicant(),
      text('employerName', '参保单位', 'Employer', { prefill: { resource: 'HRSS-0001', item: 'employerName' } }),
      date('retireOn', '退休日期', 'Retirement date'),
      choose('retireKind', '退休类型', 'Kind of retirement', [['statutory', '正常退休', 'At the statutory age'], ['flexibleEarly', '弹性提前退休', 'Flexible early retirement'], ['flexibleLate', '弹性延迟退休', 'Flexible late retirement']]),
      text('bankAccount', '养老金发放账户', 'Account for the pension'),
    ] },
  }),
  item({
    code: 'JF00402001000', department: 'hrss', type: 'payment', nameZh: '失业保险金申领', nameEn: 'Claiming unemployment benefit',
    summary: '非因本人意愿中断就业、已办理失业登记并有求职要求的参保失业人员，申领失业保险金，同时享受失业期间的医疗保险待遇。',
    audiences: ['citizen'], topics: ['employment', 'social_insurance'], keywords: ['失业金', '失业', '失业保险'],
    legalBasis: [`${SOCIAL_INSURANCE_LAW}第四十五条`, '《失业保险条例》（国务院令第258号）第十四条'],
    conditions: ['失业前用人单位和本人已经缴纳失业保险费满一年', '非因本人意愿中断就业', '已经进行失业登记，并有求职要求'],
    materials: [
      ID_CARD, material('separation', '解除或终止劳动关系证明', 'copy', 1),
      material('unemploymentRegistration', '失业登记证明', 'electronic', 0, { note: '由就业失业登记信息核验替代', replaceableBy: lookup('HRSS-0002', ['registrationType', 'registeredOn']) }),
    ],
    timeLimit: { legalDays: null, promisedDays: 0 },
    form: { fields: [
      ...applicant(), text('lastEmployer', '原工作单位', 'Last employer'), date('separatedOn', '解除劳动关系日期', 'Date employment ended'),
      choose('reason', '离职原因', 'Why the job ended', [['contractEnded', '劳动合同期满终止', 'Contract ended'], ['employerTerminated', '用人单位解除', 'Dismissed by the employer'], ['other', '其他非本人意愿', 'Other, not by choice']]),
      upload('separation', '解除劳动关系证明', 'Proof the employment ended'),
    ] },
  }),
  item({
    code: 'GG00403001000', department: 'hrss', type: 'public_service', nameZh: '社会保障卡申领', nameEn: 'Applying for a social security card',
    summary: '参保人员（含新生儿）申领第三代社会保障卡，同步签发电子社保卡，用于就医结算、待遇领取和公共服务。',
    audiences: ['citizen'], topics: ['social_insurance', 'birth'], keywords: ['社保卡', '新生儿社保卡', '出生', '电子社保卡'],
    legalBasis: [`${SOCIAL_INSURANCE_LAW}第五十八条：国家建立全国统一的个人社会保障号码。个人社会保障号码为公民身份号码`],
    conditions: ['已在本市参加社会保险或城乡居民医疗保险', '未成年人由监护人代为申领'],
    materials: [ID_CARD, material('photo', '近期免冠证件照片', 'electronic', 0, { note: '新生儿可不提供照片' }), material('guardian', '监护关系证明（户口簿或出生医学证明）', 'original', 0, { required: false, note: '为未成年人代办时提交', replaceableBy: elicence('居民户口簿') })],
    timeLimit: { legalDays: null, promisedDays: 5 },
    fees: [],
    form: { fields: [
      ...applicant(),
      choose('forWhom', '为谁申领', 'For whom', [['self', '本人', 'Myself'], ['child', '未成年子女（含新生儿）', 'My child']]),
      text('cardholderName', '持卡人姓名', 'Cardholder\'s name'), text('cardholderIdNumber', '持卡人公民身份号码', 'Cardholder\'s ID number'),
      choose('bank', '合作银行', 'Partner bank', [['icbc', '中国工商银行', 'ICBC'], ['ccb', '中国建设银行', 'China Construction Bank'], ['boc', '中国银行', 'Bank of China'], ['abc', '中国农业银行', 'Agricultural Bank of China'], ['bankOfDalian', '大连银行', 'Bank of Dalian']]),
      upload('photo', '证件照片', 'Photo', false),
      choose('delivery', '领取方式', 'How to receive the card', [['window', '银行网点领取', 'Collect at the bank'], ['post', '免费邮寄', 'Free delivery by post']]),
    ] },
  }),
  item({
    code: 'GG00404001000', department: 'hrss', type: 'public_service', nameZh: '就业创业证申领', nameEn: 'Applying for an employment and entrepreneurship certificate',
    summary: '劳动年龄内、有劳动能力的城乡劳动者申领《就业创业证》，记载就业失业状况和享受的就业扶持政策。',
    audiences: ['citizen'], topics: ['employment'], keywords: ['就业证', '失业证', '创业补贴'],
    legalBasis: ['《中华人民共和国就业促进法》', '《就业服务与就业管理规定》（原劳动和社会保障部令第28号）'],
    conditions: ['法定劳动年龄内、有劳动能力', '在本市办理就业或失业登记'],
    materials: [ID_CARD],
    timeLimit: { legalDays: null, promisedDays: 0 },
    form: { fields: [...applicant(), choose('status', '就业状态', 'Employment status', [['employed', '就业', 'Employed'], ['selfEmployed', '自主创业', 'Self-employed'], ['unemployed', '失业', 'Unemployed']])] },
  }),
  item({
    code: 'GG00405001000', department: 'hrss', type: 'public_service', nameZh: '企业职工基本养老保险关系转移接续', nameEn: 'Transferring a basic pension insurance record',
    summary: '参保人员跨省、市流动就业的，转移接续企业职工基本养老保险关系，缴费年限累计计算。',
    audiences: ['citizen'], topics: ['social_insurance', 'employment'], keywords: ['养老保险转移', '社保转移', '社保转入'],
    legalBasis: [`${SOCIAL_INSURANCE_LAW}第十九条`, '《城镇企业职工基本养老保险关系转移接续暂行办法》（国办发〔2009〕66号）'],
    conditions: ['在转出地已参加企业职工基本养老保险', '已在本市就业参保'],
    materials: [ID_CARD, material('transferCertificate', '参保缴费凭证', 'electronic', 0, { note: '通过全国社会保险公共服务平台自动获取，无需提交' })],
    timeLimit: { legalDays: 15, promisedDays: 10 },
    form: { fields: [...applicant(), text('fromRegion', '转出地', 'Transferring from'), text('fromAgency', '转出地社会保险经办机构', 'Social insurance agency there', { required: false })] },
  }),
  item({
    code: 'QR00406001000', department: 'hrss', type: 'confirmation', nameZh: '工伤认定', nameEn: 'Determination of a work-related injury',
    summary: '职工发生事故伤害或者被诊断、鉴定为职业病的，由所在单位、职工或其近亲属、工会组织申请工伤认定。',
    audiences: ['citizen', 'enterprise'], topics: ['employment', 'social_insurance'], keywords: ['工伤', '职业病', '工伤申报'],
    legalBasis: ['《工伤保险条例》（国务院令第586号修订）第十七条、第十八条、第二十条'],
    conditions: ['用人单位自事故伤害发生之日起30日内提出申请；用人单位未提出的，职工或其近亲属、工会组织可在1年内提出', '与用人单位存在劳动关系（包括事实劳动关系）'],
    materials: [applicationForm('工伤认定申请表'), material('laborContract', '与用人单位存在劳动关系的证明材料', 'copy', 1), material('diagnosis', '医疗诊断证明或职业病诊断证明书', 'copy', 1)],
    timeLimit: { legalDays: null, promisedDays: 30 },
    steps: [
      ...SERVICE_STEPS.slice(0, 2),
      { name: '调查核实', description: '根据需要对事故伤害进行调查核实' },
      { name: '作出认定', description: '作出工伤认定决定，送达申请人和用人单位' },
    ],
    form: { fields: [
      ...applicant(), text('employer', '用人单位', 'Employer'), date('injuredOn', '受伤害日期', 'Date of the injury'), text('circumstances', '事故经过', 'What happened'),
      upload('diagnosis', '诊断证明', 'Medical diagnosis'), upload('laborContract', '劳动关系证明', 'Proof of employment'),
    ] },
  }),
  item({
    code: 'JF00407001000', department: 'hrss', type: 'payment', nameZh: '城乡居民基本养老保险待遇申领', nameEn: 'Claiming the basic pension for urban and rural residents',
    summary: '参加城乡居民基本养老保险、年满60周岁、累计缴费满15年且未领取国家规定的基本养老保障待遇的人员，申领按月领取的城乡居民养老保险待遇。',
    audiences: ['citizen'], topics: ['retirement', 'social_insurance'], keywords: ['退休', '养老金', '农村养老', '居民养老'],
    legalBasis: [`${SOCIAL_INSURANCE_LAW}第二十一条、第二十二条`, '《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）'],
    conditions: ['年满60周岁', '累计缴费满15年', '未领取国家规定的基本养老保障待遇'],
    materials: [ID_CARD, HOUSEHOLD_BOOK],
    timeLimit: { legalDays: null, promisedDays: 10 },
    where: atCenter('', { office: '户籍所在地街道（乡镇）社会保障服务窗口', address: '户籍所在地街道（乡镇）便民服务中心', visits: 0 }),
    form: { fields: [...applicant(), text('householdAddress', '户籍地址', 'Household address', { prefill: pop('householdAddress') }), text('bankAccount', '待遇发放账户', 'Account for the pension')] },
  }),
];

// ——— 医疗保障局 ———

const medins: DemoServiceItem[] = [
  item({
    code: 'GG00501001000', department: 'medins', type: 'public_service', nameZh: '城乡居民基本医疗保险参保登记', nameEn: 'Enrolling in basic medical insurance for urban and rural residents',
    summary: '本市户籍或持居住证的城乡居民（含新生儿、学生儿童、灵活就业以外的成年居民）办理城乡居民基本医疗保险参保登记。新生儿出生后90日内参保缴费的，自出生之日起享受待遇。',
    audiences: ['citizen'], topics: ['medical', 'birth'], keywords: ['医保', '新生儿医保', '出生', '居民医保', '参保'],
    legalBasis: [`${SOCIAL_INSURANCE_LAW}第二十五条`, '《国务院关于整合城乡居民基本医疗保险制度的意见》（国发〔2016〕3号）'],
    conditions: ['本市户籍或持本市居住证', '未参加职工基本医疗保险'],
    materials: [ID_CARD, material('householdBook', '居民户口簿或出生医学证明', 'original', 0, { note: '新生儿由户籍信息或出生医学证明信息核验替代', replaceableBy: lookup('PSB-0001', ['idNumber', 'name', 'householdAddress']) })],
    timeLimit: { legalDays: null, promisedDays: 0 },
    form: { fields: [
      ...applicant(),
      text('insuredName', '参保人姓名', 'Name of the insured'), text('insuredIdNumber', '参保人公民身份号码', 'ID number of the insured'),
      choose('category', '参保人员类别', 'Category', [['newborn', '新生儿', 'Newborn'], ['child', '学生儿童', 'Student or child'], ['adult', '成年居民', 'Adult'], ['elderly', '老年居民', 'Elderly']]),
      text('householdAddress', '户籍地址', 'Household address', { prefill: pop('householdAddress') }),
    ] },
  }),
  item({
    code: 'GG00502001000', department: 'medins', type: 'public_service', nameZh: '基本医疗保险关系转移接续', nameEn: 'Transferring a basic medical insurance record',
    summary: '参保人员跨统筹地区流动就业或退休后异地安置的，转移接续基本医疗保险关系，缴费年限互认，退休人员医保待遇不中断。',
    audiences: ['citizen'], topics: ['medical', 'retirement'], keywords: ['医保转移', '退休', '医保关系转移', '医保转入'],
    legalBasis: [`${SOCIAL_INSURANCE_LAW}第三十二条：个人跨统筹地区就业的，其基本医疗保险关系随本人转移，缴费年限累计计算`, '《国家医保局 财政部关于印发〈基本医疗保障关系转移接续暂行办法〉的通知》（医保发〔2021〕43号）'],
    conditions: ['已在转出地参加基本医疗保险', '在本市就业参保或退休后在本市定居'],
    materials: [ID_CARD, material('insuranceRecord', '参保凭证', 'electronic', 0, { note: '通过国家医保信息平台获取，无需提交', replaceableBy: lookup('MEDINS-0001', ['scheme', 'status', 'insuredSince']) })],
    timeLimit: { legalDays: 15, promisedDays: 10 },
    form: { fields: [
      ...applicant(),
      choose('direction', '转移方向', 'Direction', [['in', '转入本市', 'Into Dalian'], ['out', '转出本市', 'Out of Dalian']]),
      text('otherRegion', '转出（入）地', 'The other region'),
      choose('retired', '是否退休人员', 'Retired', [['yes', '是', 'Yes'], ['no', '否', 'No']]),
    ] },
  }),
  item({
    code: 'BA00503001000', department: 'medins', type: 'filing', nameZh: '异地就医备案', nameEn: 'Filing for medical treatment in another region',
    summary: '异地长期居住、临时外出就医的参保人员办理跨省异地就医备案，备案后在就医地定点医疗机构直接结算。',
    audiences: ['citizen'], topics: ['medical'], keywords: ['异地就医', '异地备案', '外地看病'],
    legalBasis: ['《国家医疗保障局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）'],
    conditions: ['本市基本医疗保险参保人员，参保状态正常'],
    materials: [ID_CARD],
    timeLimit: { legalDays: null, promisedDays: 0 },
    form: { fields: [
      ...applicant(),
      choose('kind', '备案类型', 'Kind of filing', [['residence', '异地长期居住', 'Living elsewhere'], ['temporary', '临时外出就医', 'Temporary treatment elsewhere'], ['referral', '转诊转院', 'Referral']]),
      text('destination', '就医地', 'Where you will be treated'), date('from', '开始日期', 'From'),
    ] },
  }),
];

// ——— 住房公积金管理中心 ———

const hpf: DemoServiceItem[] = [
  item({
    code: 'GG00601001000', department: 'hpf', type: 'public_service', nameZh: '离退休提取住房公积金', nameEn: 'Withdrawing the housing provident fund on retirement',
    summary: '缴存职工离休、退休的，提取住房公积金账户内的全部余额并销户，资金转入本人银行账户。',
    audiences: ['citizen'], topics: ['housing', 'retirement'], keywords: ['退休', '公积金提取', '销户提取'],
    legalBasis: [`${HOUSING_FUND}：职工离休、退休的，可以提取职工住房公积金账户内的存储余额`],
    conditions: ['已办理离休、退休手续', '住房公积金账户处于封存或正常状态，无未结清的住房公积金贷款'],
    materials: [
      ID_CARD,
      material('retirementProof', '离退休证明', 'electronic', 0, { note: '由社会保险参保信息核验替代', replaceableBy: lookup('HRSS-0001', ['idNumber', 'insuranceType', 'status']) }),
      material('bankCard', '本人银行借记卡', 'copy', 1),
    ],
    timeLimit: { legalDays: 3, promisedDays: 0 },
    where: atCenter('', { office: '大连市住房公积金管理中心各管理部服务大厅', address: '就近选择', online: true, visits: 0 }),
    form: { fields: [
      ...applicant(),
      number('balance', '账户余额（元）', 'Balance (yuan)', { prefill: { resource: 'HPF-0001', item: 'balance' } }),
      date('retiredOn', '退休日期', 'Date of retirement'), text('bankAccount', '收款银行账户', 'Bank account to pay into'),
    ] },
  }),
  item({
    code: 'GG00602001000', department: 'hpf', type: 'public_service', nameZh: '购买自住住房提取住房公积金', nameEn: 'Withdrawing the housing provident fund to buy a home',
    summary: '缴存职工购买本市或户籍地自住住房的，提取本人及配偶住房公积金账户余额。',
    audiences: ['citizen'], topics: ['housing'], keywords: ['买房提取', '公积金提取', '购房'],
    legalBasis: [`${HOUSING_FUND}：购买、建造、翻建、大修自住住房的，可以提取职工住房公积金账户内的存储余额`],
    conditions: ['正常缴存住房公积金', '购买的是自住住房，且购房之日起3年内申请'],
    materials: [
      ID_CARD,
      material('purchaseContract', '商品房买卖合同', 'copy', 1, { note: '已网签备案的由网签备案信息核验替代', replaceableBy: lookup('HOUSING-0001', ['contractNumber', 'buyerIdNumber', 'price', 'filedOn']) }),
      material('propertyCertificate', '不动产权证书', 'copy', 1, { required: false, note: '购买二手房时由不动产登记信息核验替代', replaceableBy: lookup('NR-0001', ['certificateNumber', 'rightHolderIdNumber', 'registeredOn']) }),
    ],
    timeLimit: { legalDays: 3, promisedDays: 1 },
    form: { fields: [
      ...applicant(),
      choose('houseType', '住房类型', 'Kind of home', [['new', '新建商品房', 'New home'], ['resale', '二手房', 'Resale home']]),
      number('price', '购房总价（元）', 'Price (yuan)'), text('bankAccount', '收款银行账户', 'Bank account to pay into'),
      upload('purchaseContract', '购房合同', 'Purchase contract', false),
    ] },
  }),
];

// ——— 民政局 ———

const civil: DemoServiceItem[] = [
  item({
    code: 'QR00701001000', department: 'civil', type: 'confirmation', nameZh: '内地居民结婚登记', nameEn: 'Marriage registration of mainland residents',
    summary: '内地居民自愿结婚的，男女双方共同到婚姻登记机关办理结婚登记，领取结婚证。可网上预约登记时间，全国通办。',
    audiences: ['citizen'], topics: ['marriage'], keywords: ['结婚', '领证', '结婚证', '结婚登记预约'],
    legalBasis: ['《中华人民共和国民法典》第一千零四十九条：要求结婚的男女双方应当亲自到婚姻登记机关申请结婚登记', '《婚姻登记条例》第四条、第五条、第七条'],
    conditions: ['男女双方完全自愿', '男方年满22周岁，女方年满20周岁', '双方均无配偶，且没有直系血亲和三代以内旁系血亲关系'],
    materials: [
      material('bothIds', '双方居民身份证', 'original', 0, { replaceableBy: elicence('居民身份证') }),
      material('declaration', '本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明', 'original', 1, { note: '在登记现场签署' }),
      material('photos', '双方近期半身免冠合影照片', 'original', 2, { note: '可在登记处现场拍摄' }),
    ],
    timeLimit: { legalDays: null, promisedDays: 0 },
    where: atCenter('', { office: '各区市县婚姻登记处', address: '当事人任一方户籍地或经常居住地婚姻登记处', online: false, visits: 1 }),
    form: { fields: [
      ...applicant(),
      text('partnerName', '对方姓名', 'Partner\'s name'), text('partnerIdNumber', '对方公民身份号码', 'Partner\'s ID number'),
      choose('office', '预约登记处', 'Registry office', [
        ['zhongshan', '中山区婚姻登记处', 'Zhongshan District registry'], ['xigang', '西岗区婚姻登记处', 'Xigang District registry'],
        ['shahekou', '沙河口区婚姻登记处', 'Shahekou District registry'], ['ganjingzi', '甘井子区婚姻登记处', 'Ganjingzi District registry'],
      ]),
      date('appointmentOn', '预约日期', 'Appointment date'),
    ] },
  }),
  item({
    code: 'JF00702001000', department: 'civil', type: 'payment', nameZh: '高龄津贴申领', nameEn: 'Claiming the old-age allowance',
    summary: '本市户籍80周岁以上老年人申领高龄津贴，按月发放。符合条件的可"免申即享"，由户籍和社保数据比对后自动发放。',
    audiences: ['citizen'], topics: ['retirement', 'assistance'], keywords: ['高龄补贴', '老年人', '高龄津贴'],
    legalBasis: ['《中华人民共和国老年人权益保障法》第三十三条：国家建立和完善老年人福利制度，根据经济社会发展水平和老年人的实际需要，增加老年人的社会福利'],
    conditions: ['本市户籍', '年满80周岁'],
    materials: [ID_CARD, HOUSEHOLD_BOOK],
    timeLimit: { legalDays: null, promisedDays: 15 },
    where: atCenter('', { office: '户籍所在地社区（村）或街道（乡镇）便民服务中心', address: '户籍所在地街道（乡镇）便民服务中心', visits: 0 }),
    form: { fields: [
      ...applicant(),
      date('birthDate', '出生日期', 'Date of birth', { prefill: pop('birthDate') }),
      text('householdAddress', '户籍地址', 'Household address', { prefill: pop('householdAddress') }), text('bankAccount', '发放账户', 'Bank account'),
    ] },
  }),
  item({
    code: 'JF00703001000', department: 'civil', type: 'payment', nameZh: '最低生活保障审核确认', nameEn: 'Determining eligibility for the minimum living allowance',
    summary: '共同生活的家庭成员人均收入低于本市最低生活保障标准且财产状况符合规定的家庭，申请最低生活保障。',
    audiences: ['citizen'], topics: ['assistance'], keywords: ['低保', '最低生活保障', '困难家庭'],
    legalBasis: ['《社会救助暂行办法》（国务院令第649号）第九条至第十一条', '《最低生活保障审核确认办法》（民发〔2021〕57号）'],
    conditions: ['持有本市户籍', '共同生活家庭成员人均收入低于本市最低生活保障标准', '家庭财产状况符合本市规定'],
    materials: [
      ID_CARD, HOUSEHOLD_BOOK,
      material('incomeDeclaration', '家庭收入和财产状况申报及核对授权书', 'original', 1, { note: '授权民政部门通过数据共享核对家庭经济状况' }),
    ],
    timeLimit: { legalDays: 30, promisedDays: 20 },
    steps: [
      ...SERVICE_STEPS.slice(0, 2),
      { name: '家庭经济状况核对', description: '通过数据共享核对户籍、社保、不动产、车辆、存款等信息', days: 5 },
      { name: '入户调查', description: '乡镇（街道）组织入户调查', days: 5 },
      { name: '公示', description: '在申请家庭所在村（社区）公示7天', days: 7, special: true },
      { name: '审核确认', description: '县级民政部门审核确认，不予确认的书面说明理由' },
    ],
    where: atCenter('', { office: '户籍所在地街道（乡镇）社会救助窗口', address: '户籍所在地街道（乡镇）便民服务中心', visits: 0 }),
    form: { fields: [
      ...applicant(),
      number('householdSize', '共同生活家庭人数', 'People in the household'), number('monthlyIncome', '家庭月收入（元）', 'Household income per month (yuan)'),
      text('hardship', '困难原因', 'Why you need help'), upload('incomeDeclaration', '收入财产申报及授权书', 'Income declaration and consent'),
    ] },
  }),
];

// ——— 应急管理局（消防救援） ———

const emergency: DemoServiceItem[] = [
  item({
    code: 'XK00801001000', department: 'emergency', type: 'licensing', nameZh: '公众聚集场所投入使用、营业前消防安全检查', nameEn: 'Fire safety inspection before a public venue opens',
    summary: '宾馆、饭店、商场、公共娱乐场所等公众聚集场所在投入使用、营业前，向所在地消防救援机构申请消防安全检查。可选择告知承诺方式当场办理。',
    audiences: ['enterprise'], topics: ['safety', 'business_permit'], keywords: ['消防检查', '消防许可', '开业消防', '消防安全'],
    legalBasis: ['《中华人民共和国消防法》第十五条：消防救援机构应当自受理申请之日起十个工作日内，根据消防技术标准和管理规定，对该场所进行检查', '《公众聚集场所投入使用、营业消防安全检查规则》'],
    conditions: ['场所依法通过建设工程消防验收或备案', '消防设施、器材符合消防技术标准并完好有效', '已建立消防安全制度，确定消防安全管理人员'],
    materials: [
      applicationForm('公众聚集场所投入使用、营业消防安全检查申请表'), BUSINESS_LICENCE,
      material('firePlan', '场所平面布置图、场所消防设施平面图', 'original', 1), material('fireRules', '消防安全制度、灭火和应急疏散预案', 'original', 1),
      material('commitment', '消防安全告知承诺书', 'original', 1, { required: false, note: '选择告知承诺方式办理时提交' }),
    ],
    timeLimit: { legalDays: 10, promisedDays: 5 },
    where: atCenter('二楼 准营准办专区（消防救援窗口）', { visits: 0 }),
    form: { fields: [
      ...enterprise(),
      text('venueName', '场所名称', 'Name of the venue'), text('venueAddress', '场所地址', 'Address of the venue'), number('area', '建筑面积（平方米）', 'Floor area (m²)'),
      choose('usage', '场所用途', 'Use of the venue', [['restaurant', '餐饮场所', 'Restaurant'], ['market', '商场市场', 'Shop or market'], ['hotel', '宾馆', 'Hotel'], ['entertainment', '公共娱乐场所', 'Entertainment venue'], ['other', '其他', 'Other']]),
      choose('procedure', '办理方式', 'Procedure', [['commitment', '告知承诺（当场办结）', 'Declaration (decided on the spot)'], ['inspection', '检查后决定', 'Inspection first']]),
      upload('firePlan', '平面布置图', 'Floor plans'), upload('commitment', '告知承诺书', 'Signed declaration', false),
    ] },
  }),
  item({
    code: 'BA00802001000', department: 'emergency', type: 'filing', nameZh: '生产经营单位生产安全事故应急预案备案', nameEn: 'Filing a work-safety emergency plan',
    summary: '矿山、金属冶炼、危险化学品等生产经营单位，将生产安全事故应急预案报应急管理部门备案。',
    audiences: ['enterprise'], topics: ['safety'], keywords: ['应急预案', '预案备案'],
    legalBasis: ['《生产安全事故应急条例》（国务院令第708号）第七条', '《生产安全事故应急预案管理办法》（应急管理部令第2号）'],
    conditions: ['应急预案已经评审或论证并由主要负责人签署公布'],
    materials: [applicationForm('生产经营单位生产安全事故应急预案备案申请表'), material('plan', '应急预案文本', 'electronic', 0), material('review', '应急预案评审意见', 'copy', 1)],
    timeLimit: { legalDays: null, promisedDays: 0 },
    form: { fields: [...enterprise(), text('planName', '预案名称', 'Name of the plan'), upload('plan', '应急预案', 'The plan'), upload('review', '评审意见', 'Review opinion')] },
  }),
];

// ——— 水务局、城市管理局 ———

const waterAndUrban: DemoServiceItem[] = [
  item({
    code: 'XK00901001000', department: 'water', type: 'licensing', nameZh: '城镇污水排入排水管网许可', nameEn: 'Permit to discharge wastewater into the public sewers',
    summary: '从事餐饮、洗浴、洗车、工业等活动的排水户向城镇排水设施排放污水的，申请污水排入排水管网许可证。',
    audiences: ['enterprise'], topics: ['business_permit', 'environment'], keywords: ['排水许可', '餐饮排水', '排水证'],
    legalBasis: ['《城镇排水与污水处理条例》（国务院令第641号）第二十一条', '《城镇污水排入排水管网许可管理办法》（住房和城乡建设部令第21号）'],
    conditions: ['排放口的设置符合城镇排水与污水处理规划的要求', '按规定建设预处理设施（餐饮排水户设置隔油设施）', '排放的污水符合国家或者地方规定的排放标准'],
    materials: [applicationForm('城镇污水排入排水管网许可申请表'), BUSINESS_LICENCE, material('drainagePlan', '排水户内部排水管网、专用检测井、污水排放口位置和口径的图纸及说明', 'original', 1)],
    timeLimit: { legalDays: null, promisedDays: 5 },
    form: { fields: [
      ...enterprise(),
      choose('activity', '排水行业', 'Activity', [['catering', '餐饮', 'Catering'], ['bathing', '洗浴', 'Bathing'], ['carWash', '洗车', 'Car wash'], ['industry', '工业', 'Industry']]),
      number('dailyVolume', '日排水量（立方米）', 'Daily discharge (m³)'), choose('greaseTrap', '已设置隔油设施', 'Grease trap installed', [['yes', '是', 'Yes'], ['no', '否', 'No']]),
      upload('drainagePlan', '排水图纸', 'Drainage plans'),
    ] },
  }),
  item({
    code: 'XK01001001000', department: 'urban', type: 'licensing', nameZh: '城市建筑物、设施上设置户外招牌审批', nameEn: 'Approval of an outdoor shop sign',
    summary: '在城市建筑物、设施上设置户外招牌（门头牌匾）或悬挂、张贴宣传品的，报城市管理部门审批。',
    audiences: ['enterprise', 'citizen'], topics: ['business_permit'], keywords: ['门头牌匾', '招牌', '户外广告', '店招'],
    legalBasis: ['《城市市容和环境卫生管理条例》（国务院令第101号）第十一条', '《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）', LICENSING_LAW],
    conditions: ['招牌设置符合本市户外招牌设置规划和技术规范', '设置位置不影响建筑物安全、消防通道和相邻权利人'],
    materials: [applicationForm('户外招牌设置申请表'), BUSINESS_LICENCE, material('design', '招牌设计效果图（标明尺寸、材质、位置）', 'original', 1), premisesProof],
    timeLimit: { legalDays: 20, promisedDays: 5 },
    form: { fields: [
      ...enterprise(), text('signText', '招牌文字', 'Text on the sign'), text('signSize', '尺寸（长×宽，米）', 'Size (m)'), text('location', '设置位置', 'Where it goes'),
      upload('design', '设计效果图', 'Design drawing'),
    ] },
  }),
];

// ——— 住房和城乡建设局、自然资源局 ———

const building: DemoServiceItem[] = [
  item({
    code: 'XK01101001000', department: 'housing', type: 'licensing', nameZh: '建筑工程施工许可证核发', nameEn: 'Construction permit for a building project',
    summary: '在本市行政区域内从事各类房屋建筑及其附属设施的建造、装修装饰和与其配套的线路、管道、设备的安装，以及城镇市政基础设施工程的施工，建设单位在开工前申请领取施工许可证。',
    audiences: ['enterprise'], topics: ['construction'], keywords: ['施工许可证', '开工许可', '建筑许可'],
    legalBasis: ['《中华人民共和国建筑法》第七条、第八条', '《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）'],
    conditions: ['已经办理用地批准手续', '已经取得建设工程规划许可证', '已经确定施工企业', '有满足施工需要的资金安排、施工图纸及技术资料，有保证工程质量和安全的具体措施'],
    materials: [applicationForm('建筑工程施工许可证申请表'), material('planningPermit', '建设工程规划许可证', 'copy', 1, { replaceableBy: elicence('建设工程规划许可证') }), material('contract', '施工合同', 'copy', 1), material('fundsCommitment', '建设资金已经落实承诺书', 'original', 1)],
    timeLimit: { legalDays: null, promisedDays: 3 },
    form: { fields: [...enterprise(), text('project', '工程名称', 'Project name'), text('site', '建设地址', 'Site'), number('cost', '合同价格（万元）', 'Contract price (10,000 yuan)'), upload('contract', '施工合同', 'Construction contract')] },
  }),
  item({
    code: 'BA01102001000', department: 'housing', type: 'filing', nameZh: '其他建设工程消防验收备案', nameEn: 'Filing the fire acceptance of a construction project',
    summary: '特殊建设工程以外的其他建设工程（含店面装修），竣工验收合格后办理消防验收备案，按规定接受抽查。',
    audiences: ['enterprise'], topics: ['construction', 'safety'], keywords: ['消防验收', '消防备案', '装修消防'],
    legalBasis: ['《中华人民共和国消防法》第十三条', '《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第58号修正）'],
    conditions: ['建设工程已竣工验收合格'],
    materials: [applicationForm('消防验收备案表'), material('acceptanceReport', '工程竣工验收报告', 'copy', 1), material('fireTest', '消防设施检测报告', 'copy', 1, { required: false })],
    timeLimit: { legalDays: null, promisedDays: 0 },
    form: { fields: [...enterprise(), text('project', '工程名称', 'Project name'), text('site', '工程地址', 'Address'), number('area', '建筑面积（平方米）', 'Floor area (m²)'), upload('acceptanceReport', '竣工验收报告', 'Completion report')] },
  }),
  item({
    code: 'QR01201001000', department: 'nr', type: 'confirmation', nameZh: '国有建设用地使用权及房屋所有权转移登记', nameEn: 'Registration of the transfer of a home',
    summary: '因买卖、互换、赠与、继承等原因，国有建设用地使用权及房屋所有权发生转移的，申请转移登记（二手房过户），"交易、缴税、登记"一窗办理。',
    audiences: ['citizen', 'enterprise'], topics: ['housing'], keywords: ['房产证', '过户', '二手房', '不动产登记'],
    legalBasis: ['《中华人民共和国民法典》第二百零九条', '《不动产登记暂行条例》第二十条：不动产登记机构应当自受理登记申请之日起30个工作日内办结不动产登记手续', '《不动产登记暂行条例实施细则》'],
    conditions: ['不动产权属清晰，未被查封', '已缴纳相关税费'],
    materials: [
      applicationForm('不动产登记申请书'), ID_CARD,
      material('propertyCertificate', '不动产权证书', 'original', 0, { replaceableBy: lookup('NR-0001', ['certificateNumber', 'location', 'rightHolder', 'mortgaged', 'seized']) }),
      material('saleContract', '存量房买卖合同', 'original', 1, { replaceableBy: lookup('HOUSING-0001', ['contractNumber', 'buyerIdNumber', 'price']) }),
      material('taxReceipt', '完税凭证', 'electronic', 0, { note: '由税务部门推送，无需提交' }),
    ],
    timeLimit: { legalDays: 30, promisedDays: 5 },
    fees: [{ name: '不动产登记费（住宅）', amountYuan: 80, basis: '《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）' }],
    where: atCenter('', { office: '大连市不动产登记中心服务大厅', address: '大连市西岗区北京街 22 号', online: true, visits: 1 }),
    form: { fields: [
      ...applicant(),
      text('location', '不动产坐落', 'Location of the property', { prefill: { resource: 'NR-0001', item: 'location' } }),
      choose('cause', '转移原因', 'Cause of the transfer', [['sale', '买卖', 'Sale'], ['gift', '赠与', 'Gift'], ['inheritance', '继承', 'Inheritance'], ['exchange', '互换', 'Exchange']]),
      text('transferee', '受让人姓名', 'Name of the new owner'), text('transfereeIdNumber', '受让人公民身份号码', 'ID number of the new owner'),
      DELIVERY,
    ] },
  }),
];

// ——— 教育局、交通运输局、文化和旅游局、司法局、生态环境局 ———

const others: DemoServiceItem[] = [
  item({
    code: 'GG01301001000', department: 'edu', type: 'public_service', nameZh: '义务教育阶段小学新生入学登记', nameEn: 'Enrolling a child in primary school',
    summary: '适龄儿童（当年8月31日前年满6周岁）的监护人在规定时间内办理小学入学登记，按户籍和住房划片就近入学。',
    audiences: ['citizen'], topics: ['education'], keywords: ['入学', '上学', '小学报名', '幼升小'],
    legalBasis: ['《中华人民共和国义务教育法》第十一条、第十二条：适龄儿童、少年免试入学，地方各级人民政府应当保障适龄儿童、少年在户籍所在地学校就近入学'],
    conditions: ['儿童当年8月31日前年满6周岁', '本市户籍，或父母在本市居住、就业并持有居住证'],
    materials: [
      HOUSEHOLD_BOOK,
      material('residenceProof', '房产证明或居住证', 'copy', 1, { note: '自有住房由不动产登记信息核验替代', replaceableBy: lookup('NR-0001', ['certificateNumber', 'location', 'rightHolderIdNumber']) }),
    ],
    timeLimit: { legalDays: null, promisedDays: 10 },
    where: atCenter('', { office: '大连市义务教育入学服务平台（网上登记）', address: '划片学校或区教育局', online: true, visits: 0 }),
    form: { fields: [
      ...applicant(),
      text('childName', '儿童姓名', 'Child\'s name'), text('childIdNumber', '儿童公民身份号码', 'Child\'s ID number'),
      text('householdAddress', '户籍地址', 'Household address', { prefill: pop('householdAddress'), hintZh: '按户籍地址和住房划片' }),
      choose('basis', '入学依据', 'Basis for the school place', [['houseAndHukou', '户籍和住房一致', 'Household and home at the same address'], ['hukouOnly', '仅有户籍', 'Household registration only'], ['residencePermit', '居住证', 'Residence permit']]),
      upload('residenceProof', '住房证明', 'Proof of housing', false),
    ] },
  }),
  item({
    code: 'XK01302001000', department: 'edu', type: 'licensing', nameZh: '教师资格认定', nameEn: 'Recognition of a teacher qualification',
    summary: '通过中小学教师资格考试或符合免试认定条件的人员，申请认定幼儿园、小学、初级中学、高级中学等教师资格。',
    audiences: ['citizen'], topics: ['education', 'employment'], keywords: ['教师资格证', '教资认定', '教师证'],
    legalBasis: ['《中华人民共和国教师法》第十条至第十三条', '《教师资格条例》（国务院令第188号）', '《〈教师资格条例〉实施办法》（教育部令第10号）'],
    conditions: ['遵守宪法和法律，热爱教育事业，具有良好的思想品德', '具备规定的学历', '中小学教师资格考试合格且在有效期内', '普通话水平达到二级乙等以上'],
    materials: [ID_CARD, material('diploma', '学历证书', 'copy', 1, { replaceableBy: elicence('学历证书') }), material('examCertificate', '中小学教师资格考试合格证明', 'electronic', 0), material('medical', '体检合格证明', 'original', 1)],
    timeLimit: { legalDays: 30, promisedDays: 20 },
    form: { fields: [
      ...applicant(),
      choose('level', '资格种类', 'Kind of qualification', [['kindergarten', '幼儿园', 'Kindergarten'], ['primary', '小学', 'Primary school'], ['juniorSecondary', '初级中学', 'Junior secondary'], ['seniorSecondary', '高级中学', 'Senior secondary']]),
      text('subject', '任教学科', 'Subject'), upload('medical', '体检合格证明', 'Medical certificate'),
    ] },
  }),
  item({
    code: 'XK01401001000', department: 'transport', type: 'licensing', nameZh: '网络预约出租汽车驾驶员证核发', nameEn: 'Licence for ride-hailing drivers',
    summary: '从事网络预约出租汽车客运服务的驾驶员，通过从业资格考试后申请网络预约出租汽车驾驶员证。',
    audiences: ['citizen'], topics: ['transport', 'employment'], keywords: ['网约车', '网约车驾驶证', '网约车资格证'],
    legalBasis: ['《网络预约出租汽车经营服务管理暂行办法》第十四条、第十五条', '《出租汽车驾驶员从业资格管理规定》'],
    conditions: ['取得相应准驾车型机动车驾驶证并具有3年以上驾驶经历', '无交通肇事犯罪、危险驾驶犯罪记录，无吸毒记录，无饮酒后驾驶记录，最近连续3个记分周期内没有记满12分记录', '无暴力犯罪记录', '通过网络预约出租汽车驾驶员从业资格考试'],
    materials: [
      ID_CARD,
      material('drivingLicence', '机动车驾驶证', 'copy', 1, { replaceableBy: lookup('PSB-0003', ['licenceClass', 'firstIssuedOn', 'status', 'penaltyPoints']) }),
      material('noCriminalRecord', '无犯罪记录证明', 'electronic', 0, { note: '由公安机关核查，申请人无需提交' }),
    ],
    timeLimit: { legalDays: 20, promisedDays: 10 },
    form: { fields: [
      ...applicant(), text('licenceClass', '准驾车型', 'Licence class', { prefill: { resource: 'PSB-0003', item: 'licenceClass' } }),
      date('firstIssuedOn', '初次领证日期', 'First licensed on', { prefill: { resource: 'PSB-0003', item: 'firstIssuedOn' } }), text('platform', '拟服务的网约车平台', 'Platform you will drive for', { required: false }),
    ] },
  }),
  item({
    code: 'XK01402001000', department: 'transport', type: 'licensing', nameZh: '道路货物运输经营许可', nameEn: 'Road freight transport licence',
    summary: '使用总质量4500千克以上普通货运车辆从事道路货物运输经营的，申请道路运输经营许可证。',
    audiences: ['enterprise'], topics: ['business_permit', 'transport'], keywords: ['道路运输许可证', '货运', '物流'],
    legalBasis: ['《中华人民共和国道路运输条例》第二十一条、第二十四条', '《道路货物运输及站场管理规定》'],
    conditions: ['有与其经营业务相适应并经检测合格的车辆', '有符合规定条件的驾驶人员', '有健全的安全生产管理制度'],
    materials: [applicationForm('道路货物运输经营申请表'), BUSINESS_LICENCE, material('vehicles', '拟投入车辆承诺书', 'original', 1), material('safetyRules', '安全生产管理制度文本', 'original', 1)],
    timeLimit: { legalDays: null, promisedDays: 10 },
    form: { fields: [...enterprise(), number('vehicles', '拟投入车辆数', 'Number of vehicles'), text('base', '经营场所', 'Base of operations'), upload('safetyRules', '安全生产管理制度', 'Safety rules')] },
  }),
  item({
    code: 'XK01501001000', department: 'culture', type: 'licensing', nameZh: '娱乐场所从事娱乐场所经营活动审批', nameEn: 'Licence to run an entertainment venue',
    summary: '设立歌舞娱乐场所、游艺娱乐场所，从事娱乐场所经营活动的，申请娱乐经营许可证。',
    audiences: ['enterprise'], topics: ['culture_tourism', 'business_permit'], keywords: ['娱乐经营许可证', 'KTV', '歌舞厅'],
    legalBasis: ['《娱乐场所管理条例》（国务院令第458号）第九条、第十一条'],
    conditions: ['场所位置符合《娱乐场所管理条例》第七条的规定', '使用面积和设施设备符合规定', '投资人员、拟任法定代表人和其他负责人不存在条例第五条规定的情形'],
    materials: [applicationForm('娱乐经营许可申请表'), BUSINESS_LICENCE, material('floorPlan', '场所平面示意图和消防安全证明', 'original', 1)],
    timeLimit: { legalDays: null, promisedDays: 10 },
    steps: [...LICENSING_STEPS.slice(0, 3), { name: '听证', description: '申请设立歌舞娱乐场所的，依法举行听证', special: true }, ...LICENSING_STEPS.slice(3)],
    form: { fields: [
      ...enterprise(), choose('kind', '场所类型', 'Kind of venue', [['singing', '歌舞娱乐场所', 'Singing and dancing'], ['arcade', '游艺娱乐场所', 'Amusement arcade']]),
      number('area', '使用面积（平方米）', 'Floor area (m²)'), upload('floorPlan', '场所平面示意图', 'Floor plan'),
    ] },
  }),
  item({
    code: 'GG01601001000', department: 'justice', type: 'public_service', nameZh: '法律援助申请', nameEn: 'Applying for legal aid',
    summary: '经济困难的公民和符合法定条件的其他当事人，就追索劳动报酬、请求给付赡养费、抚养费、工伤赔偿等事项申请法律援助，获得免费的法律咨询、代理和刑事辩护等服务。',
    audiences: ['citizen'], topics: ['legal', 'assistance'], keywords: ['法律援助', '免费律师', '讨薪'],
    legalBasis: ['《中华人民共和国法律援助法》第三十一条、第四十一条、第四十三条：法律援助机构应当自收到法律援助申请之日起七日内进行审查'],
    conditions: ['经济困难，或属于法律援助法规定的免予经济困难审查的情形', '申请事项属于法律援助范围'],
    materials: [
      ID_CARD, material('hardshipDeclaration', '经济困难状况说明表', 'original', 1, { note: '领取最低生活保障的由低保信息核验替代', replaceableBy: lookup('CIVIL-0002', ['assistanceType', 'validFrom']) }),
      material('caseMaterials', '与所申请法律援助事项有关的材料', 'copy', 1),
    ],
    timeLimit: { legalDays: null, promisedDays: 5 },
    where: atCenter('', { office: '大连市法律援助中心或各区市县法律援助中心', address: '大连市西岗区新开路 99 号', online: true, visits: 0 }),
    form: { fields: [
      ...applicant(),
      choose('matter', '申请事项', 'Matter', [['wages', '追索劳动报酬', 'Unpaid wages'], ['maintenance', '请求给付赡养费、抚养费、扶养费', 'Maintenance'], ['injury', '工伤赔偿', 'Work injury compensation'], ['other', '其他', 'Other']]),
      text('description', '案情简述', 'What happened'), upload('caseMaterials', '相关材料', 'Supporting documents'),
    ] },
  }),
  item({
    code: 'XK01701001000', department: 'eco', type: 'licensing', nameZh: '建设项目环境影响报告表审批', nameEn: 'Approval of an environmental impact report form',
    summary: '依法应当编制环境影响报告表的建设项目，建设单位在开工建设前报生态环境部门审批。',
    audiences: ['enterprise'], topics: ['environment', 'construction'], keywords: ['环评', '环境影响评价', '环评审批'],
    legalBasis: ['《中华人民共和国环境影响评价法》第二十二条', '《建设项目环境保护管理条例》（国务院令第682号）第九条'],
    conditions: ['建设项目类型及其选址、布局、规模符合环境保护法律法规和相关法定规划', '环境影响报告表编制规范，结论明确'],
    materials: [applicationForm('建设项目环境影响评价文件审批申请书'), material('eiaReport', '建设项目环境影响报告表', 'original', 1), BUSINESS_LICENCE],
    timeLimit: { legalDays: null, promisedDays: 10 },
    steps: [...LICENSING_STEPS.slice(0, 2), { name: '技术评估', description: '委托技术评估机构评估', special: true }, { name: '公示', description: '拟审批结果公示5个工作日', days: 5, special: true }, ...LICENSING_STEPS.slice(3)],
    form: { fields: [...enterprise(), text('project', '建设项目名称', 'Project name'), text('site', '建设地点', 'Site'), upload('eiaReport', '环境影响报告表', 'Report form')] },
  }),
];

export const demoServiceItems: DemoServiceItem[] = [...amr, ...psb, ...health, ...hrss, ...medins, ...hpf, ...civil, ...emergency, ...waterAndUrban, ...building, ...others];

export const demoLifeEvents: LifeEventInput[] = [
  {
    code: 'open-restaurant', nameZh: '开办餐饮店', nameEn: 'Opening a restaurant', audience: 'enterprise',
    summary: '开一家饭店，一次告知、一表申请、一口受理：公司登记、食品经营许可、消防安全检查、污水排入排水管网许可和门头招牌设置，由各部门并联办理。',
    items: ['XK00101001000', 'XK00103001000', 'XK00801001000', 'XK00901001000', 'XK01001001000'],
  },
  {
    code: 'newborn', nameZh: '新生儿出生', nameEn: 'A baby is born', audience: 'citizen',
    summary: '孩子出生后，出生医学证明、出生登记（落户）、城乡居民医保参保和社会保障卡申领一次办好，父母不用再跑医院、派出所、医保和社保窗口。',
    items: ['GG00301001000', 'QR00201001000', 'GG00501001000', 'GG00403001000'],
  },
  {
    code: 'retirement', nameZh: '退休', nameEn: 'Retiring', audience: 'citizen',
    summary: '到了退休年龄，养老保险待遇申领、医保关系转移接续和住房公积金提取一次申请，养老金、医保待遇和公积金按时到账。',
    items: ['JF00401001000', 'GG00502001000', 'GG00601001000'],
  },
];

/** The USCC of a demo department key. */
export function demoDepartmentCode(key: string): string {
  const department = demoDepartments.find((d) => d.key === key);
  if (!department) throw new Error(`the demo service items name an unknown department ${key}`);
  return department.uscc;
}

/**
 * Publishes the demo items and life events that are not there yet, so it can run again, and
 * on a hub seeded before service items existed. Needs the registry and the catalog seeded.
 */
export async function seedServiceItems(database: HubDatabase): Promise<number> {
  const actor = systemActor('demo');
  const missing = (error: unknown) => {
    if (error instanceof DomainError && error.code === 'not_found') return null;
    throw error;
  };
  let published = 0;
  for (const demo of demoServiceItems) {
    if (await getServiceItem(database, demo.code).catch(missing)) continue;
    await createServiceItem(database, actor, { ...demo, department: demoDepartmentCode(demo.department) });
    published += 1;
  }
  for (const event of demoLifeEvents) {
    if (await getLifeEvent(database, event.code).catch(missing)) continue;
    await createLifeEvent(database, actor, event);
    published += 1;
  }
  return published;
}
