import Html from '@kitajs/html';
import { ConsoleNav } from '../../web/console.tsx';
import type { Lang, MessageKey } from '../../web/i18n.ts';
import { Layout, type PageContext } from '../../web/layout.tsx';
import type { RecoveryOverview, StandbyOverview, WitnessSeen } from '../overview.ts';
import { chinaTime } from '../../platform/calendar.ts';

/**
 * The console's page of the disaster recovery center: the achieved recovery point and time first,
 * then how the journal reaches the standbys, then each standby's copy, witness, backups and
 * drills. Read-only: it has no form and shows no key.
 */

// Seconds matter here: lag and witnesses move by the second.
export const beijingTime = (iso: string): string => chinaTime(iso, 'second');

/** A number with the language's digit grouping, to two decimals at most. */
function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(n);
}

/** Signatures and hashes are long; the start identifies them on a page. */
export function shortened(value: string, length = 16): string {
  return value.length > length ? `${value.slice(0, length)}…` : value;
}

const headingId = (node: string) => `standby-${node.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export function ConsoleRecoveryPage(props: { page: PageContext; overview: RecoveryOverview; now: Date }): JSX.Element {
  const { t } = props.page;
  const o = props.overview;
  const title = t('console.recovery');
  return (
    <Layout page={props.page} title={title}>
      <ConsoleNav page={props.page} />
      <h1 safe>{title}</h1>
      {o.successor ? (
        <div class="notice bad" id="superseded">
          <h2 safe>{t('recovery.superseded.heading')}</h2>
          <p safe>{t('recovery.superseded', { epoch: o.successor.epoch, url: o.successor.exchangeUrl, at: beijingTime(o.successor.learnedAt), seq: o.successor.seq })}</p>
        </div>
      ) : ''}
      <p class="lead" safe>{t('recovery.lead')}</p>
      <p class="hint" safe>{t('recovery.asOf', { at: beijingTime(props.now.toISOString()) })}</p>
      <Objectives page={props.page} overview={o} />
      <Replication page={props.page} overview={o} />
      <section aria-labelledby="standbys-heading">
        <h2 id="standbys-heading" safe>{t('recovery.standbys')}</h2>
        {o.standbys.length === 0 ? (
          <>
            <p id="no-standby" class="notice bad" safe>{t('recovery.noStandby')}</p>
            <p safe>{t('recovery.noStandby.how')}</p>
          </>
        ) : o.standbys.map((s) => <Standby page={props.page} standby={s} />)}
      </section>
    </Layout>
  );
}

function Objectives(props: { page: PageContext; overview: RecoveryOverview }): JSX.Element {
  const { t, lang } = props.page;
  const n = (value: number) => formatNumber(lang, value);
  const { recoveryPoint: point, recoveryTime: time } = props.overview;
  const none = props.overview.standbys.length === 0;
  return (
    <section aria-labelledby="objectives-heading">
      <h2 id="objectives-heading" safe>{t('recovery.objectives')}</h2>
      <table class="facts" id="objectives">
        <caption safe>{t('recovery.objectives.caption')}</caption>
        <tbody>
          <tr id="rpo">
            <th scope="row" safe>{t('recovery.rpo')}</th>
            <td>
              {point.kind === 'unknown' ? <span safe>{t('recovery.rpo.unknown')}</span> : point.kind === 'zero'
                ? <span safe>{t('recovery.rpo.zero', { node: point.node })}</span>
                : (
                  <>
                    <span safe>{t('recovery.rpo.lag', { entries: n(point.entries), ms: n(point.ms), node: point.node })}</span>
                    <br /><span class="hint" safe>{t('recovery.rpo.notGuaranteed')}</span>
                  </>
                )}
            </td>
          </tr>
          <tr id="rto">
            <th scope="row" safe>{t('recovery.rto')}</th>
            <td>
              {none ? <span safe>{t('recovery.rto.unknown')}</span> : (
                <ul class="plain">
                  <li id="rto-restore">
                    {!time.drill ? <span safe>{t('recovery.rto.noDrill')}</span> : time.drill.ok
                      ? <span safe>{t('recovery.rto.restore', { seconds: n(time.drill.seconds), node: time.drill.node, at: beijingTime(time.drill.ranAt), file: time.drill.file })}</span>
                      : <span safe>{t('recovery.rto.restoreFailed', { node: time.drill.node, at: beijingTime(time.drill.ranAt) })}</span>}
                  </li>
                  <li id="rto-promotion">
                    {time.promotion ? (
                      <>
                        <span safe>{t('recovery.rto.promotion', { node: time.promotion.node })}</span>{' '}
                        <code safe>{`egov promote --data <${t('recovery.rto.dir')}>`}</code>
                      </>
                    ) : <span safe>{t('recovery.rto.noPromotion')}</span>}
                  </li>
                </ul>
              )}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

function Replication(props: { page: PageContext; overview: RecoveryOverview }): JSX.Element {
  const { t, lang } = props.page;
  const o = props.overview;
  const fallback = t(`recovery.fallback.${o.fallback}` as MessageKey);
  const p = o.promotion;
  return (
    <section aria-labelledby="replication-heading">
      <h2 id="replication-heading" safe>{t('recovery.replication')}</h2>
      <table class="facts" id="replication">
        <caption safe>{t('recovery.replication.caption')}</caption>
        <tbody>
          <tr>
            <th scope="row" safe>{t('recovery.mode')}</th>
            <td safe>{t(`recovery.mode.${o.mode}` as MessageKey)}</td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.state')}</th>
            <td id="replication-state">
              {o.state === 'degraded' || o.state === 'waiting' ? <><strong class="tag overdue-tag" safe>{t('recovery.attention')}</strong>{' '}</> : ''}
              <span safe>{t(`recovery.state.${o.state}` as MessageKey, { since: o.degradedSince ? beijingTime(o.degradedSince) : '', fallback })}</span>
            </td>
          </tr>
          {o.mode === 'sync' ? (
            <tr>
              <th scope="row" safe>{t('recovery.fallback')}</th>
              <td safe>{fallback}</td>
            </tr>
          ) : ''}
          <tr>
            <th scope="row" safe>{t('recovery.head')}</th>
            <td id="journal-head">
              <span safe>{t('recovery.head.value', { seq: formatNumber(lang, o.journal.seq), epoch: o.journal.epoch })}</span>{' '}
              <span safe>{t('recovery.hash')}</span> <code safe>{shortened(o.journal.hash)}</code>
            </td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.promotion')}</th>
            <td id="promotion" safe>
              {p ? t('recovery.promotion.value', { epoch: p.epoch, node: p.node, at: beijingTime(p.promotedAt), seq: formatNumber(lang, p.afterSeq), url: p.exchangeUrl })
                : t('recovery.promotion.none')}
            </td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.lastWitness')}</th>
            <td id="last-witness"><WitnessText page={props.page} witness={o.lastWitness} /></td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

function WitnessText(props: { page: PageContext; witness: WitnessSeen | null }): JSX.Element {
  const { t, lang } = props.page;
  const w = props.witness;
  if (!w) return <span safe>{t('recovery.witness.none')}</span>;
  return (
    <>
      <span safe>{t('recovery.witness.value', { seq: formatNumber(lang, w.seq), node: w.node, at: beijingTime(w.receivedAt) })}</span>
      <br /><span safe>{t('recovery.witness.signature')}</span> <code safe>{shortened(w.signature)}</code>
    </>
  );
}

function Standby(props: { page: PageContext; standby: StandbyOverview }): JSX.Element {
  const { t, lang } = props.page;
  const n = (value: number) => formatNumber(lang, value);
  const s = props.standby;
  const r = s.report;
  const id = headingId(s.node);
  const backup = r?.lastBackup ?? null;
  const drill = r?.lastDrill ?? null;
  return (
    <section aria-labelledby={id} class="standby" data-node={s.node}>
      <h3 id={id} safe>{t('recovery.standby', { node: s.node })}</h3>
      <table class="facts">
        <caption safe>{t('recovery.standby.caption', { node: s.node })}</caption>
        <tbody>
          <tr>
            <th scope="row" safe>{t('recovery.connection')}</th>
            <td class="connection">
              {s.connected ? <span safe>{t('recovery.connected')}</span> : <strong class="tag overdue-tag" safe>{t('recovery.disconnected')}</strong>}
            </td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.stored')}</th>
            <td class="stored" safe>
              {s.ackedAt ? t('recovery.stored.value', { seq: n(s.ackedSeq), at: beijingTime(s.ackedAt) }) : t('recovery.stored.none')}
            </td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.lag')}</th>
            <td class="lag" safe>{t('recovery.lag.value', { entries: n(s.lagEntries), ms: n(s.lagMs) })}</td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.ownState')}</th>
            <td class="own-state">
              {!r ? <span safe>{t('recovery.report.none')}</span> : (
                <>
                  {r.state === 'stopped' ? <><strong class="tag overdue-tag" safe>{t('recovery.attention')}</strong>{' '}</> : ''}
                  <span safe>{t(`recovery.report.state.${r.state}` as MessageKey, { seq: n(r.position.seq), epoch: r.position.epoch })}</span>
                  <br /><span class="hint" safe>{t('recovery.report.at', { at: beijingTime(r.at) })}</span>
                </>
              )}
            </td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.lastError')}</th>
            <td class="last-error" safe>{r?.lastError ?? t('recovery.lastError.none')}</td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.witness')}</th>
            <td class="witness"><WitnessText page={props.page} witness={s.witness} /></td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.backups')}</th>
            <td class="schedule" safe>
              {!r ? t('recovery.report.unknown') : r.backupEvery > 0 ? t('recovery.backups.every', { minutes: n(r.backupEvery) }) : t('recovery.backups.none')}
            </td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.lastBackup')}</th>
            <td class="backup">
              {!r ? <span safe>{t('recovery.report.unknown')}</span> : !backup ? <span safe>{t('recovery.backup.none')}</span> : (
                <>
                  <code safe>{backup.file}</code>
                  <br /><span safe>{t('recovery.backup.value', { seq: n(backup.seq), bytes: n(backup.bytes), at: beijingTime(backup.createdAt) })}</span>
                  <br />
                  {backup.ok === null || !backup.verifiedAt ? <span safe>{t('recovery.backup.unverified')}</span> : backup.ok
                    ? <span class="verified" safe>{t('recovery.backup.ok', { at: beijingTime(backup.verifiedAt) })}</span>
                    : (
                      <>
                        <strong class="tag overdue-tag" safe>{t('recovery.backup.bad', { at: beijingTime(backup.verifiedAt) })}</strong>{' '}
                        <span safe>{backup.problem ?? ''}</span>
                      </>
                    )}
                </>
              )}
            </td>
          </tr>
          <tr>
            <th scope="row" safe>{t('recovery.lastDrill')}</th>
            <td class="drill">
              {!r ? <span safe>{t('recovery.report.unknown')}</span> : !drill ? <span safe>{t('recovery.drill.none')}</span> : (
                <>
                  {drill.ok
                    ? <span safe>{t('recovery.drill.ok', { seconds: n(drill.seconds), at: beijingTime(drill.ranAt) })}</span>
                    : (
                      <>
                        <strong class="tag overdue-tag" safe>{t('recovery.drill.bad', { seconds: n(drill.seconds), at: beijingTime(drill.ranAt) })}</strong>{' '}
                        <span safe>{drill.problem ?? ''}</span>
                      </>
                    )}
                  <br /><span safe>{drill.seq === null ? t('recovery.drill.backup', { file: drill.file }) : t('recovery.drill.backupAt', { file: drill.file, seq: n(drill.seq) })}</span>
                </>
              )}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
