import { type Static, Type } from 'typebox';
import type { HubDatabase as Db } from '../hub/database.ts';
import { journalEntryHash } from '../journal/service.ts';
import { certificateInfo } from '../pki/certificates.ts';
import { conflict, invalid } from '../platform/errors.ts';
import { checkInput } from '../platform/validation.ts';
import { verifyText } from '../exchange/protocol.ts';

export const Witness = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  hash: Type.String({ minLength: 1, maxLength: 100 }),
  signature: Type.String({ minLength: 1, maxLength: 200, description: "the standby's signature over `egov-witness/1\\n{node}\\n{seq}\\n{hash}`" }),
}, { additionalProperties: false });
export type Witness = Static<typeof Witness>;

export function witnessText(node: string, seq: number, hash: string): string {
  return `egov-witness/1\n${node}\n${seq}\n${hash}`;
}

/**
 * Keeps the standby's signature of the journal head it has verified. When the hub's own entry at
 * that number hashes differently, the history at the hub was rewritten after the standby copied
 * it: refused, loudly, and the standby reports it too.
 */
export async function recordWitness(db: Db, standby: { gateway: string; certificate: string }, witness: Witness, now = new Date()): Promise<{ seq: number }> {
  checkInput(Witness, witness);
  if (!verifyText(certificateInfo(standby.certificate).publicKey, witnessText(standby.gateway, witness.seq, witness.hash), witness.signature)) {
    throw invalid('the witness signature does not verify with the certificate this standby presented', { field: 'signature' });
  }
  const own = await journalEntryHash(db.db, witness.seq);
  if (own === null) throw conflict(`the hub has no journal entry ${witness.seq}, which ${standby.gateway} holds: the hub lost history`);
  if (own !== witness.hash) throw conflict(`the hub's journal entry ${witness.seq} differs from the one ${standby.gateway} verified: the history at the hub was rewritten`);
  await db.db.insertInto('journal_witness').values({
    id: `${standby.gateway}@${witness.seq}`, node: standby.gateway, seq: witness.seq, hash: witness.hash, signature: witness.signature, received_at: now.toISOString(),
  }).onConflict((oc) => oc.column('id').doNothing()).execute();
  return { seq: witness.seq };
}

export async function lastWitness(db: Db): Promise<{ node: string; seq: number; receivedAt: string } | null> {
  const row = await db.db.selectFrom('journal_witness').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? { node: row.node, seq: Number(row.seq), receivedAt: row.received_at } : null;
}
