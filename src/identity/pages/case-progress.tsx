import Html from '@kitajs/html';
import { Timeline } from '../../cases/pages/case.tsx';
import { DaysLeft, stateName } from '../../cases/pages/view.tsx';
import type { Case } from '../../cases/schema.ts';
import { chinaTime } from '../../platform/calendar.ts';
import type { PageContext } from '../../web/layout.tsx';

/**
 * An application as its applicant sees it, on "my applications" and on the lookup without an
 * account: where it is, who handles it, when it is due, and the public part of its timeline
 * (notes staff keep for themselves and who among them acted are not shown).
 */
export function CaseProgress(props: {
  page: PageContext; case: Case; departmentNames: Map<string, string>; warningDays: number;
  /** Where a joint task's own page is, for a signed-in applicant (a task may ask them for materials). */
  taskHref?: (reference: string) => string;
}): JSX.Element {
  const { t } = props.page;
  const c = props.case;
  const dept = (code: string | null) => (code ? props.departmentNames.get(code) ?? code : '');
  return (
    <>
      <table class="facts" id="case-summary">
        <caption safe>{t('my.case.summary')}</caption>
        <tbody>
          <tr><th scope="row" safe>{t('cases.col.reference')}</th><td><code safe>{c.reference}</code></td></tr>
          <tr><th scope="row" safe>{t('cases.col.subject')}</th><td safe>{c.subject}</td></tr>
          <tr><th scope="row" safe>{t('cases.case.department')}</th><td safe>{dept(c.department)}</td></tr>
          <tr><th scope="row" safe>{t('cases.col.state')}</th><td id="case-state" safe>{stateName(props.page, c.type, c.state)}</td></tr>
          <tr><th scope="row" safe>{t('cases.case.submitted')}</th><td safe>{chinaTime(c.createdAt)}</td></tr>
          <tr><th scope="row" safe>{t('cases.case.deadline')}</th><td safe>{c.deadline ?? (c.paused ? t('cases.case.deadlinePaused') : t('cases.case.deadlineNone'))}</td></tr>
          <tr><th scope="row" safe>{t('cases.col.daysLeft')}</th><td><DaysLeft page={props.page} summary={c} warningDays={props.warningDays} /></td></tr>
        </tbody>
      </table>
      {c.children.length ? (
        <table id="case-tasks">
          <caption safe>{t('my.case.tasks')}</caption>
          <thead>
            <tr>
              <th scope="col" safe>{t('cases.col.reference')}</th>
              <th scope="col" safe>{t('cases.case.department')}</th>
              <th scope="col" safe>{t('cases.col.state')}</th>
            </tr>
          </thead>
          <tbody>
            {c.children.map((task) => (
              <tr>
                <td>{props.taskHref ? <a href={props.taskHref(task.reference)}><code safe>{task.reference}</code></a> : <code safe>{task.reference}</code>}</td>
                <td safe>{dept(task.department)}</td>
                <td safe>{stateName(props.page, task.type, task.state)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : ''}
      <Timeline page={props.page} events={c.timeline} type={c.type} dept={dept} />
    </>
  );
}
