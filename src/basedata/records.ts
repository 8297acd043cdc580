/**
 * What the two reference backends serve: the records of the population registry (catalog
 * resources PSB-0001 and PSB-0002) and of the enterprise registry (AMR-0001), item by item with
 * the names and data types the catalog lists, so that a provider gateway can keep or drop each
 * item of an agreement. The backends own these definitions; a test holds them equal to the
 * catalog's items.
 */

export type Registry = 'population' | 'enterprises';
export const registries: readonly Registry[] = ['population', 'enterprises'];

export type ItemType = 'string' | 'code' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'object' | 'array';

export interface RecordItem {
  name: string;
  labelZh: string;
  dataType: ItemType;
  /** null is a value of this item (no former name, registration not cancelled…). */
  nullable?: boolean;
  /** The code list of a `code` item: code → meaning. */
  codes?: Readonly<Record<string, string>>;
  description?: string;
}

// ——— Code lists ———

/** GB/T 2261.1-2003. */
export const SEX = { '1': '男', '2': '女' } as const;

/** GB/T 3304-1991: the groups living in Dalian in numbers (the standard lists all 56). */
export const ETHNICITY = {
  '01': '汉族', '02': '蒙古族', '03': '回族', '06': '苗族', '08': '壮族', '10': '朝鲜族', '11': '满族', '15': '土家族', '38': '锡伯族',
} as const;

/** GB/T 4761-2008, the relations a household register records. */
export const HOUSEHOLD_RELATION = {
  '02': '户主', '11': '夫', '12': '妻', '20': '子', '30': '女', '41': '孙子', '42': '孙女', '51': '父亲', '52': '母亲', '99': '非亲属',
} as const;

/** GB/T 2261.2-2003. */
export const MARITAL_STATUS = { '10': '未婚', '20': '已婚', '30': '丧偶', '40': '离婚' } as const;

/** GB/T 4658-2006. */
export const EDUCATION_LEVEL = {
  '11': '博士研究生', '14': '硕士研究生', '20': '大学本科', '30': '大学专科', '40': '中等职业教育', '60': '普通高级中学', '70': '初级中学', '80': '小学', '90': '其他',
} as const;

/** The registry's own list of reasons a household registration is cancelled. */
export const CANCELLATION_REASON = { '1': '死亡', '2': '迁出本市', '3': '出国（境）定居' } as const;

/** Enterprise types as the public credit information system prints them. */
export const ENTERPRISE_TYPES = [
  '有限责任公司（自然人投资或控股）', '有限责任公司（自然人独资）', '有限责任公司（法人独资）', '有限责任公司（国有独资）', '其他有限责任公司',
  '股份有限公司（非上市、自然人投资或控股）', '有限责任公司分公司（自然人投资或控股）', '个体工商户', '农民专业合作社',
] as const;

export const ENTERPRISE_STATUS = ['存续', '吊销', '注销', '迁出'] as const;

const codesOf = (list: readonly string[]): Record<string, string> => Object.fromEntries(list.map((v) => [v, v]));

// ——— Records ———

export interface PersonRecord {
  idNumber: string;
  name: string;
  formerName: string | null;
  sex: keyof typeof SEX;
  ethnicity: keyof typeof ETHNICITY;
  birthDate: string;
  birthPlace: string;
  householdDivision: string;
  householdAddress: string;
  householdRelation: keyof typeof HOUSEHOLD_RELATION;
  maritalStatus: keyof typeof MARITAL_STATUS;
  educationLevel: keyof typeof EDUCATION_LEVEL | null;
  cancellationReason: keyof typeof CANCELLATION_REASON | null;
  cancellationDate: string | null;
  /** Biometrics are not held by the reference backend (and never shared: the catalog says not_shared). */
  photo: null;
  fingerprint: null;
}

export interface VerificationResult {
  idNumber: string;
  name: string;
  consistent: boolean;
  cardValid: boolean;
  cardValidUntil: string | null;
}

export interface EnterpriseRecord {
  uscc: string;
  name: string;
  type: (typeof ENTERPRISE_TYPES)[number];
  legalRepresentative: string;
  legalRepresentativeIdNumber: string;
  registeredCapital: number | null;
  establishedOn: string;
  address: string;
  businessScope: string;
  registrationAuthority: string;
  status: (typeof ENTERPRISE_STATUS)[number];
  contactPhone: string;
}

