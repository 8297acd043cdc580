import type { Logger } from 'pino';
import type { FeedEntry } from '../journal/feed.ts';
import type { StandbyReport } from './standby.ts';

/**
 * The hub's side of replication: which standbys follow the journal, how far each has durably
 * stored it, and, in synchronous mode, holding every write's acknowledgement until a standby has
 * stored its entries (PostgreSQL's `synchronous_commit = on` with one synchronous standby).
 *
 * A write commits at the hub first; then transaction() waits here. So a hub that dies in between
 * loses nothing it acknowledged: the caller never got its answer. What happens when no standby
 * confirms in time is the operator's choice: keep waiting (zero loss, writes stall) or fall back
 * to asynchronous with an alert and return to synchronous once a standby has caught up.
 */
export type ReplicationMode = 'async' | 'sync';

export interface ReplicationSettings {
  mode: ReplicationMode;
  /** How long a write waits for a standby before the fallback applies. */
  syncTimeoutMs: number;
  syncFallback: 'async' | 'wait';
}

export interface StandbyLinkStatus {
  node: string;
  connected: boolean;
  /** The last entry the standby reported stored durably. */
  ackedSeq: number;
  ackedAt: string | null;
  lagEntries: number;
  /** Age of the oldest entry the standby has not confirmed: the recovery point if the hub died now. */
  lagMs: number;
  /** The standby's own report (its state, backups, drills), sent with every witness. */
  report: StandbyReport | null;
}

export interface ReplicationStatus {
  mode: ReplicationMode;
  /**
   * sync: writes wait for a standby; degraded: sync fell back to async; waiting: writes wait for
   * a standby that does not answer; no-standby: sync configured but no standby enrolled yet.
   */
  state: 'async' | 'sync' | 'degraded' | 'waiting' | 'no-standby';
  degradedSince: string | null;
  fallback: ReplicationSettings['syncFallback'];
  head: number;
  standbys: StandbyLinkStatus[];
}

interface Waiter {
  seq: number;
  resolve(): void;
  timer: NodeJS.Timeout;
}

interface Link {
  node: string;
  feeds: number;
  ackedSeq: number;
  ackedAt: number | null;
  report: StandbyReport | null;
}

// Commit times of recent entries, for lag in milliseconds; older entries count as the oldest kept.
const COMMIT_TIMES_KEPT = 65_536;
// Committed entries kept for the feeds: a standby within this many entries never reads the journal.
const RECENT_KEPT = 10_000;
// …and within this many characters of rows: one uploaded file is a row of several megabytes.
const RECENT_CHARS_KEPT = 64 * 1024 * 1024;

export class ReplicationLink {
  readonly #settings: ReplicationSettings;
  readonly #logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  #head = 0;
  readonly #commitTimes = new Map<number, number>();
  readonly #recent = new Map<number, FeedEntry>();
  #recentChars = 0;
  readonly #links = new Map<string, Link>();
  readonly #waiters = new Set<Waiter>();
  readonly #wakers = new Set<() => void>();
  #degradedSince: number | null = null;
  #stalled = false;

  constructor(settings: ReplicationSettings, logger: Pick<Logger, 'error' | 'warn' | 'info'>) {
    this.#settings = settings;
    this.#logger = logger;
  }

