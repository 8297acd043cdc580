/**
 * The standby's countersignatures of the hub's journal head, kept at the hub: proof that the
 * history up to that entry existed, as the standby verified it, at that time. Not journaled: a
 * witness of the journal written into the journal would move the head it witnesses.
 */
export interface WitnessRow {
  /** `{standby node}@{seq}` */
  id: string;
  node: string;
  seq: number;
  hash: string;
  signature: string;
  received_at: string;
}

export interface RecoveryTables {
  journal_witness: WitnessRow;
}
