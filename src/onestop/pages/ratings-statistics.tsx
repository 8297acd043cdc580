import Html from '@kitajs/html';
import { type MessageKey, localName } from '../../web/i18n.ts';
import { Layout, type PageContext } from '../../web/layout.tsx';
import { type Figures, type Period, type RatingStatistics, periods } from '../ratings.schema.ts';

/**
 * The public 好差评 figures per department (国办发〔2019〕51号: results are published): a GET
 * form chooses the period, so it works without JavaScript and every view has its own address.
 */

const periodKey = (period: Period) => `ratings.stats.period.${period}` as MessageKey;

function share(page: PageContext, value: number | null): string {
  return value === null ? page.t('ratings.stats.nothing') : `${(value * 100).toFixed(1)}%`;
}

function FigureCells(props: { page: PageContext; f: Figures }): JSX.Element {
  const { page, f } = props;
  return (
    <>
      <td safe>{String(f.casesClosed)}</td>
      <td safe>{share(page, f.onTimeRate)}</td>
      <td safe>{String(f.ratings)}</td>
      <td safe>{share(page, f.satisfactionRate)}</td>
      <td safe>{f.meanLevel === null ? page.t('ratings.stats.nothing') : f.meanLevel.toFixed(2)}</td>
      <td safe>{String(f.badReviews)}</td>
      <td safe>{String(f.rectified)}</td>
    </>
  );
}

export function RatingStatisticsPage(props: { page: PageContext; stats: RatingStatistics }): JSX.Element {
  const { page, stats } = props;
  const { t, lang } = page;
  const title = t('ratings.stats.title');
  const columns: MessageKey[] = ['ratings.stats.closed', 'ratings.stats.onTime', 'ratings.stats.ratings', 'ratings.stats.satisfaction', 'ratings.stats.mean', 'ratings.stats.bad', 'ratings.stats.rectified'];
  const departments = [...stats.departments].sort((a, b) => localName(lang, a).localeCompare(localName(lang, b), lang));
  return (
    <Layout page={page} title={title}>
      <p><a href="/services" safe>{t('services.back')}</a></p>
      <h1 safe>{title}</h1>
      <p class="lead" safe>{t('ratings.stats.lead')}</p>
      <form method="get" action="/ratings">
        <div class="search">
          <div>
            <label for="period" safe>{t('ratings.stats.period')}</label>
            <select id="period" name="period">
              {periods.map((p) => <option value={p} selected={stats.period === p} safe>{t(periodKey(p))}</option>)}
            </select>
          </div>
          <button type="submit" safe>{t('ratings.stats.show')}</button>
        </div>
      </form>
      {departments.length === 0 ? <p id="no-figures" role="status" safe>{t('ratings.stats.none')}</p> : (
        <table id="figures">
          <caption safe>{t('ratings.stats.caption', { period: t(periodKey(stats.period)) })}</caption>
          <thead>
            <tr>
              <th scope="col" safe>{t('ratings.stats.department')}</th>
              {columns.map((c) => <th scope="col" safe>{t(c)}</th>)}
            </tr>
          </thead>
          <tbody>
            {departments.map((d) => (
              <tr data-department={d.department}>
                <th scope="row" safe>{localName(lang, d)}</th>
                <FigureCells page={page} f={d} />
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr id="total">
              <th scope="row" safe>{t('ratings.stats.total')}</th>
              <FigureCells page={page} f={stats.total} />
            </tr>
          </tfoot>
        </table>
      )}
      <h2 safe>{t('ratings.stats.about')}</h2>
      <ul>
        <li safe>{t('ratings.stats.about.onTime')}</li>
        <li safe>{t('ratings.stats.about.satisfaction')}</li>
        <li safe>{t('ratings.stats.about.rectified')}</li>
      </ul>
      <p><a href={`/api/v1/ratings/statistics?period=${stats.period}`} safe>{t('ratings.stats.api')}</a></p>
    </Layout>
  );
}
