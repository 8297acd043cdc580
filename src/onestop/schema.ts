import { Type, type Static } from 'typebox';

// ——— Vocabularies ———

/**
 * The kinds of 政务服务事项 in the national lists. `prefix` starts the item's code, so a code
 * tells its kind the way the provincial coding rules do (XK for 行政许可 …).
 */
export const itemTypes = [
  { key: 'licensing', prefix: 'XK', nameZh: '行政许可', nameEn: 'Administrative licensing' },
  { key: 'payment', prefix: 'JF', nameZh: '行政给付', nameEn: 'Administrative payment' },
  { key: 'confirmation', prefix: 'QR', nameZh: '行政确认', nameEn: 'Administrative confirmation' },
  { key: 'adjudication', prefix: 'CJ', nameZh: '行政裁决', nameEn: 'Administrative adjudication' },
  { key: 'reward', prefix: 'JL', nameZh: '行政奖励', nameEn: 'Administrative reward' },
  { key: 'filing', prefix: 'BA', nameZh: '行政备案', nameEn: 'Administrative filing' },
  { key: 'other', prefix: 'QT', nameZh: '其他行政权力', nameEn: 'Other administrative power' },
  { key: 'public_service', prefix: 'GG', nameZh: '公共服务', nameEn: 'Public service' },
] as const;
export type ItemType = (typeof itemTypes)[number]['key'];
const itemTypeKeys = itemTypes.map((t) => t.key);

export const audiences = ['citizen', 'enterprise'] as const;

/** The portal's topics (主题): how people, not departments, think of what they need. */
export const topics = [
  { key: 'birth', audience: 'citizen', nameZh: '生育收养', nameEn: 'Birth and adoption' },
  { key: 'household', audience: 'citizen', nameZh: '户籍办理', nameEn: 'Household registration' },
  { key: 'identity', audience: 'citizen', nameZh: '证件办理', nameEn: 'Identity and travel documents' },
  { key: 'education', audience: 'citizen', nameZh: '教育科研', nameEn: 'Education' },
  { key: 'employment', audience: 'citizen', nameZh: '就业创业', nameEn: 'Work and employment' },
  { key: 'social_insurance', audience: 'citizen', nameZh: '社会保险', nameEn: 'Social insurance' },
  { key: 'medical', audience: 'citizen', nameZh: '医疗卫生', nameEn: 'Health and medical care' },
  { key: 'housing', audience: 'citizen', nameZh: '住房保障', nameEn: 'Housing and provident fund' },
  { key: 'marriage', audience: 'citizen', nameZh: '婚姻登记', nameEn: 'Marriage' },
  { key: 'retirement', audience: 'citizen', nameZh: '退休养老', nameEn: 'Retirement and old age' },
  { key: 'transport', audience: 'citizen', nameZh: '交通出行', nameEn: 'Transport and driving' },
  { key: 'assistance', audience: 'citizen', nameZh: '社会救助', nameEn: 'Social assistance' },
  { key: 'legal', audience: 'citizen', nameZh: '司法公证', nameEn: 'Legal services' },
  { key: 'business_setup', audience: 'enterprise', nameZh: '设立变更', nameEn: 'Starting and changing a business' },
  { key: 'business_permit', audience: 'enterprise', nameZh: '准营准办', nameEn: 'Operating permits' },
  { key: 'construction', audience: 'enterprise', nameZh: '工程建设', nameEn: 'Construction projects' },
  { key: 'safety', audience: 'enterprise', nameZh: '安全生产', nameEn: 'Work safety and fire' },
  { key: 'environment', audience: 'enterprise', nameZh: '生态环境', nameEn: 'Environment' },
  { key: 'culture_tourism', audience: 'enterprise', nameZh: '文化旅游', nameEn: 'Culture and tourism' },
  { key: 'business_exit', audience: 'enterprise', nameZh: '注销退出', nameEn: 'Closing a business' },
] as const;
export type Topic = (typeof topics)[number]['key'];
const topicKeys = topics.map((t) => t.key);

