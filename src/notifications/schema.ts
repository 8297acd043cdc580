/**
 * Notifications as GOV.UK Notify keeps them: a message rendered from a template with its
 * personalisation, for one recipient, about one case (its reference); and one delivery per
 * channel that carries it outside the portal, each with its own status. The message row itself is
 * the portal's message centre: always there, read or unread.
 */

export const deliveryChannels = ['sms', 'email'] as const;
export type DeliveryChannel = (typeof deliveryChannels)[number];

/** not-configured: the hub has no such channel; nothing was tried, and nothing failed. */
export const deliveryStatuses = ['queued', 'sent', 'failed', 'not-configured'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

// ——— Rows ———

export interface NotificationRow {
  id: string;
  /** The actor it is for, as cases name their applicant: `person:{id}`, or an id the portal used. */
  recipient: string;
  case_reference: string;
  /** The case event it tells of; one message per event, however often the journal is read. */
  case_event_id: string | null;
  /** The journal entry of that event: the message centre lists messages in the order their events happened. */
  journal_seq: number;
  template: string;
  title_zh: string;
  body_zh: string;
  title_en: string;
  body_en: string;
  created_at: string;
  read_at: string | null;
}

export interface DeliveryRow {
  id: string;
  notification_id: string;
  channel: DeliveryChannel;
  /** The phone number or e-mail address as sent to; views show address_display. */
  address: string;
  address_display: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  /** When a queued delivery is due (again); also the lease of an attempt under way. Null once it is settled. */
  next_attempt_at: string | null;
  /** What the provider called it (SMTP message id, the gateway's id). */
  provider_id: string | null;
  sent_at: string | null;
  created_at: string;
}

/** How far the notifier has read the journal: a lower bound, since the event id keeps each message single. */
export interface NotificationCursorRow {
  id: string;
  seq: number;
}

export interface NotificationsTables {
  notifications: NotificationRow;
  notification_deliveries: DeliveryRow;
  notification_cursors: NotificationCursorRow;
}

// ——— Views ———

export interface Notification {
  id: string;
  reference: string;
  template: string;
  titleZh: string;
  bodyZh: string;
  titleEn: string;
  bodyEn: string;
  createdAt: string;
  readAt: string | null;
}

export interface Delivery {
  id: string;
  notificationId: string;
  template: string;
  channel: DeliveryChannel;
  /** Masked: staff see that a text went to 138****5678, not the number. */
  address: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  createdAt: string;
}
