import Html from '@kitajs/html';
import { chinaTime } from '../../platform/calendar.ts';
import { CsrfField, Layout, type PageContext } from '../../web/layout.tsx';
import type { Notification } from '../schema.ts';

export interface MessageListProps {
  page: PageContext;
  /** Newest first, as listNotifications returns them. */
  messages: Notification[];
  unread: number;
  /**
   * The whole message centre page (/my/messages), whose h1 names the list; otherwise a section
   * of another page (the personal centre /my) with its own h2 and a link to all messages.
   */
  standalone?: boolean;
  /** Shown when there are more messages than listed here. */
  more?: boolean;
}

/** The message centre: each message with its case reference, linking to the case; unread ones marked, with a button to mark them read. */
export function MessageList(props: MessageListProps): JSX.Element {
  const { t, lang } = props.page;
  const standalone = props.standalone === true;
  const back = standalone ? '/my/messages' : '/my';
  return (
    <section id="messages" aria-labelledby={standalone ? 'messages-title' : 'messages-heading'}>
      {standalone ? '' : <h2 id="messages-heading" safe>{t('notifications.heading')}</h2>}
      {props.unread ? <p id="messages-unread"><strong safe>{t('notifications.unreadCount', { count: props.unread })}</strong></p> : ''}
      {props.messages.length === 0 ? <p id="messages-empty" safe>{t('notifications.none')}</p> : (
        <ol class="results messages">
          {props.messages.map((m) => {
            const title = lang === 'en' ? m.titleEn : m.titleZh;
            const heading = (
              <>
                <a href={`/my/cases/${encodeURIComponent(m.reference)}`} safe>{title}</a>
                {m.readAt ? '' : <>{' '}<strong class="tag" safe>{t('notifications.unread')}</strong></>}
              </>
            );
            return (
              <li id={`message-${m.id}`} class={m.readAt ? 'message' : 'message unread'} data-unread={m.readAt ? undefined : 'true'}>
                {standalone ? <h2>{heading}</h2> : <h3>{heading}</h3>}
                <p safe>{lang === 'en' ? m.bodyEn : m.bodyZh}</p>
                <p class="hint">
                  <time datetime={m.createdAt} safe>{chinaTime(m.createdAt)}</time>
                  {' · '}
                  <span safe>{t('notifications.reference', { reference: m.reference })}</span>
                </p>
                {m.readAt ? '' : (
                  <form method="post" action={`/my/messages/${encodeURIComponent(m.id)}/read`}>
                    <CsrfField page={props.page} />
                    <input type="hidden" name="return" value={back} />
                    <button type="submit" class="secondary" aria-label={t('notifications.markReadOf', { title })} safe>{t('notifications.markRead')}</button>
                  </form>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {props.unread > 1 ? (
        <form method="post" action="/my/messages/read-all">
          <CsrfField page={props.page} />
          <input type="hidden" name="return" value={back} />
          <button type="submit" class="secondary" safe>{t('notifications.markAllRead')}</button>
        </form>
      ) : ''}
      {!standalone && props.more ? <p><a href="/my/messages" safe>{t('notifications.all')}</a></p> : ''}
    </section>
  );
}

export function MessagesPage(props: { page: PageContext; messages: Notification[]; unread: number; notice: string | null }): JSX.Element {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('notifications.title')}>
      <h1 id="messages-title" safe>{t('notifications.title')}</h1>
      {props.notice ? <p class="notice ok" role="status" safe>{props.notice}</p> : ''}
      <MessageList page={props.page} messages={props.messages} unread={props.unread} standalone />
      <p><a href="/my" safe>{t('notifications.back')}</a></p>
    </Layout>
  );
}
