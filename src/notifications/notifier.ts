import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CaseEventRow } from '../cases/schema.ts';
import { type CasePolicy, getCase } from '../cases/service.ts';
import type { HubDatabase } from '../hub/database.ts';
import { getPerson } from '../identity/people.service.ts';
import { appendedEntriesOf, beginJournaledWrite, journalHead, readEntries } from '../journal/service.ts';
import { systemActor } from '../platform/access.ts';
import { DomainError } from '../platform/errors.ts';
import { maskEmail, maskPhone } from '../platform/masking.ts';
import { findDepartment } from '../registry/service.ts';
import type { Channels } from './channels.ts';
import { type DepartmentName, milestoneOf } from './milestones.ts';
import type { DeliveryChannel, DeliveryRow } from './schema.ts';
import * as store from './store.ts';
import { type Rendered, type TemplateCode, render } from './templates.ts';

/**
 * The notifier follows the journal rather than being called by the case engine, so cases know
 * nothing of notifications and a message is never lost to a crash between a case's commit and a
 * send: the event is in the journal, and the notifier reads from its saved cursor. Each message
 * is keyed by its case event, so reading an entry twice (after a restart, or by a second hub
 * process) never makes a second message. Sending happens outside every transaction, after the
 * request that caused it has been answered, with a few spaced attempts.
 */

export interface NotifierOptions {
  database: HubDatabase;
  policy: CasePolicy;
  channels: Channels;
  log?: Pick<Logger, 'warn' | 'error'>;
  /** The notifier's clock: when messages are stamped and deliveries are due. Tests move it. */
  now?: () => Date;
  /** Tries per delivery before it is given up as failed. */
  maxAttempts?: number;
  /** The wait after the first failed try, after the second…; the last repeats. */
  retryDelaysMs?: readonly number[];
  /** How often it looks for due retries and for entries another process wrote. */
  pollMs?: number;
  /** True once this hub was superseded by a promoted standby: then it writes nothing. */
  superseded?: () => boolean;
}

export interface PassResult {
  /** Messages created from case events. */
  notified: number;
  sent: number;
  /** Deliveries given up after their last attempt. */
  failed: number;
  /** Deliveries that failed an attempt and will be tried again. */
  retrying: number;
}

const CURSOR = 'case-events';
const PAGE = 200;
const BATCH = 20;
// Longer than any channel waits for an answer: a second process takes over a send only when the first is surely gone.
const LEASE_MS = 120_000;
const actor = systemActor('notifier');

interface Planned {
  event: CaseEventRow;
  seq: number;
  recipient: string;
  reference: string;
  template: TemplateCode;
  rendered: Rendered;
  addresses: { channel: DeliveryChannel; address: string }[];
}

export class Notifier {
  readonly #db: HubDatabase;
  readonly #policy: CasePolicy;
  readonly #channels: Channels;
  readonly #log: Pick<Logger, 'warn' | 'error'> | undefined;
  readonly #now: () => Date;
  readonly #maxAttempts: number;
  readonly #delays: readonly number[];
  readonly #pollMs: number;
  readonly #superseded: () => boolean;
  #cursor: number | null = null;
  #running: Promise<unknown> = Promise.resolve();
  #queued = false;
  #stopped = false;
  #timer: NodeJS.Timeout | null = null;
  #unhook: (() => void) | null = null;

  constructor(options: NotifierOptions) {
    this.#db = options.database;
    this.#policy = options.policy;
    this.#channels = options.channels;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#delays = options.retryDelaysMs ?? [60_000, 5 * 60_000];
    this.#pollMs = options.pollMs ?? 30_000;
    this.#superseded = options.superseded ?? (() => false);
  }