/**
 * Form field types, Open311's attribute datatypes under plainer names: text (string/text),
 * number, date (datetime), single_choice (singlevaluelist), multiple_choice (multivaluelist),
 * and file, an upload of one of the item's materials.
 */
export const fieldTypes = ['text', 'number', 'date', 'single_choice', 'multiple_choice', 'file'] as const;
export type FieldType = (typeof fieldTypes)[number];
export const choiceTypes: readonly FieldType[] = ['single_choice', 'multiple_choice'];

/** How a paper material is handed in: 原件, 复印件, 原件和复印件, or only as an electronic file. */
export const materialForms = ['original', 'copy', 'original_and_copy', 'electronic'] as const;

// ——— Rows ———

/** One row per item: its current version's searchable and filterable facts. id is the item code. */
export interface ServiceItemRow {
  id: string;
  department_id: string;
  type: string;
  name_zh: string;
  name_en: string;
  /** Delimited as ',citizen,enterprise,' so a filter is one LIKE on either database. */
  audiences: string;
  topics: string;
  promised_days: number;
  legal_days: number | null;
  online: number;
  visits: number;
  version: number;
  withdrawn: number;
  withdrawn_at: string | null;
  withdraw_reason: string | null;
  /** Name and keyword tokens, and the rest of the guide's tokens, for full-text search on either database. */
  search_title: string;
  search_body: string;
  created_at: string;
  updated_at: string;
}

/** Every version ever published, never changed: applications name `${code}@${version}`. */
export interface ServiceItemVersionRow {
  id: string;
  item_id: string;
  version: number;
  /** The ServiceItemInput as published, JSON. */
  content: string;
  published_at: string;
}

export interface LifeEventRow {
  /** The life event's code, e.g. open-restaurant. */
  id: string;
  name_zh: string;
  name_en: string;
  audience: string;
  summary: string;
  /** JSON array of item codes, in the order a person goes through them. */
  items: string;
  created_at: string;
  updated_at: string;
}

export interface OnestopTables {
  onestop_items: ServiceItemRow;
  onestop_item_versions: ServiceItemVersionRow;
  onestop_life_events: LifeEventRow;
}

// ——— API ———

const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description && { description }) });
const Key = Type.String({ pattern: '^[a-z][A-Za-z0-9]{0,39}$', description: 'camelCase, unique within its list, e.g. householdAddress' });
const Uscc = Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$', description: 'unified social credit code of the department' });
const Phone = Type.String({ pattern: '^[0-9+() -]{3,30}$' });
const Days = Type.Integer({ minimum: 0, maximum: 365 });

export const ItemCode = Type.String({
  pattern: '^[A-Z]{2}[0-9]{11}$',
  description: 'two letters for the kind (XK 行政许可, JF 行政给付, QR 行政确认, CJ 行政裁决, JL 行政奖励, BA 行政备案, QT 其他, GG 公共服务), five digits for the main item, three for the sub-item, three for the handling item (新办, 变更, 延续, 注销 …)',
});
export const LifeEventCode = Type.String({ pattern: '^[a-z][a-z0-9-]{1,39}$', description: 'e.g. open-restaurant' });

/** A catalog data item the government already holds: resource code and item name. */
export const DataRef = Type.Object({
  resource: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9./-]{2,63}$', description: 'information resource code in the catalog, e.g. PSB-0001' }),
  item: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: 'data item name in that resource, e.g. householdAddress' }),
}, { additionalProperties: false });
export type DataRef = Static<typeof DataRef>;

// Choice keys may be codes of a national standard (GB/T 2261.1 sex: 1, 2), so a prefilled code lands on its choice.
const ChoiceKey = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$', description: 'unique within the field; a standard code where there is one' });
export const Choice = Type.Object({ key: ChoiceKey, labelZh: Text(100), labelEn: Text(200) }, { additionalProperties: false });

