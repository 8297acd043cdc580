import type { HubDatabase } from '../hub/database.ts';
import { journalHead } from '../journal/service.ts';
import { type Actor, requireRole } from '../platform/access.ts';
import type { Fence, Successor } from './fence.ts';
import { type Promotion, epochOf } from './promote.ts';
import type { ReplicationLink, ReplicationStatus, StandbyLinkStatus } from './replication.ts';
import { lastWitness } from './witness.ts';

/**
 * The disaster recovery center's state at a glance, for the console: how writes reach the
 * standbys, how far each has stored and countersigned the journal, its backups and drills, and
 * from those the recovery point and time the platform achieves right now. Read-only; no keys.
 */

/** A standby's countersignature of the journal head; the signature is public (it proves, it does not unlock). */
export interface WitnessSeen {
  node: string;
  seq: number;
  receivedAt: string;
  signature: string;
}

export interface StandbyOverview extends StandbyLinkStatus {
  /** The last head this standby countersigned and the hub accepted. */
  witness: WitnessSeen | null;
}

/**
 * What a failure of the hub now would lose: nothing acknowledged (synchronous with a standby
 * connected), the best standby's current lag, or unknown (no standby).
 */
export type RecoveryPoint =
  | { kind: 'unknown' }
  | { kind: 'zero'; node: string }
  | { kind: 'lag'; node: string; entries: number; ms: number };

export interface RecoveryTime {
  /** The newest drill any standby reported: how long restoring its backup took, and whether it passed. */
  drill: { node: string; file: string; ok: boolean; seconds: number; problem: string | null; ranAt: string } | null;
  /** A connected standby with nothing left to copy: it can take over in place. */
  promotion: { node: string } | null;
}

export interface RecoveryOverview {
  mode: ReplicationStatus['mode'];
  state: ReplicationStatus['state'];
  degradedSince: string | null;
  fallback: ReplicationStatus['fallback'];
  journal: { seq: number; hash: string; epoch: number };
  /** The promotion that started this hub's epoch (null for the first epoch). */
  promotion: Promotion | null;
  /** Set when a promoted standby serves a higher epoch: this hub was superseded. */
  successor: Successor | null;
  /** The newest countersignature of any standby. */
  lastWitness: WitnessSeen | null;
  standbys: StandbyOverview[];
  recoveryPoint: RecoveryPoint;
  recoveryTime: RecoveryTime;
}

export interface RecoverySources {
  database: HubDatabase;
  replication: ReplicationLink;
  fence: Fence;
}

/** Those who watch the platform: administrators, operators and auditors. */
export async function recoveryOverview(hub: RecoverySources, actor: Actor): Promise<RecoveryOverview> {
  requireRole(actor, 'platform_admin', 'operator', 'auditor');
  const status = hub.replication.status();
  const [head, epoch, last, witnesses] = await Promise.all([
    journalHead(hub.database.db),
    epochOf(hub.database),
    lastWitness(hub.database),
    Promise.all(status.standbys.map((s) => witnessOf(hub.database, s.node))),
  ]);
  const standbys = status.standbys
    .map((s, i): StandbyOverview => ({ ...s, witness: witnesses[i] ?? null }))
    .sort((a, b) => a.node.localeCompare(b.node));
  const newest = last ? await witnessOf(hub.database, last.node, last.seq) : null;
  return {
    mode: status.mode, state: status.state, degradedSince: status.degradedSince, fallback: status.fallback,
    journal: { seq: head.seq, hash: head.hash, epoch: epoch.epoch },
    promotion: epoch.promotion,
    successor: hub.fence.successor,
    lastWitness: newest,
    standbys,
    recoveryPoint: recoveryPoint(status.state, standbys),
    recoveryTime: recoveryTime(standbys),
  };
}

export function recoveryPoint(state: ReplicationStatus['state'], standbys: readonly StandbyLinkStatus[]): RecoveryPoint {
  if (standbys.length === 0) return { kind: 'unknown' };
  const connected = standbys.filter((s) => s.connected);
  // In synchronous mode a write is acknowledged only once a standby stored it: nothing acknowledged is lost.
  if (state === 'sync' && connected.length > 0) return { kind: 'zero', node: best(connected).node };
  const chosen = best(standbys);
  return { kind: 'lag', node: chosen.node, entries: chosen.lagEntries, ms: chosen.lagMs };
}

export function recoveryTime(standbys: readonly StandbyLinkStatus[]): RecoveryTime {
  let drill: RecoveryTime['drill'] = null;
  for (const s of standbys) {
    const d = s.report?.lastDrill;
    if (d && (!drill || d.ranAt > drill.ranAt)) drill = { node: s.node, file: d.file, ok: d.ok, seconds: d.seconds, problem: d.problem, ranAt: d.ranAt };
  }
  const ready = standbys.filter((s) => s.connected && s.lagEntries === 0 && s.report?.state !== 'stopped');
  return { drill, promotion: ready.length ? { node: best(ready).node } : null };
}

/** The standby with the least lag: by entries, then by milliseconds, connected first. */
function best<T extends StandbyLinkStatus>(standbys: readonly T[]): T {
  return [...standbys].sort((a, b) => a.lagEntries - b.lagEntries || a.lagMs - b.lagMs || Number(b.connected) - Number(a.connected) || a.node.localeCompare(b.node))[0]!;
}

/** The newest countersignature of `node` (or the one at `seq`). */
async function witnessOf(database: HubDatabase, node: string, seq?: number): Promise<WitnessSeen | null> {
  let query = database.db.selectFrom('journal_witness').select(['node', 'seq', 'received_at', 'signature']).where('node', '=', node);
  if (seq !== undefined) query = query.where('seq', '=', seq);
  const row = await query.orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row ? { node: row.node, seq: Number(row.seq), receivedAt: row.received_at, signature: row.signature } : null;
}
