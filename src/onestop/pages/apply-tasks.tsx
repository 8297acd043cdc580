import Html from '@kitajs/html';
import type { Section, SectionStatus } from '../applications.service.ts';
import { Layout, type PageContext } from '../../web/layout.tsx';
import { type MessageKey, localName } from '../../web/i18n.ts';
import { BackLink, Caption, labelOf } from './apply-view.tsx';

/**
 * A life event's task list (GOV.UK "complete multiple tasks"): one task per service item, each
 * with where it stands and a link to where to go on, then checking and sending once every task
 * is done. The questions still come one a page in order; this is where a person with thirty of
 * them sees what is left, and comes back to after saving.
 */
export interface TaskListProps {
  page: PageContext;
  name: string;
  back: string;
  sections: (Section & { href: string })[];
  departmentNames: Map<string, string>;
  check: string;
}

const statusKey: Record<SectionStatus, MessageKey> = {
  done: 'apply.tasks.status.done', started: 'apply.tasks.status.started', not_started: 'apply.tasks.status.notStarted',
};

export function TaskListPage(props: TaskListProps): JSX.Element {
  const { page } = props;
  const { t } = page;
  const done = props.sections.filter((s) => s.status === 'done').length;
  const ready = done === props.sections.length;
  return (
    <Layout page={page} title={t('apply.tasks.title')}>
      <BackLink page={page} href={props.back} />
      <Caption page={page} name={props.name} />
      <h1 safe>{t('apply.tasks.title')}</h1>
      <p id="tasks-count" safe>{t('apply.tasks.count', { done, total: props.sections.length })}</p>
      <ol class="task-list" id="tasks">
        {props.sections.map((s, i) => (
          <li data-status={s.status}>
            <a href={s.href} aria-describedby={`task-${i + 1}-status`} safe>{localName(page.lang, s.item)}</a>
            <span class="hint" safe>{` ${props.departmentNames.get(s.item.department.code) ?? s.item.department.code} · ${t('apply.tasks.questions', { count: s.questions.length })}`}</span>
            <strong class="task-status" id={`task-${i + 1}-status`} safe>{t(statusKey[s.status])}</strong>
            {s.status === 'done' ? '' : <span class="hint" safe>{` ${t('apply.tasks.next', { question: labelOf(page.lang, s.next.field) })}`}</span>}
          </li>
        ))}
      </ol>
      <h2 safe>{t('apply.tasks.send')}</h2>
      {ready ? <p><a href={props.check} id="tasks-check" safe>{t('apply.tasks.check')}</a></p> : <p id="tasks-check-later" safe>{t('apply.tasks.checkLater')}</p>}
    </Layout>
  );
}
