import { Type, type Static } from 'typebox';
import { staffRoles } from '../platform/access.ts';
import type { PeopleTables } from './people.schema.ts';

export interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  department_id: string;
  /** JSON array of staff roles. */
  roles: string;
  password_hash: string;
  /** Base32 TOTP secret once the second factor is set up. */
  totp_secret: string | null;
  /** Last accepted TOTP time step, so a code cannot be used twice. */
  totp_last_step: number | null;
  failed_sign_ins: number;
  locked_until: string | null;
  disabled: number;
  created_at: string;
  updated_at: string;
  last_sign_in_at: string | null;
}

export interface ApiClientRow {
  id: string;
  department_id: string;
  system_code: string;
  name: string;
  /** scrypt hash of the client secret; the secret itself is shown once. */
  secret_hash: string;
  roles: string;
  disabled: number;
  created_at: string;
}

export interface SessionRow {
  /** SHA-256 of the cookie token, so a copy of the table cannot be used to sign in. */
  id: string;
  account_id: string;
  csrf_token: string;
  /** 'done', or 'totp' / 'enrol' while an administrator still owes the second factor. */
  stage: string;
  /** The secret an administrator is setting up, until a first code confirms it. */
  pending_totp_secret: string | null;
  created_at: string;
  expires_at: string;
}

export interface OidcPayloadRow {
  id: string;
  model: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: string | null;
}

export interface IdentityTables extends PeopleTables {
  accounts: AccountRow;
  api_clients: ApiClientRow;
  sessions: SessionRow;
  oidc_payloads: OidcPayloadRow;
}

const Role = Type.Enum(staffRoles);

export const AccountInput = Type.Object({
  username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,39}$', description: '3–40 lowercase letters, digits, dots, hyphens, underscores' }),
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  department: Type.String({ minLength: 18, maxLength: 18 }),
  roles: Type.Array(Role, { minItems: 1, uniqueItems: true }),
  password: Type.String({ minLength: 10, maxLength: 200 }),
}, { additionalProperties: false });
export type AccountInput = Static<typeof AccountInput>;

export const AccountPatch = Type.Partial(Type.Object({
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  roles: Type.Array(Role, { minItems: 1, uniqueItems: true }),
  disabled: Type.Boolean(),
  password: Type.String({ minLength: 10, maxLength: 200 }),
}), { additionalProperties: false, minProperties: 1 });
export type AccountPatch = Static<typeof AccountPatch>;

export const Account = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  department: Type.String(),
  roles: Type.Array(Type.String()),
  secondFactor: Type.Boolean(),
  locked: Type.Boolean(),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
  lastSignInAt: Type.Union([Type.String(), Type.Null()]),
});
export type Account = Static<typeof Account>;

export const ApiClientInput = Type.Object({
  system: Type.String({ minLength: 1, maxLength: 40 }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  roles: Type.Array(Type.Enum(['clerk', 'reviewer', 'operator']), { uniqueItems: true }),
}, { additionalProperties: false });
export type ApiClientInput = Static<typeof ApiClientInput>;

export const ApiClient = Type.Object({
  clientId: Type.String(),
  department: Type.String(),
  system: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});
export type ApiClient = Static<typeof ApiClient>;
