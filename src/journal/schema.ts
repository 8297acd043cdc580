/** Who caused a change, recorded with it. Every service that writes takes one. */
export interface ChangeContext {
  /** Account id, API client id, or a system actor such as `system:demo`. */
  readonly actor: string;
  /** The acting department's code, when there is one. */
  readonly department: string | null;
  readonly requestId: string | null;
}

export type JournalOperation = 'insert' | 'update' | 'delete';

export interface JournalTable {
  seq: number;
  at: string;
  epoch: number;
  actor: string;
  department: string | null;
  request_id: string | null;
  entity: string;
  entity_key: string;
  op: JournalOperation;
  /** The full row after the change as JSON text (null for a delete); text so the hash covers exactly what is stored. */
  row_after: string | null;
  prev_hash: string;
  hash: string;
}

export interface JournalTables {
  journal: JournalTable;
}

export interface JournalEntry {
  seq: number;
  at: string;
  epoch: number;
  actor: string;
  department: string | null;
  requestId: string | null;
  entity: string;
  key: string;
  op: JournalOperation;
  row: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export interface JournalHead {
  seq: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The journal's columns in table order, for statements that write many entries at once. */
export const JOURNAL_COLUMNS = ['seq', 'at', 'epoch', 'actor', 'department', 'request_id', 'entity', 'entity_key', 'op', 'row_after', 'prev_hash', 'hash'] as const satisfies readonly (keyof JournalTable)[];
