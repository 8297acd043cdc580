import { Type, type Static } from 'typebox';

export const categories = ['base', 'theme', 'department'] as const;
export const formats = ['api', 'dataset'] as const;
export const deliveries = ['full', 'incremental'] as const;
export const updateCycles = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'half_yearly', 'yearly', 'irregular'] as const;
export const sensitivities = ['public', 'internal', 'personal', 'sensitive_personal'] as const;
export const sharingClasses = ['unconditional', 'conditional', 'not_shared'] as const;
export const openClasses = ['open', 'conditional_open', 'not_open'] as const;
export type SharingClass = (typeof sharingClasses)[number];

// ——— Rows ———

export interface ResourceRow {
  id: string;
  code: string;
  provider_id: string;
  name_zh: string;
  name_en: string;
  summary: string;
  category: string;
  subject: string;
  industry: string | null;
  format: string;
  delivery: string | null;
  service_code: string | null;
  openapi: string | null;
  update_cycle: string;
  published_on: string;
  contact_name: string;
  contact_phone: string;
  contact_email: string;
  /** The most open class any of its items has, for filtering: unconditional, conditional or not_shared. */
  sharing_class: string;
  /** open when any item is open to the public. */
  open_class: string;
  version: number;
  withdrawn: number;
  /** Name words and CJK bigrams, for full-text search on either database. */
  search_title: string;
  search_body: string;
  created_at: string;
  updated_at: string;
}

export interface ItemRow {
  id: string;
  resource_id: string;
  ordinal: number;
  name: string;
  label_zh: string;
  label_en: string;
  data_type: string;
  description: string;
  sensitivity: string;
  sharing_class: string;
  sharing_condition: string | null;
  legal_basis: string | null;
  open_class: string;
}

export interface ResourceVersionRow {
  /** `${resource_id}@${version}` */
  id: string;
  resource_id: string;
  version: number;
  /** The resource and its items as they were, JSON. */
  snapshot: string;
  replaced_at: string;
}

export interface RequestRow {
  id: string;
  number: string;
  resource_id: string;
  resource_version: number;
  provider_id: string;
  consumer_id: string;
  consumer_system: string;
  purpose: string;
  legal_basis: string;
  business: string | null;
  period_from: string;
  period_until: string;
  /** 'pending' while any item awaits the provider, then 'decided'. */
  status: string;
  submitted_at: string;
  /** Date (China) by which the provider must answer, in working days from submission. */
  due_on: string;
  decided_at: string | null;
  submitted_by: string;
}

export interface RequestItemRow {
  id: string;
  request_id: string;
  item_id: string;
  item_name: string;
  /** granted (unconditional), pending, approved, refused */
  status: string;
  reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
}

export interface RequestEventRow {
  id: string;
  request_id: string;
  at: string;
  actor: string;
  kind: string;
  note: string | null;
}

export interface AgreementRow {
  id: string;
  request_id: string;
  resource_id: string;
  provider_id: string;
  consumer_id: string;
  consumer_system: string;
  service_code: string | null;
  /** JSON array of the item names the consumer may receive. */
  items: string;
  purpose: string;
  valid_from: string;
  valid_until: string;
  /** Requests per minute the provider's gateway allows the consumer's system; null for no limit. */
  rate_per_minute: number | null;
  revoked_at: string | null;
  revoke_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface CatalogTables {
  catalog_resources: ResourceRow;
  catalog_items: ItemRow;
  catalog_versions: ResourceVersionRow;
  sharing_requests: RequestRow;
  sharing_request_items: RequestItemRow;
  sharing_request_events: RequestEventRow;
  sharing_agreements: AgreementRow;
}

// ——— API ———

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const ItemInput = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: 'the field name in the data, e.g. idNumber' }),
  labelZh: Text(100),
  labelEn: Text(200),
  dataType: Type.Enum(['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'code', 'object', 'array']),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  sensitivity: Type.Enum(sensitivities),
  sharingClass: Type.Enum(sharingClasses),
  sharingCondition: Type.Optional(Type.String({ maxLength: 1000, description: 'required for conditional items' })),
  legalBasis: Type.Optional(Type.String({ maxLength: 1000, description: 'required for conditional and not-shared items' })),
  openClass: Type.Enum(openClasses),
}, { additionalProperties: false });
export type ItemInput = Static<typeof ItemInput>;

export const ResourceInput = Type.Object({
  code: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9./-]{2,63}$', description: 'resource code; generated when left out' })),
  provider: Type.String({ minLength: 18, maxLength: 18, description: 'USCC of the providing department' }),
  nameZh: Text(200),
  nameEn: Text(300),
  summary: Text(4000),
  category: Type.Enum(categories),
  subject: Text(100),
  industry: Type.Optional(Type.String({ pattern: '^[A-Z](\\d{2,4})?$', description: 'GB/T 4754-2017 industry code' })),
  format: Type.Enum(formats),
  delivery: Type.Optional(Type.Enum(deliveries)),
  serviceCode: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}/[a-z0-9][a-z0-9._-]{0,39}$', description: 'system/service on the provider gateway, for API resources' })),
  openapi: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'OpenAPI 3 description of the service' })),
  updateCycle: Type.Enum(updateCycles),
  publishedOn: Type.Optional(IsoDate),
  contact: Type.Object({ name: Text(100), phone: Type.String({ pattern: '^[0-9+() -]{5,30}$' }), email: Type.String({ format: 'email', maxLength: 200 }) }, { additionalProperties: false }),
  items: Type.Array(ItemInput, { minItems: 1, maxItems: 500 }),
}, { additionalProperties: false });
export type ResourceInput = Static<typeof ResourceInput>;

