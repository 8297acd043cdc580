import { type CasePolicy, getCase } from '../cases/service.ts';
import type { HubDatabase as Db } from '../hub/database.ts';
import { beginJournaledWrite } from '../journal/service.ts';
import { type Actor, hasRole } from '../platform/access.ts';
import { forbidden, notFound } from '../platform/errors.ts';
import type { Delivery, DeliveryRow, Notification, NotificationRow } from './schema.ts';
import * as store from './store.ts';

/**
 * The message centre: each person reads their own messages and marks them read; staff see, per
 * case, what was sent to its applicant and whether it arrived. Messages are made by the notifier
 * (notifier.ts), which follows the journal.
 */

export { Notifier, type NotifierOptions, type PassResult } from './notifier.ts';
export { channelsFromConfig, type Channel, type Channels, type OutgoingMessage } from './channels.ts';
export { templates, type TemplateCode } from './templates.ts';

/** The actor's own messages, newest first. */
export async function listNotifications(db: Db, actor: Actor, options: { unread?: boolean; limit?: number } = {}): Promise<Notification[]> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
  return (await store.listNotifications(db.db, actor.actor, { unread: options.unread ?? false, limit })).map(notificationOf);
}

export async function countUnread(db: Db, actor: Actor): Promise<number> {
  return store.countUnread(db.db, actor.actor);
}

/** Marks one of the actor's messages read; someone else's message is not found, as if it did not exist. */
export async function markRead(db: Db, actor: Actor, id: string): Promise<Notification> {
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const row = await store.getNotification(tx, id);
    if (!row || row.recipient !== actor.actor) throw notFound(`you have no message ${id}`);
    if (row.read_at) return notificationOf(row);
    return notificationOf((await store.markNotificationRead(tx, actor, id, new Date().toISOString()))!);
  });
}

/** Marks every unread message of the actor read; returns how many were. */
export async function markAllRead(db: Db, actor: Actor): Promise<number> {
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const unread = await store.listNotifications(tx, actor.actor, { unread: true, limit: 1000 });
    const at = new Date().toISOString();
    for (const row of unread) await store.markNotificationRead(tx, actor, row.id, at);
    return unread.length;
  });
}

/**
 * What was sent to a case's applicant, by text and e-mail, newest first, addresses masked: for
 * the staff who may read the case (the case engine decides who that is).
 */
export async function listCaseDeliveries(db: Db, policy: CasePolicy, actor: Actor, reference: string): Promise<Delivery[]> {
  if (actor.kind !== 'staff' && !hasRole(actor, 'platform_admin', 'auditor')) throw forbidden('only staff see what was sent to an applicant');
  const c = await getCase(db, policy, actor, reference);
  return (await store.deliveriesOfCase(db.db, c.reference)).map(deliveryOf);
}

function notificationOf(row: NotificationRow): Notification {
  return {
    id: row.id, reference: row.case_reference, template: row.template, titleZh: row.title_zh, bodyZh: row.body_zh,
    titleEn: row.title_en, bodyEn: row.body_en, createdAt: row.created_at, readAt: row.read_at,
  };
}

function deliveryOf(row: DeliveryRow & { template: string }): Delivery {
  return {
    id: row.id, notificationId: row.notification_id, template: row.template, channel: row.channel, address: row.address_display,
    status: row.status, attempts: row.attempts, lastError: row.last_error, nextAttemptAt: row.next_attempt_at, sentAt: row.sent_at,
    createdAt: row.created_at,
  };
}
