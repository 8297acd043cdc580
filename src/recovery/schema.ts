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

/** A backup file this node wrote, and what the check right after writing it found. */
export interface RecoveryBackupRow {
  id: string;
  file: string;
  /** The journal position the backup holds. */
  seq: number;
  hash: string;
  bytes: number;
  created_at: string;
  verified_at: string | null;
  /** 1 verified, 0 failed, null not checked yet. */
  verify_ok: number | null;
  problem: string | null;
}

/** A restore drill: the backup restored into a scratch folder and checked against the live journal. */
export interface RecoveryDrillRow {
  id: string;
  backup_file: string;
  /** Null when the drill failed before it knew the backup's position. */
  seq: number | null;
  ok: number;
  seconds: number;
  problem: string | null;
  ran_at: string;
}

/**
 * One row per promotion, journaled: the entry that records it is the first of its epoch, so the
 * journal itself says which node took over when, and after which entry of the old hub.
 */
export interface EpochRow {
  /** The epoch number, as text. */
  id: string;
  epoch: number;
  node: string;
  promoted_at: string;
  /** The last entry of the previous epoch this node held when it took over. */
  after_seq: number;
  after_hash: string;
  /** Where gateways reach the new hub. */
  exchange_url: string;
}

export interface RecoveryTables {
  hub_epochs: EpochRow;
  journal_witness: WitnessRow;
  recovery_backups: RecoveryBackupRow;
  recovery_drills: RecoveryDrillRow;
}
