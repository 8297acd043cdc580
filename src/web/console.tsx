import Html from '@kitajs/html';
import type { MessageKey } from './i18n.ts';
import type { PageContext } from './layout.tsx';

/** The console's sections; one with roles shows only to those holding one of them. */
const sections: { href: string; key: MessageKey; roles?: string[] }[] = [
  { href: '/console', key: 'console.overview' },
  { href: '/console/departments', key: 'console.departments' },
  { href: '/console/accounts', key: 'console.accounts' },
  { href: '/console/journal', key: 'console.journal' },
  { href: '/console/catalog', key: 'console.catalog' },
  { href: '/console/gateways', key: 'console.gateways' },
  { href: '/console/exchange', key: 'console.exchange', roles: ['platform_admin', 'operator', 'auditor'] },
  { href: '/console/recovery', key: 'console.recovery', roles: ['platform_admin', 'operator', 'auditor'] },
];

export function ConsoleNav(props: { page: PageContext }): JSX.Element {
  return (
    <nav aria-label={props.page.t('console.title')}>
      <ul class="subnav">
        {sections.filter((s) => !s.roles || props.page.user?.roles.some((r) => s.roles!.includes(r))).map((s) => (
          <li>
            <a href={s.href} aria-current={props.page.path === s.href ? 'page' : undefined}>{props.page.t(s.key)}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
