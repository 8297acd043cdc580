import nodemailer from 'nodemailer';
import type { Config } from '../platform/config.ts';
import { SIGNATURE_HEADER, signBody } from './signature.ts';

/**
 * The ways a message leaves the hub. The portal's message centre is not one of these senders: the
 * message row is the portal's copy, always there. Text messages go to an SMS gateway through a
 * signed webhook (every Chinese SMS provider and in-house gateway can take one); e-mail goes to
 * the city's mail server over SMTP.
 */

export interface OutgoingMessage {
  /** The delivery's id: the gateway can drop a retried request it has already sent. */
  id: string;
  /** The phone number or e-mail address, whole. */
  to: string;
  /** The case reference, for the provider's records and the recipient's. */
  reference: string;
  titleZh: string;
  bodyZh: string;
  titleEn: string;
  bodyEn: string;
}

export interface Channel {
  name: 'portal' | 'sms' | 'email';
  /** Resolves once the provider has taken the message; throws (with a reason to keep) when it has not. */
  send(message: OutgoingMessage): Promise<{ providerId?: string }>;
  close?(): void;
}

export interface Channels {
  sms: Channel | null;
  email: Channel | null;
}

const TIMEOUT_MS = 10_000;
// Long texts are split and billed per 67 characters; the whole message is in the message centre.
const SMS_MAX = 300;

export interface WebhookOptions {
  url: string;
  secret: Uint8Array;
  timeoutMs?: number;
}

/**
 * POSTs `{to, text, reference, id}` with an HMAC-SHA256 signature of the body. Only a 2xx answer
 * is a sent message; a redirect is not followed (the secret's signature must not travel on).
 */
export function smsWebhookChannel(options: WebhookOptions): Channel {
  return {
    name: 'sms',
    async send(message) {
      const text = smsText(message);
      const body = JSON.stringify({ to: message.to, text, reference: message.reference, id: message.id });
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST', redirect: 'manual', body, signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
          headers: { 'content-type': 'application/json; charset=utf-8', [SIGNATURE_HEADER]: signBody(options.secret, body) },
        });
      } catch (error) {
        throw new Error(`the SMS gateway could not be reached: ${reasonOf(error)}`);
      }
      const answer = await response.text().catch(() => '');
      if (response.status < 200 || response.status > 299) {
        throw new Error(`the SMS gateway answered ${response.status}${answer ? `: ${answer.slice(0, 200)}` : ''}`);
      }
      const providerId = idIn(answer);
      return providerId ? { providerId } : {};
    },
  };
}

export interface EmailOptions {
  url: string;
  from: string;
  /** Where the recipient can read the message and follow the case. */
  publicUrl: string;
  timeoutMs?: number;
}

export function emailChannel(options: EmailOptions): Channel {
  const url = new URL(options.url);
  const secure = url.protocol === 'smtps:';
  const timeout = options.timeoutMs ?? TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    host: url.hostname, port: Number(url.port) || (secure ? 465 : 587), secure,
    ...(url.username && { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
    connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout,
  });
  return {
    name: 'email',
    async send(message) {
      const link = `${options.publicUrl}/my/cases/${encodeURIComponent(message.reference)}`;
      let info: { messageId?: string; rejected?: unknown[] };
      try {
        info = await transport.sendMail({
          from: options.from, to: message.to, subject: `${message.titleZh} ${message.titleEn}`,
          text: `${message.bodyZh}\n\n查看办理进度：${link}\n\n——\n\n${message.bodyEn}\n\nFollow it at ${link}\n`,
          headers: { 'X-Egov-Reference': message.reference, 'X-Egov-Delivery': message.id },
        });
      } catch (error) {
        throw new Error(`the mail server did not take the message: ${reasonOf(error)}`);
      }
      if (info.rejected?.length) throw new Error(`the mail server refused the recipient ${String(info.rejected[0])}`);
      return info.messageId ? { providerId: info.messageId } : {};
    },
    close: () => transport.close(),
  };
}

/** The channels the configuration names; a channel it leaves out is not used. */
export function channelsFromConfig(config: Config, publicUrl: string): Channels {
  return {
    sms: config.smsWebhookUrl && config.smsWebhookSecret ? smsWebhookChannel({ url: config.smsWebhookUrl, secret: config.smsWebhookSecret.bytes }) : null,
    email: config.smtpUrl && config.smtpFrom ? emailChannel({ url: config.smtpUrl, from: config.smtpFrom, publicUrl }) : null,
  };
}

function smsText(message: OutgoingMessage): string {
  const text = `${message.titleZh}：${message.bodyZh}`;
  const points = Array.from(text);
  return points.length <= SMS_MAX ? text : `${points.slice(0, SMS_MAX - 12).join('')}…（详见个人中心消息）`;
}

function idIn(answer: string): string | null {
  try {
    const parsed = JSON.parse(answer) as { id?: unknown; messageId?: unknown };
    const id = parsed.id ?? parsed.messageId;
    return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 200) : null;
  } catch {
    return null;
  }
}

/** fetch hides the network error in `cause`; that is the part an operator can act on. */
function reasonOf(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { message?: string; code?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