export const Item = Type.Object({
  id: Type.String(), name: Type.String(), labelZh: Type.String(), labelEn: Type.String(), dataType: Type.String(),
  description: Type.String(), sensitivity: Type.String(), sharingClass: Type.String(),
  sharingCondition: Type.Union([Type.String(), Type.Null()]), legalBasis: Type.Union([Type.String(), Type.Null()]), openClass: Type.String(),
});
export type Item = Static<typeof Item>;

export const Resource = Type.Object({
  id: Type.String(), code: Type.String(), provider: Type.String(), nameZh: Type.String(), nameEn: Type.String(), summary: Type.String(),
  category: Type.String(), subject: Type.String(), industry: Type.Union([Type.String(), Type.Null()]), format: Type.String(),
  delivery: Type.Union([Type.String(), Type.Null()]), serviceCode: Type.Union([Type.String(), Type.Null()]),
  openapi: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  updateCycle: Type.String(), publishedOn: Type.String(), contact: Type.Object({ name: Type.String(), phone: Type.String(), email: Type.String() }),
  sharingClass: Type.String(), openClass: Type.String(), version: Type.Number(), withdrawn: Type.Boolean(),
  createdAt: Type.String(), updatedAt: Type.String(), items: Type.Array(Item),
});
export type Resource = Static<typeof Resource>;

export const ResourceSummary = Type.Omit(Resource, ['items', 'openapi']);
export type ResourceSummary = Static<typeof ResourceSummary>;

export const RequestInput = Type.Object({
  resource: Type.String({ description: 'resource code' }),
  consumerSystem: Type.String({ description: 'code of the requesting department\'s system that will use the data' }),
  items: Type.Array(Type.String({ description: 'item names' }), { minItems: 1, maxItems: 500, uniqueItems: true }),
  purpose: Text(1000),
  legalBasis: Text(1000),
  business: Type.Optional(Type.String({ maxLength: 200, description: 'service item or case type the data serves' })),
  periodFrom: IsoDate,
  periodUntil: IsoDate,
}, { additionalProperties: false });
export type RequestInput = Static<typeof RequestInput>;

export const Decision = Type.Object({
  items: Type.Array(Type.Object({
    item: Type.String(),
    decision: Type.Enum(['approve', 'refuse']),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
  }, { additionalProperties: false }), { minItems: 1 }),
}, { additionalProperties: false });
export type Decision = Static<typeof Decision>;

export const RequestItem = Type.Object({
  item: Type.String(), labelZh: Type.String(), labelEn: Type.String(), sharingClass: Type.String(), status: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]), decidedBy: Type.Union([Type.String(), Type.Null()]), decidedAt: Type.Union([Type.String(), Type.Null()]),
});

export const RequestEvent = Type.Object({ at: Type.String(), actor: Type.String(), kind: Type.String(), note: Type.Union([Type.String(), Type.Null()]) });

export const SharingRequest = Type.Object({
  id: Type.String(), number: Type.String(), resource: Type.String(), resourceNameZh: Type.String(), resourceNameEn: Type.String(),
  resourceVersion: Type.Number(), provider: Type.String(), consumer: Type.String(), consumerSystem: Type.String(),
  purpose: Type.String(), legalBasis: Type.String(), business: Type.Union([Type.String(), Type.Null()]),
  periodFrom: Type.String(), periodUntil: Type.String(), status: Type.String(), submittedAt: Type.String(),
  dueOn: Type.String(), workingDaysLeft: Type.Number(), overdue: Type.Boolean(), decidedAt: Type.Union([Type.String(), Type.Null()]),
  items: Type.Array(RequestItem), events: Type.Array(RequestEvent), agreement: Type.Union([Type.String(), Type.Null()]),
});
export type SharingRequest = Static<typeof SharingRequest>;

export const Agreement = Type.Object({
  id: Type.String(), request: Type.String(), resource: Type.String(), provider: Type.String(), consumer: Type.String(),
  consumerSystem: Type.String(), serviceCode: Type.Union([Type.String(), Type.Null()]), items: Type.Array(Type.String()),
  purpose: Type.String(), validFrom: Type.String(), validUntil: Type.String(),
  ratePerMinute: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Enum(['active', 'not_yet_valid', 'expired', 'revoked']),
  revokedAt: Type.Union([Type.String(), Type.Null()]), revokeReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(), updatedAt: Type.String(),
});
export type Agreement = Static<typeof Agreement>;