export const FormField = Type.Object({
  key: Key,
  type: Type.Enum(fieldTypes),
  labelZh: Text(100),
  labelEn: Text(200),
  required: Type.Boolean(),
  hintZh: Type.Optional(Type.String({ maxLength: 500 })),
  hintEn: Type.Optional(Type.String({ maxLength: 1000 })),
  choices: Type.Optional(Type.Array(Choice, { maxItems: 100, description: 'for single_choice and multiple_choice only: at least two' })),
  prefill: Type.Optional(Type.Object({ ...DataRef.properties }, {
    additionalProperties: false,
    description: 'the base data item that fills this field for the applicant, with consent (data travel, not people); not for files',
  })),
  material: Type.Optional(Type.String({ description: 'for file fields: the key of the material this uploads' })),
}, { additionalProperties: false });
export type FormField = Static<typeof FormField>;

export const Form = Type.Object({ fields: Type.Array(FormField, { minItems: 1, maxItems: 200 }) }, { additionalProperties: false });
export type Form = Static<typeof Form>;

export const Material = Type.Object({
  key: Key,
  name: Text(200, 'name of the material in Chinese'),
  nameEn: Type.Optional(Type.String({ maxLength: 300 })),
  form: Type.Enum(materialForms),
  copies: Type.Integer({ minimum: 0, maximum: 20, description: 'paper copies; 0 for electronic only' }),
  required: Type.Boolean(),
  note: Type.Optional(Type.String({ maxLength: 1000, description: 'when it is needed, what it must show' })),
  replaceableBy: Type.Optional(Type.Object({
    kind: Type.Enum(['elicence', 'data'], { description: 'elicence: an electronic licence of the applicant replaces it; data: a base-database lookup does' }),
    source: Text(200, 'elicence: the licence type (居民身份证, 营业执照 …); data: the catalog resource code'),
    items: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }), { minItems: 1, maxItems: 50, uniqueItems: true, description: 'data: the item names the lookup needs' })),
  }, { additionalProperties: false })),
}, { additionalProperties: false });
export type Material = Static<typeof Material>;

export const Step = Type.Object({
  name: Text(100),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  days: Type.Optional(Days),
  special: Type.Optional(Type.Boolean({ description: '特殊环节 (公示, 听证, 专家评审, 现场核查…): not counted in the time limit' })),
}, { additionalProperties: false });

export const Fee = Type.Object({ name: Text(200), amountYuan: Type.Number({ minimum: 0, maximum: 10_000_000 }), basis: Text(500) }, { additionalProperties: false });

const Contact = Type.Object({ phone: Phone, note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

export const ServiceItemInput = Type.Object({
  code: ItemCode,
  department: Uscc,
  type: Type.Enum(itemTypeKeys),
  nameZh: Text(200),
  nameEn: Text(300),
  summary: Text(4000, 'what the item is for and who can use it, for the start page'),
  audiences: Type.Array(Type.Enum(audiences), { minItems: 1, uniqueItems: true }),
  topics: Type.Array(Type.Enum(topicKeys), { minItems: 1, maxItems: 5, uniqueItems: true }),
  keywords: Type.Optional(Type.Array(Text(40), { maxItems: 20, uniqueItems: true, description: 'words people search with that the name lacks (营业执照, 退休 …); ranked like the name' })),
  legalBasis: Type.Array(Text(500), { minItems: 1, maxItems: 20, description: '设定和实施依据, each a law or rule with its article' }),
  conditions: Type.Array(Text(1000), { minItems: 1, maxItems: 30, description: '受理条件' }),
  materials: Type.Array(Material, { maxItems: 100 }),
  timeLimit: Type.Object({
    // Null first: the API coerces types, and would otherwise turn null into 0 (a same-day legal limit).
    legalDays: Type.Union([Type.Null(), Days], { description: '法定办结时限 in working days; null when the law sets none in working days' }),
    promisedDays: Type.Integer({ minimum: 0, maximum: 365, description: '承诺办结时限 in working days; 0 for on the spot (即办)' }),
  }, { additionalProperties: false }),
  fees: Type.Array(Fee, { maxItems: 20, description: 'empty when free' }),
  where: Type.Object({
    office: Text(200, '办理地点: the hall and window'),
    address: Text(300),
    hours: Text(300, '办理时间'),
    online: Type.Boolean({ description: 'can be applied for online' }),
    visits: Type.Integer({ minimum: 0, maximum: 5, description: '到办事现场次数' }),
  }, { additionalProperties: false }),
  consult: Contact,
  complain: Contact,
  steps: Type.Array(Step, { minItems: 1, maxItems: 30, description: '办理流程' }),
  form: Form,
}, { additionalProperties: false });
export type ServiceItemInput = Static<typeof ServiceItemInput>;

const DepartmentName = Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() });
const LifeEventRef = Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() });