  /**
   * Called after a transaction that appended `entries` committed. Resolves when the write may be
   * acknowledged. The entries are kept a while, so feeds send them without reading them back.
   */
  committed(entries: readonly FeedEntry[]): Promise<void> | undefined {
    if (entries.length === 0) return undefined;
    for (const entry of entries) {
      this.#recent.set(entry.seq, entry);
      this.#recentChars += entry.row_after?.length ?? 0;
    }
    while (this.#recent.size > RECENT_KEPT || (this.#recentChars > RECENT_CHARS_KEPT && this.#recent.size > 1)) {
      const oldest = this.#recent.keys().next().value!;
      this.#recentChars -= this.#recent.get(oldest)!.row_after?.length ?? 0;
      this.#recent.delete(oldest);
    }
    const seq = entries[entries.length - 1]!.seq;
    if (seq > this.#head) {
      this.#head = seq;
      this.#commitTimes.set(seq, Date.now());
      if (this.#commitTimes.size > COMMIT_TIMES_KEPT) this.#commitTimes.delete(this.#commitTimes.keys().next().value!);
    }
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
    // With no standby enrolled there is nothing to wait for (the first standby's own enrolment is a write).
    if (this.#settings.mode === 'async' || this.#links.size === 0 || this.#degradedSince !== null || this.#bestAcked() >= seq) return undefined;
    return new Promise((resolve) => {
      const waiter: Waiter = { seq, resolve: () => { clearTimeout(waiter.timer); this.#waiters.delete(waiter); resolve(); }, timer: setTimeout(() => this.#timedOut(), this.#settings.syncTimeoutMs) };
      this.#waiters.add(waiter);
    });
  }

  /**
   * Entries after `seq`, in order, from those committed recently in this process; empty when the
   * next one is not at hand (a standby catching up, or a writer in another process): read the
   * journal then.
   */
  recentAfter(seq: number, limit: number): FeedEntry[] {
    const out: FeedEntry[] = [];
    for (let next = this.#recent.get(seq + 1); next && out.length < limit; next = this.#recent.get(next.seq + 1)) out.push(next);
    return out;
  }

  /** Resolves at the next commit, or after `ms` (the journal feed's wake-up). */
  nextCommit(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.#wakers.delete(wake); resolve(); }, ms);
      const wake = () => { clearTimeout(timer); resolve(); };
      this.#wakers.add(wake);
    });
  }

  /** At start: the journal head, and the standbys enrolled, so sync mode waits for them even before they reconnect. */
  know(head: number, standbys: readonly string[]): void {
    this.#head = Math.max(this.#head, head);
    for (const node of standbys) this.#link(node);
  }

  feedOpened(node: string): () => void {
    const link = this.#link(node);
    link.feeds += 1;
    this.#logger.info({ standby: node }, 'standby connected to the journal feed');
    return () => {
      link.feeds -= 1;
      if (link.feeds === 0) this.#logger.warn({ standby: node, ackedSeq: link.ackedSeq }, 'standby disconnected from the journal feed');
    };
  }

  /** The standby `node` has stored every entry up to `seq` durably. */
  acknowledged(node: string, seq: number): void {
    const link = this.#link(node);
    if (seq <= link.ackedSeq) return;
    link.ackedSeq = seq;
    link.ackedAt = Date.now();
    for (const waiter of this.#waiters) if (waiter.seq <= seq) waiter.resolve();
    if (this.#stalled && this.#waiters.size === 0) {
      this.#stalled = false;
      this.#logger.warn({ standby: node, seq }, 'synchronous replication: writes are flowing again');
    }
    if (this.#degradedSince !== null && seq >= this.#head) {
      this.#logger.warn({ standby: node, seq, degradedMs: Date.now() - this.#degradedSince }, 'synchronous replication restored: the standby has caught up');
      this.#degradedSince = null;
    }
    for (const s of this.#commitTimes.keys()) {
      if (s > seq || this.#commitTimes.size <= 1) break;
      this.#commitTimes.delete(s);
    }
  }

  reported(node: string, report: StandbyReport): void {
    this.#link(node).report = report;
  }

  status(): ReplicationStatus {
    const now = Date.now();
    const { mode, syncFallback } = this.#settings;
    const state = mode === 'async' ? 'async' : this.#links.size === 0 ? 'no-standby' : this.#degradedSince !== null ? 'degraded' : this.#stalled ? 'waiting' : 'sync';
    return {
      mode, state, fallback: syncFallback, head: this.#head,
      degradedSince: this.#degradedSince === null ? null : new Date(this.#degradedSince).toISOString(),
      standbys: [...this.#links.values()].map((link) => ({
        node: link.node, connected: link.feeds > 0, ackedSeq: link.ackedSeq,
        ackedAt: link.ackedAt === null ? null : new Date(link.ackedAt).toISOString(),
        lagEntries: Math.max(0, this.#head - link.ackedSeq),
        lagMs: link.ackedSeq >= this.#head ? 0 : now - this.#oldestUnconfirmed(link.ackedSeq, now),
        report: link.report,
      })),
    };
  }

  /** Lets every waiting write go (the hub is stopping; its callers get no answer anyway). */
  close(): void {
    for (const waiter of this.#waiters) waiter.resolve();
  }

  #link(node: string): Link {
    let link = this.#links.get(node);
    if (!link) this.#links.set(node, link = { node, feeds: 0, ackedSeq: 0, ackedAt: null, report: null });
    return link;
  }

  #bestAcked(): number {
    let best = 0;
    for (const link of this.#links.values()) best = Math.max(best, link.ackedSeq);
    return best;
  }

  #oldestUnconfirmed(ackedSeq: number, now: number): number {
    const exact = this.#commitTimes.get(ackedSeq + 1);
    if (exact !== undefined) return exact;
    for (const [seq, at] of this.#commitTimes) if (seq > ackedSeq) return at;
    return now;
  }

  #timedOut(): void {
    if (this.#waiters.size === 0) return;
    const oldest = Math.min(...[...this.#waiters].map((w) => w.seq));
    if (this.#settings.syncFallback === 'async') {
      this.#degradedSince = Date.now();
      this.#logger.error({ alert: 'replication-degraded', waitingFor: oldest, timeoutMs: this.#settings.syncTimeoutMs },
        `ALERT: no standby confirmed entry ${oldest} within ${this.#settings.syncTimeoutMs} ms; synchronous replication falls back to asynchronous until a standby catches up`);
      for (const waiter of this.#waiters) waiter.resolve();
      return;
    }
    if (!this.#stalled) {
      this.#stalled = true;
      this.#logger.error({ alert: 'replication-waiting', waitingFor: oldest, waiting: this.#waiters.size },
        `ALERT: no standby confirmed entry ${oldest} within ${this.#settings.syncTimeoutMs} ms; writes wait for a standby (sync fallback: wait)`);
    }
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.timer = setTimeout(() => this.#timedOut(), this.#settings.syncTimeoutMs);
    }
  }
}
