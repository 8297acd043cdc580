/**
 * Accounts of the public: citizens (by their ID number) and enterprises (by their unified social
 * credit code). Kept apart from staff accounts (schema.ts): another table, another session table
 * and another cookie, so that nothing a person holds can ever open a staff page or the staff API.
 */

export const personKinds = ['citizen', 'enterprise'] as const;
export type PersonKind = (typeof personKinds)[number];

export const verificationStates = ['unverified', 'verified', 'failed'] as const;
export type VerificationState = (typeof verificationStates)[number];

export interface PersonRow {
  id: string;
  kind: PersonKind;
  /** The citizen's ID number or the enterprise's credit code, normalised; one account each. */
  id_number: string;
  /** The citizen's name, or the enterprise's registered name. */
  name: string;
  /** An enterprise's contact person; null for citizens. */
  contact_name: string | null;
  /** Mainland mobile number, 11 digits; one account of each kind per number, so it can sign in. */
  phone: string;
  email: string | null;
  password_hash: string;
  verification: VerificationState;
  /** When the check that gave `verification` was made (verified or failed); null while unverified. */
  verified_at: string | null;
  failed_sign_ins: number;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  last_sign_in_at: string | null;
  /** Times the holder corrected the name after a failed real-name check (at most MAX_NAME_CHANGES). */
  name_changes: number;
}

export interface PersonSessionRow {
  /** SHA-256 of the cookie token, so a copy of the table cannot be used to sign in. */
  id: string;
  person_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface PeopleTables {
  people: PersonRow;
  person_sessions: PersonSessionRow;
}

/** What a registration form or API sends; the service normalises and checks every field. */
export interface RegistrationInput {
  kind: PersonKind;
  /** The citizen's name, or the enterprise's registered name. */
  name: string;
  /** The citizen's ID number, or the enterprise's credit code. */
  idNumber: string;
  /** Enterprises: the contact person's name. */
  contactName?: string | undefined;
  phone: string;
  email?: string | undefined;
  password: string;
}

export interface SignInInput {
  kind: PersonKind;
  /** ID number, credit code or mobile number, as typed. */
  identifier: string;
  password: string;
}
