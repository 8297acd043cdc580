import { Type, type Static } from 'typebox';

export const divisionKinds = ['city', 'district', 'county', 'county_city'] as const;
export const departmentKinds = ['government_office', 'bureau', 'committee', 'office', 'administration', 'center'] as const;
export const contactRoles = ['primary', 'technical', 'security', 'data_sharing'] as const;

// Row types: what the tables hold (snake_case, text and integers only so both dialects agree).
export interface InstanceRow { id: string; code: string; name_zh: string; name_en: string; division_id: string }
export interface DivisionRow { id: string; kind: string; parent_id: string | null; name_zh: string; name_en: string }
export interface DepartmentRow {
  id: string; slug: string; kind: string; division_id: string; parent_id: string | null;
  name_zh: string; name_en: string; created_at: string; updated_at: string;
}
export interface SystemRow { id: string; department_id: string; code: string; name_zh: string; name_en: string; created_at: string }
export interface ContactRow { id: string; department_id: string; role: string; name: string; phone: string; email: string }

export interface RegistryTables {
  city_instance: InstanceRow;
  divisions: DivisionRow;
  departments: DepartmentRow;
  department_systems: SystemRow;
  department_contacts: ContactRow;
}

// API types.
const Uscc = Type.String({ minLength: 18, maxLength: 18, description: 'unified social credit code (GB 32100-2015)' });
const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: 'short lowercase name: letters, digits, hyphens' });
const NameZh = Type.String({ minLength: 1, maxLength: 200 });
const NameEn = Type.String({ minLength: 1, maxLength: 300 });

export const Division = Type.Object({
  code: Type.String({ pattern: '^\\d{6}$', description: 'GB/T 2260 administrative division code' }),
  kind: Type.Enum(divisionKinds),
  parent: Type.Union([Type.String(), Type.Null()]),
  nameZh: NameZh,
  nameEn: NameEn,
});
export type Division = Static<typeof Division>;

export const DepartmentInput = Type.Object({
  code: Uscc,
  slug: Slug,
  kind: Type.Enum(departmentKinds),
  division: Type.String({ pattern: '^\\d{6}$' }),
  parent: Type.Optional(Type.Union([Uscc, Type.Null()])),
  nameZh: NameZh,
  nameEn: NameEn,
}, { additionalProperties: false });
export type DepartmentInput = Static<typeof DepartmentInput>;

export const DepartmentPatch = Type.Partial(Type.Object({
  slug: Slug,
  kind: Type.Enum(departmentKinds),
  division: Type.String({ pattern: '^\\d{6}$' }),
  parent: Type.Union([Uscc, Type.Null()]),
  nameZh: NameZh,
  nameEn: NameEn,
}), { additionalProperties: false, minProperties: 1 });
export type DepartmentPatch = Static<typeof DepartmentPatch>;

export const Department = Type.Object({
  code: Type.String(),
  slug: Type.String(),
  kind: Type.String(),
  division: Type.String(),
  parent: Type.Union([Type.String(), Type.Null()]),
  nameZh: Type.String(),
  nameEn: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Department = Static<typeof Department>;

export const SystemInput = Type.Object({
  code: Slug,
  nameZh: NameZh,
  nameEn: NameEn,
}, { additionalProperties: false });
export type SystemInput = Static<typeof SystemInput>;

export const DepartmentSystem = Type.Object({
  id: Type.String(),
  department: Type.String(),
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  createdAt: Type.String(),
});
export type DepartmentSystem = Static<typeof DepartmentSystem>;

export const ContactInput = Type.Object({
  role: Type.Enum(contactRoles),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  phone: Type.String({ pattern: '^[0-9+() -]{5,30}$' }),
  email: Type.String({ format: 'email', maxLength: 200 }),
}, { additionalProperties: false });
export type ContactInput = Static<typeof ContactInput>;

export const Contact = Type.Object({
  id: Type.String(),
  department: Type.String(),
  role: Type.String(),
  name: Type.String(),
  phone: Type.String(),
  email: Type.String(),
});
export type Contact = Static<typeof Contact>;

export const Instance = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  division: Type.String(),
});
export type Instance = Static<typeof Instance>;
