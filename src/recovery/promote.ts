import type { HubDatabase } from '../hub/database.ts';
import { advanceEpoch, insertRow, journalHead } from '../journal/service.ts';

/**
 * Promotion: the standby's copy becomes the hub's database. One journaled write starts a new
 * epoch; every entry after it carries the higher number, so a former hub that comes back (lower
 * epoch) is refused by every node that has seen the new one, and refuses writes itself once it
 * learns of it.
 */
export interface Promotion {
  epoch: number;
  node: string;
  promotedAt: string;
  afterSeq: number;
  afterHash: string;
  exchangeUrl: string;
}

export async function promoteDatabase(database: HubDatabase, node: string, exchangeUrl: string, now = new Date()): Promise<Promotion> {
  return database.transaction(async (tx) => {
    const { epoch, after } = await advanceEpoch(tx);
    const promotedAt = now.toISOString();
    await insertRow(tx, { actor: `system:promote`, department: null, requestId: null }, 'hub_epochs', {
      id: String(epoch), epoch, node, promoted_at: promotedAt, after_seq: after.seq, after_hash: after.hash, exchange_url: exchangeUrl,
    });
    return { epoch, node, promotedAt, afterSeq: after.seq, afterHash: after.hash, exchangeUrl };
  });
}

/** The epoch this database is in, and the promotion that started it (null for the first). */
export async function epochOf(database: HubDatabase): Promise<{ epoch: number; promotion: Promotion | null }> {
  const head = await journalHead(database.db);
  const row = await database.db.selectFrom('hub_epochs').selectAll().orderBy('epoch', 'desc').limit(1).executeTakeFirst();
  const promotion = row ? {
    epoch: row.epoch, node: row.node, promotedAt: row.promoted_at, afterSeq: Number(row.after_seq), afterHash: row.after_hash, exchangeUrl: row.exchange_url,
  } : null;
  return { epoch: head.epoch, promotion };
}