  /** Takes its place in the journal, then works whenever a case event commits, and every pollMs. */
  async start(): Promise<void> {
    await this.#enqueue(() => this.#position());
    this.#unhook = this.#db.afterCommit((tx) => {
      if (appendedEntriesOf(tx).some((e) => e.entity === 'case_events')) this.wake();
    });
    this.#timer = setInterval(() => this.wake(), this.#pollMs);
    this.#timer.unref();
    this.wake();
  }

  /** Waits for the pass under way; sends that were started finish (each has its timeout). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#unhook?.();
    await this.#running;
    this.#channels.sms?.close?.();
    this.#channels.email?.close?.();
  }

  /** Asks for a pass soon, without waiting for it; passes asked for while one is queued are one. */
  wake(): void {
    if (this.#stopped || this.#queued) return;
    this.#queued = true;
    this.#enqueue(() => { this.#queued = false; return this.#pass(); })
      .catch((error: unknown) => this.#log?.error({ err: error }, 'notifications: a pass failed; the next one starts where it stopped'));
  }

  /** One whole pass now, after the one under way: every event committed before the call is handled when it resolves. */
  runOnce(): Promise<PassResult> {
    return this.#enqueue(() => this.#pass());
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#running.then(work, work);
    this.#running = next.catch(() => {});
    return next;
  }

  async #pass(): Promise<PassResult> {
    const result: PassResult = { notified: 0, sent: 0, failed: 0, retrying: 0 };
    if (this.#superseded()) return result;
    result.notified = await this.#follow();
    await this.#deliverDue(result);
    return result;
  }

  /**
   * Where to read from: the saved cursor, or, the first time, the journal's head. A hub that starts
   * notifying does not text every applicant about years of past cases.
   */
  async #position(): Promise<number> {
    if (this.#cursor !== null) return this.#cursor;
    const saved = await store.getCursor(this.#db.db, CURSOR);
    if (saved !== null) return (this.#cursor = saved);
    return (this.#cursor = await this.#db.transaction(async (tx) => {
      await beginJournaledWrite(tx);
      const other = await store.getCursor(tx, CURSOR);
      if (other !== null) return other;
      const { seq } = await journalHead(tx);
      await store.saveCursor(tx, actor, CURSOR, seq);
      return seq;
    }));
  }

  async #follow(): Promise<number> {
    let cursor = await this.#position();
    let notified = 0;
    for (;;) {
      const entries = await readEntries(this.#db.db, cursor, PAGE);
      if (entries.length === 0) break;
      const planned: Planned[] = [];
      for (const entry of entries) {
        if (entry.entity !== 'case_events' || entry.op !== 'insert' || !entry.row) continue;
        const event = entry.row as unknown as CaseEventRow;
        if (event.visibility !== 'public') continue;
        const plan = await this.#plan(event, entry.seq);
        if (plan) planned.push(plan);
      }
      const last = entries.at(-1)!.seq;
      // Only a page that made messages moves the saved cursor, in the same transaction as the
      // messages; saving it for every page would write an entry that the next page reads.
      if (planned.length) notified += await this.#record(planned, last);
      this.#cursor = cursor = last;
      if (entries.length < PAGE) break;
    }
    return notified;
  }

  async #plan(event: CaseEventRow, seq: number): Promise<Planned | null> {
    if (await store.notificationForEvent(this.#db.db, event.id)) return null;
    const c = await getCase(this.#db, this.#policy, actor, event.case_id);
    const milestone = await milestoneOf(event, c, this.#departmentName);
    if (!milestone) return null;
    return {
      event, seq, recipient: c.applicant, reference: c.reference, template: milestone.template,
      rendered: render(milestone.template, milestone.personalisation), addresses: await this.#addressesOf(c.applicant),
    };
  }

  readonly #departmentName: DepartmentName = async (code) => {
    const d = await findDepartment(this.#db, code);
    return d ? { zh: d.nameZh, en: d.nameEn } : { zh: code, en: code };
  };

  /** A person's phone and e-mail as they are now; an applicant known only by a name or number gets the message centre only. */
  async #addressesOf(applicant: string): Promise<Planned['addresses']> {
    if (!applicant.startsWith('person:')) return [];
    let person;
    try {
      person = await getPerson(this.#db, applicant.slice('person:'.length));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'not_found') return [];
      throw error;
    }
    return [
      ...(person.phone ? [{ channel: 'sms' as const, address: person.phone }] : []),
      ...(person.email ? [{ channel: 'email' as const, address: person.email }] : []),
    ];
  }

  async #record(planned: Planned[], last: number): Promise<number> {
    const at = this.#now().toISOString();
    return this.#db.transaction(async (tx) => {
      await beginJournaledWrite(tx);
      let made = 0;
      for (const p of planned) {
        if (await store.notificationForEvent(tx, p.event.id)) continue;
        const notification = await store.insertNotification(tx, actor, {
          id: randomUUID(), recipient: p.recipient, case_reference: p.reference, case_event_id: p.event.id, journal_seq: p.seq, template: p.template,
          title_zh: p.rendered.titleZh, body_zh: p.rendered.bodyZh, title_en: p.rendered.titleEn, body_en: p.rendered.bodyEn,
          created_at: at, read_at: null,
        });
        for (const { channel, address } of p.addresses) {
          const configured = this.#channels[channel] !== null;
          await store.insertDelivery(tx, actor, {
            id: randomUUID(), notification_id: notification.id, channel, address,
            address_display: channel === 'sms' ? maskPhone(address) : maskEmail(address),
            status: configured ? 'queued' : 'not-configured', attempts: 0, last_error: null,
            next_attempt_at: configured ? at : null, provider_id: null, sent_at: null, created_at: at,
          });
        }
        made += 1;
      }
      await store.saveCursor(tx, actor, CURSOR, last);
      return made;
    });
  }

  /** Until nothing is due: each attempt moves its delivery's due time on (a lease, a wait) or settles it, and attempts are few. */
  async #deliverDue(result: PassResult): Promise<void> {
    for (;;) {
      const due = await store.dueDeliveries(this.#db.db, this.#now().toISOString(), BATCH);
      if (due.length === 0) return;
      for (const d of due) {
        if (this.#stopped) return;
        const outcome = await this.#attempt(d.id);
        if (outcome) result[outcome] += 1;
      }
    }
  }

  /** Claims the delivery (so no other process sends it meanwhile), sends it, and records how that went. */
  async #attempt(id: string): Promise<'sent' | 'failed' | 'retrying' | null> {
    const claimedAt = this.#now();
    const claim = await this.#db.transaction(async (tx) => {
      await beginJournaledWrite(tx);
      const row = await store.getDelivery(tx, id);
      if (!row || row.status !== 'queued' || (row.next_attempt_at ?? '') > claimedAt.toISOString()) return null;
      if (!this.#channels[row.channel]) {
        // Configured when the message was made, not any more: nothing will send it.
        await store.updateDelivery(tx, actor, id, { status: 'not-configured', next_attempt_at: null });
        return null;
      }
      const notification = (await store.getNotification(tx, row.notification_id))!;
      const claimed = (await store.updateDelivery(tx, actor, id, {
        attempts: row.attempts + 1, next_attempt_at: new Date(claimedAt.getTime() + LEASE_MS).toISOString(),
      }))!;
      return { row: claimed, notification };
    });
    if (!claim) return null;
    const { row, notification } = claim;
    let outcome: { providerId?: string } | Error;
    try {
      outcome = await this.#channels[row.channel]!.send({
        id: row.id, to: row.address, reference: notification.case_reference,
        titleZh: notification.title_zh, bodyZh: notification.body_zh, titleEn: notification.title_en, bodyEn: notification.body_en,
      });
    } catch (error) {
      outcome = error instanceof Error ? error : new Error(String(error));
    }
    const done = this.#now();
    let changes: Partial<DeliveryRow>;
    let verdict: 'sent' | 'failed' | 'retrying';
    if (!(outcome instanceof Error)) {
      verdict = 'sent';
      changes = { status: 'sent', sent_at: done.toISOString(), provider_id: outcome.providerId ?? null, last_error: null, next_attempt_at: null };
    } else {
      // Providers echo the address in their errors; staff see the error next to the masked one.
      const error = outcome.message.split(row.address).join(row.address_display).slice(0, 500);
      const last = row.attempts >= this.#maxAttempts;
      verdict = last ? 'failed' : 'retrying';
      const wait = this.#delays[Math.min(row.attempts, this.#delays.length) - 1] ?? 0;
      changes = last
        ? { status: 'failed', last_error: error, next_attempt_at: null }
        : { last_error: error, next_attempt_at: new Date(done.getTime() + wait).toISOString() };
      this.#log?.warn({ delivery: row.id, channel: row.channel, attempt: row.attempts, error }, `notifications: a ${row.channel} delivery failed${last ? ' for the last time' : '; it will be tried again'}`);
    }
    await this.#db.transaction(async (tx) => {
      await beginJournaledWrite(tx);
      await store.updateDelivery(tx, actor, row.id, changes);
    });
    return verdict;
  }
}
