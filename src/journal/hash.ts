import { hash } from 'node:crypto';
import type { JournalTable } from './schema.ts';

/**
 * The hash that chains an entry to the one before it. It covers every stored column as stored
 * (row_after is already text), so verifying needs no re-serialisation of the row.
 */
export function entryHash(entry: Omit<JournalTable, 'hash'>): string {
  return hash('sha256', JSON.stringify([
    entry.prev_hash, entry.seq, entry.at, entry.epoch, entry.actor, entry.department,
    entry.request_id, entry.entity, entry.entity_key, entry.op, entry.row_after,
  ]));
}
