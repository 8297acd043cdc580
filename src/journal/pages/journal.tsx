import Html from '@kitajs/html';
import { ConsoleNav } from '../../web/console.tsx';
import { CsrfField, Layout, type PageContext } from '../../web/layout.tsx';
import type { JournalEntry, JournalHead } from '../schema.ts';
import type { VerifyResult } from '../service.ts';

export function JournalPage(props: { page: PageContext; head: JournalHead; recent: JournalEntry[]; result: VerifyResult | null; canVerify: boolean }): JSX.Element {
  const { t } = props.page;
  const r = props.result;
  return (
    <Layout page={props.page} title={t('journal.title')}>
      <ConsoleNav page={props.page} />
      <h1>{t('journal.title')}</h1>
      <p class="lead">{t('journal.lead')}</p>
      {r ? (
        <p class={`notice ${r.ok ? 'ok' : 'bad'}`} role="status" id="verify-result" safe>
          {r.ok ? t('journal.ok', { count: r.entries, seq: r.head.seq }) : t('journal.bad', { seq: r.firstBad.seq, problem: r.firstBad.problem })}
        </p>
      ) : ''}
      <h2>{t('journal.head')}</h2>
      <table>
        <tbody>
          <tr><th scope="row">{t('journal.seq')}</th><td id="journal-seq">{String(props.head.seq)}</td></tr>
          <tr><th scope="row">{t('journal.hash')}</th><td><code safe>{props.head.hash}</code></td></tr>
        </tbody>
      </table>
      {props.canVerify ? (
        <form method="post" action="/console/journal/verify">
          <CsrfField page={props.page} />
          <button type="submit">{t('journal.verify')}</button>
        </form>
      ) : ''}
      <h2>{t('journal.recent')}</h2>
      <table>
        <thead>
          <tr><th scope="col">{t('journal.seq')}</th><th scope="col">{t('journal.at')}</th><th scope="col">{t('journal.actor')}</th><th scope="col">{t('journal.entity')}</th><th scope="col">{t('journal.op')}</th></tr>
        </thead>
        <tbody>
          {props.recent.map((e) => (
            <tr><td>{String(e.seq)}</td><td safe>{e.at}</td><td><code safe>{e.actor}</code></td><td safe>{`${e.entity} ${e.key}`}</td><td safe>{e.op}</td></tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
