import Html from '@kitajs/html';
import type { MessageKey } from './i18n.ts';
import type { PageContext } from './layout.tsx';

const sections: { href: string; key: MessageKey }[] = [
  { href: '/console', key: 'console.overview' },
  { href: '/console/departments', key: 'console.departments' },
  { href: '/console/accounts', key: 'console.accounts' },
  { href: '/console/journal', key: 'console.journal' },
  { href: '/console/catalog', key: 'console.catalog' },
];

export function ConsoleNav(props: { page: PageContext }): JSX.Element {
  return (
    <nav aria-label={props.page.t('console.title')}>
      <ul class="subnav">
        {sections.map((s) => (
          <li>
            <a href={s.href} aria-current={props.page.path === s.href ? 'page' : undefined}>{props.page.t(s.key)}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
