import Html from '@kitajs/html';
import { ConsoleNav } from '../../web/console.tsx';
import { Layout, type PageContext } from '../../web/layout.tsx';
import { sharingClasses, type SharingRequest } from '../schema.ts';
import { DueText, named } from './fields.tsx';

/** The console's view of the catalog: resources, requests and agreements by department, and what is overdue. */

export interface ResourceCountRow {
  department: string;
  byClass: Record<string, number>;
}

export interface AgreementCountRow {
  department: string;
  asProvider: number;
  asConsumer: number;
  inForce: number;
}

export function ConsoleCatalogPage(props: {
  page: PageContext; departmentNames: Map<string, string>; resources: ResourceCountRow[]; requestsByStatus: { status: string; n: number }[];
  agreements: AgreementCountRow[]; overdue: SharingRequest[]; scoped: boolean;
}): JSX.Element {
  const { t } = props.page;
  const name = (code: string) => props.departmentNames.get(code) ?? code;
  const total = (row: ResourceCountRow) => Object.values(row.byClass).reduce((a, b) => a + b, 0);
  return (
    <Layout page={props.page} title={t('console.catalog')}>
      <ConsoleNav page={props.page} />
      <h1 safe>{t('console.catalog')}</h1>
      {props.scoped ? <p class="notice" safe>{t('console.catalog.scope')}</p> : ''}

      <h2 id="overdue" safe>{t('console.catalog.overdue')}</h2>
      {props.overdue.length === 0 ? <p safe>{t('console.catalog.noOverdue')}</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col" safe>{t('sharing.number')}</th>
              <th scope="col" safe>{t('sharing.provider')}</th>
              <th scope="col" safe>{t('sharing.consumer')}</th>
              <th scope="col" safe>{t('sharing.due')}</th>
            </tr>
          </thead>
          <tbody>
            {props.overdue.map((r) => (
              <tr>
                <th scope="row"><a href={`/staff/sharing/requests/${r.id}`} safe>{r.number}</a></th>
                <td safe>{name(r.provider)}</td>
                <td safe>{name(r.consumer)}</td>
                <td><DueText page={props.page} request={r} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="requests" safe>{t('console.catalog.requests')}</h2>
      {props.requestsByStatus.length === 0 ? <p safe>{t('console.catalog.none')}</p> : (
        <table>
          <thead><tr><th scope="col" safe>{t('sharing.status')}</th><th scope="col" safe>{t('console.catalog.count')}</th></tr></thead>
          <tbody>
            {props.requestsByStatus.map((s) => <tr><th scope="row" safe>{named(t, 'request.status', s.status)}</th><td>{s.n}</td></tr>)}
          </tbody>
        </table>
      )}

      <h2 id="resources" safe>{t('console.catalog.resources')}</h2>
      {props.resources.length === 0 ? <p safe>{t('console.catalog.none')}</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col" safe>{t('console.catalog.department')}</th>
              {sharingClasses.map((c) => <th scope="col" safe>{named(t, 'class', c)}</th>)}
              <th scope="col" safe>{t('console.catalog.total')}</th>
            </tr>
          </thead>
          <tbody>
            {props.resources.map((row) => (
              <tr>
                <th scope="row" safe>{name(row.department)}</th>
                {sharingClasses.map((c) => <td>{row.byClass[c] ?? 0}</td>)}
                <td>{total(row)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="agreements" safe>{t('console.catalog.agreements')}</h2>
      {props.agreements.length === 0 ? <p safe>{t('console.catalog.none')}</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col" safe>{t('console.catalog.department')}</th>
              <th scope="col" safe>{t('console.catalog.asProvider')}</th>
              <th scope="col" safe>{t('console.catalog.asConsumer')}</th>
              <th scope="col" safe>{t('console.catalog.inForce')}</th>
            </tr>
          </thead>
          <tbody>
            {props.agreements.map((row) => (
              <tr>
                <th scope="row" safe>{name(row.department)}</th>
                <td>{row.asProvider}</td>
                <td>{row.asConsumer}</td>
                <td>{row.inForce}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