export const personItems: readonly RecordItem[] = [
  { name: 'idNumber', labelZh: '公民身份号码', dataType: 'string', description: 'GB 11643-1999, 18 characters' },
  { name: 'name', labelZh: '姓名', dataType: 'string' },
  { name: 'formerName', labelZh: '曾用名', dataType: 'string', nullable: true },
  { name: 'sex', labelZh: '性别', dataType: 'code', codes: SEX, description: 'GB/T 2261.1' },
  { name: 'ethnicity', labelZh: '民族', dataType: 'code', codes: ETHNICITY, description: 'GB/T 3304' },
  { name: 'birthDate', labelZh: '出生日期', dataType: 'date' },
  { name: 'birthPlace', labelZh: '出生地', dataType: 'code', description: 'GB/T 2260 division code (the code in force at birth)' },
  { name: 'householdDivision', labelZh: '户籍地行政区划', dataType: 'code', description: 'GB/T 2260' },
  { name: 'householdAddress', labelZh: '户籍地址', dataType: 'string' },
  { name: 'householdRelation', labelZh: '与户主关系', dataType: 'code', codes: HOUSEHOLD_RELATION, description: 'GB/T 4761' },
  { name: 'maritalStatus', labelZh: '婚姻状况', dataType: 'code', codes: MARITAL_STATUS, description: 'GB/T 2261.2' },
  { name: 'educationLevel', labelZh: '文化程度', dataType: 'code', codes: EDUCATION_LEVEL, nullable: true, description: 'GB/T 4658; null for children not yet at school' },
  { name: 'cancellationReason', labelZh: '户口注销原因', dataType: 'code', codes: CANCELLATION_REASON, nullable: true, description: 'null while the registration is in force' },
  { name: 'cancellationDate', labelZh: '户口注销日期', dataType: 'date', nullable: true },
  { name: 'photo', labelZh: '证件照片', dataType: 'string', nullable: true, description: 'not held by this service: always null' },
  { name: 'fingerprint', labelZh: '指纹信息', dataType: 'string', nullable: true, description: 'not held by this service: always null' },
];

export const verificationItems: readonly RecordItem[] = [
  { name: 'idNumber', labelZh: '公民身份号码', dataType: 'string' },
  { name: 'name', labelZh: '姓名', dataType: 'string' },
  { name: 'consistent', labelZh: '核验结果是否一致', dataType: 'boolean', description: 'the number is registered and the name is the registered name' },
  { name: 'cardValid', labelZh: '证件是否有效', dataType: 'boolean', description: 'consistent, registration in force, a card issued and not expired today' },
  {
    name: 'cardValidUntil', labelZh: '证件有效期截止日期', dataType: 'date', nullable: true,
    description: 'null when the card is valid for life (长期), or when the check was not consistent or no card was issued',
  },
];

export const enterpriseItems: readonly RecordItem[] = [
  { name: 'uscc', labelZh: '统一社会信用代码', dataType: 'string', description: 'GB 32100-2015' },
  { name: 'name', labelZh: '企业名称', dataType: 'string' },
  { name: 'type', labelZh: '企业类型', dataType: 'code', codes: codesOf(ENTERPRISE_TYPES) },
  { name: 'legalRepresentative', labelZh: '法定代表人', dataType: 'string', description: 'the operator (经营者) of an individual business' },
  { name: 'legalRepresentativeIdNumber', labelZh: '法定代表人身份证件号码', dataType: 'string' },
  { name: 'registeredCapital', labelZh: '注册资本（万元）', dataType: 'number', nullable: true, description: 'null for branches and individual businesses' },
  { name: 'establishedOn', labelZh: '成立日期', dataType: 'date' },
  { name: 'address', labelZh: '住所', dataType: 'string' },
  { name: 'businessScope', labelZh: '经营范围', dataType: 'string' },
  { name: 'registrationAuthority', labelZh: '登记机关', dataType: 'string' },
  { name: 'status', labelZh: '登记状态', dataType: 'code', codes: codesOf(ENTERPRISE_STATUS) },
  { name: 'contactPhone', labelZh: '联系电话', dataType: 'string' },
];

// ——— OpenAPI ———

const JSON_TYPES: Record<ItemType, Record<string, string>> = {
  string: { type: 'string' }, code: { type: 'string' }, integer: { type: 'integer' }, number: { type: 'number' },
  boolean: { type: 'boolean' }, date: { type: 'string', format: 'date' }, datetime: { type: 'string', format: 'date-time' },
  object: { type: 'object' }, array: { type: 'array' },
};