export const ServiceItemSummary = Type.Object({
  code: Type.String(), version: Type.Integer(), type: Type.String(), nameZh: Type.String(), nameEn: Type.String(),
  department: DepartmentName, audiences: Type.Array(Type.String()), topics: Type.Array(Type.String()),
  promisedDays: Type.Integer(), legalDays: Type.Union([Type.Integer(), Type.Null()]),
  online: Type.Boolean(), visits: Type.Integer(), withdrawn: Type.Boolean(),
});
export type ServiceItemSummary = Static<typeof ServiceItemSummary>;

const { code: _code, department: _department, keywords: _keywords, ...content } = ServiceItemInput.properties;

export const ServiceItem = Type.Object({
  code: Type.String(),
  version: Type.Integer({ description: 'the version shown' }),
  latestVersion: Type.Integer(),
  current: Type.Boolean({ description: 'false for an earlier version, kept for the applications made under it' }),
  publishedAt: Type.String(),
  withdrawn: Type.Boolean(),
  withdrawnAt: Type.Union([Type.String(), Type.Null()]),
  withdrawReason: Type.Union([Type.String(), Type.Null()]),
  department: DepartmentName,
  keywords: Type.Array(Type.String()),
  lifeEvents: Type.Array(LifeEventRef, { description: 'the life events (一件事) this item is part of' }),
  ...content,
});
export type ServiceItem = Static<typeof ServiceItem>;

export const ServiceItemPage = Type.Object({
  total: Type.Integer(),
  items: Type.Array(ServiceItemSummary),
});
export type ServiceItemPage = Static<typeof ServiceItemPage>;

export const ItemVersion = Type.Object({ version: Type.Integer(), publishedAt: Type.String() });

export const ServiceGroups = Type.Object({
  types: Type.Array(Type.Object({ key: Type.String(), prefix: Type.String(), nameZh: Type.String(), nameEn: Type.String(), items: Type.Integer() })),
  topics: Type.Array(Type.Object({ key: Type.String(), audience: Type.String(), nameZh: Type.String(), nameEn: Type.String(), items: Type.Integer() })),
  departments: Type.Array(Type.Object({ ...DepartmentName.properties, items: Type.Integer() })),
  lifeEvents: Type.Array(Type.Object({ ...LifeEventRef.properties, audience: Type.String(), items: Type.Integer() })),
});
export type ServiceGroups = Static<typeof ServiceGroups>;

export const LifeEventInput = Type.Object({
  code: LifeEventCode,
  nameZh: Text(100),
  nameEn: Text(200),
  audience: Type.Enum(audiences),
  summary: Text(2000),
  items: Type.Array(ItemCode, { minItems: 2, maxItems: 30, uniqueItems: true, description: 'codes of the items it fans out into, in order' }),
}, { additionalProperties: false });
export type LifeEventInput = Static<typeof LifeEventInput>;

export const LifeEvent = Type.Object({
  code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), audience: Type.String(), summary: Type.String(),
  departments: Type.Array(DepartmentName, { description: 'the departments its items belong to' }),
  promisedDays: Type.Integer({ description: 'the longest promised time limit of its items: they run in parallel' }),
  items: Type.Array(ServiceItemSummary),
  updatedAt: Type.String(),
});
export type LifeEvent = Static<typeof LifeEvent>;
