import type { Answers } from './answers.ts';
import type { FormField } from './schema.ts';
import type { MediaType } from './uploads.ts';

/**
 * Online applications: a draft a signed-in person fills in one question at a time (kept, so they
 * can come back), then sends; sending opens the case and keeps what was sent with it. Files are
 * hub state like the rest and travel in the journal to the standby.
 */

// ——— Rows ———

export const draftStates = ['open', 'submitted'] as const;
export type DraftState = (typeof draftStates)[number];
/** given: filled from base data with the person's consent; declined: they chose to type; not_asked: nothing could be filled for them. */
export const consents = ['given', 'declined', 'not_asked'] as const;
export type Consent = (typeof consents)[number];
export type SubjectKind = 'item' | 'life_event';

export interface ApplicationDraftRow {
  id: string;
  /** `person:{id}`: the applicant the case will name. */
  applicant: string;
  subject_kind: SubjectKind;
  /** The item's code or the life event's code. */
  subject_code: string;
  /** JSON {itemCode: version}: the guides the draft follows, as they were when it started. */
  versions: string;
  /** JSON Answers. File fields are not here: their files are rows of application_files. */
  answers: string;
  /** JSON Record<fieldKey, PrefillSource>: what base data filled in, with the value it gave. */
  prefilled: string;
  /** JSON Record<fieldKey, PrefillNote>: why a field the government holds was not filled in. */
  prefill_notes: string;
  consent: Consent;
  /** When the person chose (consented or declined); null when not asked. */
  consent_at: string | null;
  state: DraftState;
  /** The case it opened (the parent case of a life event), once sent. */
  case_id: string | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
}

/** What was sent, kept with each case it opened: the parent of a life event and each department's task have one each. */
export interface ApplicationRow {
  /** The case's id: one application per case. */
  id: string;
  case_id: string;
  draft_id: string;
  applicant: string;
  /** The life event's code when the application was for one; null for a single item. */
  life_event: string | null;
  /** JSON array of `code@version`: the guides this case is handled under. */
  items: string;
  /** JSON Answers: the answers to this case's questions. */
  answers: string;
  /** JSON Record<fieldKey, PrefillSource>: what base data filled in; an answer that differs from its value was changed by the applicant. */
  prefilled: string;
  consent_at: string | null;
  submitted_at: string;
}

/**
 * An uploaded file. The content is base64 text, not a blob/bytea column: the journal serialises
 * rows with JSON.stringify, which turns a Buffer into {"type":"Buffer","data":[…]} (about 3.6
 * characters per byte); replaying that row then fails on SQLite ("can only bind numbers,
 * strings, bigints, buffers, and null") and silently stores the JSON text as the bytes on
 * PostgreSQL, and backups refuse a Buffer column outright. Base64 text goes through all three
 * unchanged at 4/3 of the size.
 */
export interface ApplicationFileRow {
  id: string;
  /**
   * The draft it was uploaded to; the case it was sent with is the draft's. A file row is never
   * updated (only inserted, or deleted when replaced), so its megabytes enter the journal once.
   */
  draft_id: string;
  field_key: string;
  /** The name the sender gave, made safe for display; never used to store or find the file. */
  display_name: string;
  media_type: string;
  size: number;
  sha256: string;
  content: string;
  uploaded_at: string;
}

export interface ApplicationsTables {
  application_drafts: ApplicationDraftRow;
  applications: ApplicationRow;
  application_files: ApplicationFileRow;
}

// ——— Views ———

/** A base-data lookup that filled a field: the catalog resource and its provider, and the value it gave. */
export interface PrefillSource {
  resource: string;
  resourceNameZh: string;
  resourceNameEn: string;
  /** USCC of the department that holds the data. */
  provider: string;
  item: string;
  value: Answers[string];
  at: string;
}

/**
 * Why a field the government holds had to be typed: no exchange on this site, the person's
 * identity not verified yet, no key to look them up by, the lookup failed, no record, or the
 * record (as the agreement lets the portal see it) lacks the item.
 */
export const prefillNotes = ['no_exchange', 'unverified', 'no_key', 'failed', 'not_found', 'not_provided'] as const;
export type PrefillNote = (typeof prefillNotes)[number];

export interface FileInfo {
  id: string;
  fieldKey: string;
  displayName: string;
  mediaType: MediaType;
  size: number;
  sha256: string;
  uploadedAt: string;
}

/** One question of a draft: the field as the form defines it, and which items ask it. */
export interface Question {
  field: FormField;
  /** Codes of the items that ask it (several in a life event when they share the key). */
  items: string[];
}

export interface Draft {
  id: string;
  applicant: string;
  subjectKind: SubjectKind;
  subjectCode: string;
  versions: Record<string, number>;
  questions: Question[];
  answers: Answers;
  prefilled: Record<string, PrefillSource>;
  prefillNotes: Record<string, PrefillNote>;
  consent: Consent;
  consentAt: string | null;
  state: DraftState;
  caseId: string | null;
  files: FileInfo[];
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

/** What was sent with a case, for its clerks and its applicant. */
export interface Application {
  caseId: string;
  draftId: string;
  applicant: string;
  lifeEvent: string | null;
  items: { code: string; version: number }[];
  questions: Question[];
  answers: Answers;
  prefilled: Record<string, PrefillSource>;
  /** Keys that base data filled but the applicant then changed. */
  changedAfterPrefill: string[];
  consentAt: string | null;
  submittedAt: string;
  files: FileInfo[];
  /** Files sent later, each batch in answer to a request for materials on a case (the application's, or one of its joint tasks). */
  supplements: { reference: string; files: FileInfo[] }[];
}