function schemaOf(item: RecordItem): Record<string, unknown> {
  const base = JSON_TYPES[item.dataType];
  const codes = item.codes && Object.entries(item.codes).map(([code, meaning]) => (code === meaning ? code : `${code} ${meaning}`)).join('; ');
  const description = [item.labelZh, item.description, codes && `codes: ${codes}`].filter(Boolean).join('. ');
  return {
    type: item.nullable ? [base.type, 'null'] : base.type,
    ...(base.format && { format: base.format }),
    ...(item.codes && { enum: [...Object.keys(item.codes), ...(item.nullable ? [null] : [])] }),
    description,
  };
}

const objectOf = (items: readonly RecordItem[]) => ({
  type: 'object',
  required: items.map((i) => i.name),
  additionalProperties: false,
  properties: Object.fromEntries(items.map((i) => [i.name, schemaOf(i)])),
});

const ERROR = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string', enum: ['invalid_input', 'not_found', 'unsupported_media_type', 'payload_too_large', 'internal_error'] }, message: { type: 'string' } },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const okResponse = (ref: string) => ({ description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });

const healthz = {
  get: {
    summary: 'liveness and what is loaded',
    responses: { 200: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } } },
  },
};

const ID_NUMBER_PARAM = {
  description: '公民身份号码 (GB 11643-1999)', required: true,
  schema: { type: 'string', pattern: '^[0-9]{17}[0-9X]$' },
};

/** The OpenAPI 3.1 document each backend serves at /openapi.json. */
export function openApiDocument(registry: Registry): Record<string, unknown> {
  if (registry === 'population') {
    return {
      openapi: '3.1.0',
      info: {
        title: 'Population registry (reference backend)', version: '1.0.0',
        description: '人口基础信息库：常住人口基本信息查询（PSB-0001）与居民身份证信息核验（PSB-0002）。Access control is the security gateway\'s: this service answers whoever reaches it.',
      },
      paths: {
        '/persons/{idNumber}': {
          get: {
            operationId: 'getPerson', summary: '查询常住人口基本信息',
            parameters: [{ name: 'idNumber', in: 'path', ...ID_NUMBER_PARAM }],
            responses: { 200: okResponse('Person'), 400: errorResponse('not a valid citizen ID number; the message says what is wrong'), 404: errorResponse('no person registered with this number') },
          },
        },
        '/verifications': {
          post: {
            operationId: 'verifyIdentity', summary: '居民身份证信息核验',
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/VerificationRequest' } } },
            },
            responses: { 200: okResponse('Verification'), 400: errorResponse('missing or malformed idNumber or name'), 415: errorResponse('the body is not JSON') },
          },
          get: {
            operationId: 'verifyIdentityByQuery', summary: '居民身份证信息核验（查询参数形式）',
            parameters: [
              { name: 'idNumber', in: 'query', ...ID_NUMBER_PARAM },
              { name: 'name', in: 'query', required: true, description: '姓名', schema: { type: 'string', minLength: 1, maxLength: 64 } },
            ],
            responses: { 200: okResponse('Verification'), 400: errorResponse('missing or malformed idNumber or name') },
          },
        },
        '/healthz': healthz,
      },
      components: {
        schemas: {
          Person: objectOf(personItems),
          Verification: objectOf(verificationItems),
          VerificationRequest: {
            type: 'object', required: ['idNumber', 'name'], additionalProperties: false,
            properties: { idNumber: { type: 'string', pattern: '^[0-9]{17}[0-9X]$' }, name: { type: 'string', minLength: 1, maxLength: 64 } },
          },
          Error: ERROR,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Enterprise registry (reference backend)', version: '1.0.0',
      description: '法人单位基础信息库：企业登记基本信息查询（AMR-0001）。Access control is the security gateway\'s: this service answers whoever reaches it.',
    },
    paths: {
      '/enterprises/{uscc}': {
        get: {
          operationId: 'getEnterprise', summary: '查询企业登记基本信息',
          parameters: [{
            name: 'uscc', in: 'path', required: true, description: '统一社会信用代码 (GB 32100-2015)',
            schema: { type: 'string', pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' },
          }],
          responses: { 200: okResponse('Enterprise'), 400: errorResponse('not a valid unified social credit code; the message says what is wrong'), 404: errorResponse('no enterprise registered with this code') },
        },
      },
      '/healthz': healthz,
    },
    components: { schemas: { Enterprise: objectOf(enterpriseItems), Error: ERROR } },
  };
}
