import Html from '@kitajs/html';
import { ConsoleNav } from '../../web/console.tsx';
import type { FieldError } from '../../web/forms.ts';
import { localName, type MessageKey } from '../../web/i18n.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import { contactRoles, departmentKinds, type Contact, type Department, type DepartmentSystem, type Division } from '../schema.ts';

function byParent(departments: Department[]): Map<string | null, Department[]> {
  const children = new Map<string | null, Department[]>();
  const codes = new Set(departments.map((d) => d.code));
  for (const d of departments) {
    const parent = d.parent && codes.has(d.parent) ? d.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), d]);
  }
  return children;
}

function Tree(props: { page: PageContext; nodes: Department[]; children: Map<string | null, Department[]>; link: (d: Department) => string; root?: boolean }): JSX.Element {
  return (
    <ul class={props.root ? 'tree root' : 'tree'}>
      {props.nodes.map((d) => (
        <li>
          <a href={props.link(d)} safe>{localName(props.page.lang, d)}</a>{' '}
          <span class="tag">{props.page.t(`kind.${d.kind}` as MessageKey)}</span>
          {(props.children.get(d.code)?.length ?? 0) > 0
            ? <Tree page={props.page} nodes={props.children.get(d.code)!} children={props.children} link={props.link} />
            : ''}
        </li>
      ))}
    </ul>
  );
}

/** Departments grouped by division, each as its own hierarchy. */
export function DepartmentTree(props: { page: PageContext; divisions: Division[]; departments: Department[]; link: (d: Department) => string }): JSX.Element {
  return (
    <>
      {props.divisions.map((division) => {
        const inDivision = props.departments.filter((d) => d.division === division.code);
        if (inDivision.length === 0) return '';
        const children = byParent(inDivision);
        return (
          <section>
            <h2 safe>{localName(props.page.lang, division)}</h2>
            <Tree page={props.page} nodes={children.get(null) ?? []} children={children} link={props.link} root />
          </section>
        );
      })}
    </>
  );
}

export function DirectoryPage(props: { page: PageContext; divisions: Division[]; departments: Department[] }): JSX.Element {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('departments.title')}>
      <h1>{t('departments.title')}</h1>
      <DepartmentTree page={props.page} divisions={props.divisions} departments={props.departments} link={(d) => `/departments/${d.code}`} />
    </Layout>
  );
}

export function PublicDepartmentPage(props: { page: PageContext; department: Department; parent: Department | null; division: Division | undefined }): JSX.Element {
  const { t, lang } = props.page;
  const d = props.department;
  return (
    <Layout page={props.page} title={localName(lang, d)}>
      <h1 safe>{localName(lang, d)}</h1>
      <p class="lead" safe>{lang === 'en' ? d.nameZh : d.nameEn}</p>
      <table>
        <tbody>
          <tr><th scope="row">{t('departments.code')}</th><td><code safe>{d.code}</code></td></tr>
          <tr><th scope="row">{t('departments.kind')}</th><td>{t(`kind.${d.kind}` as MessageKey)}</td></tr>
          <tr><th scope="row">{t('departments.division')}</th><td safe>{props.division ? localName(lang, props.division) : d.division}</td></tr>
          <tr><th scope="row">{t('departments.parent')}</th><td>{props.parent ? <a href={`/departments/${props.parent.code}`} safe>{localName(lang, props.parent)}</a> : t('departments.none')}</td></tr>
        </tbody>
      </table>
    </Layout>
  );
}

/**
 * A labelled control with its error under the label (the government form pattern): the control is
 * marked invalid and described by the message, so a screen reader reads both on reaching it.
 */
function Field(props: { id: string; label: string; errors: FieldError[]; children?: Html.Children }): JSX.Element {
  const message = props.errors.find((e) => e.field === props.id)?.message;
  return (
    <div class={message ? 'field-error' : undefined}>
      <label for={props.id} safe>{props.label}</label>
      {message ? <p class="message" id={`${props.id}-error`} safe>{message}</p> : ''}
      {props.children}
    </div>
  );
}

/** The attributes of a control whose field has an error (see Field). */
function invalid(errors: FieldError[], field: string): Record<string, string> {
  return errors.some((e) => e.field === field) ? { 'aria-invalid': 'true', 'aria-describedby': `${field}-error` } : {};
}

export interface DepartmentFormValues {
  code?: string; slug?: string; kind?: string; division?: string; parent?: string; nameZh?: string; nameEn?: string;
}

export function ConsoleDepartmentsPage(props: {
  page: PageContext; divisions: Division[]; departments: Department[]; canCreate: boolean; values: DepartmentFormValues; errors: FieldError[]; created: Department | null;
}): JSX.Element {
  const { t, lang } = props.page;
  const v = props.values;
  return (
    <Layout page={props.page} title={t('console.departments')}>
      <ConsoleNav page={props.page} />
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1>{t('console.departments')}</h1>
      {props.created ? <p class="notice ok" role="status" safe>{`${t('form.saved')} ${localName(lang, props.created)}`}</p> : ''}
      {props.canCreate ? (
        <details open={props.errors.length > 0}>
          <summary>{t('form.create')}</summary>
          <form method="post" action="/console/departments" novalidate>
            <CsrfField page={props.page} />
            <Field id="code" label={t('departments.code')} errors={props.errors}>
              <input type="text" id="code" name="code" value={v.code ?? ''} maxlength="18" autocapitalize="characters" spellcheck="false" {...invalid(props.errors, 'code')} />
            </Field>
            <Field id="nameZh" label={t('departments.name')} errors={props.errors}>
              <input type="text" id="nameZh" name="nameZh" value={v.nameZh ?? ''} {...invalid(props.errors, 'nameZh')} />
            </Field>
            <Field id="nameEn" label={t('departments.nameEn')} errors={props.errors}>
              <input type="text" id="nameEn" name="nameEn" value={v.nameEn ?? ''} {...invalid(props.errors, 'nameEn')} />
            </Field>
            <Field id="slug" label={t('departments.slug')} errors={props.errors}>
              <input type="text" id="slug" name="slug" value={v.slug ?? ''} spellcheck="false" {...invalid(props.errors, 'slug')} />
            </Field>
            <Field id="kind" label={t('departments.kind')} errors={props.errors}>
              <select id="kind" name="kind" {...invalid(props.errors, 'kind')}>
                {departmentKinds.map((k) => <option value={k} selected={v.kind === k}>{t(`kind.${k}` as MessageKey)}</option>)}
              </select>
            </Field>
            <Field id="division" label={t('departments.division')} errors={props.errors}>
              <select id="division" name="division" {...invalid(props.errors, 'division')}>
                {props.divisions.map((d) => <option value={d.code} selected={v.division === d.code} safe>{localName(lang, d)}</option>)}
              </select>
            </Field>
            <Field id="parent" label={`${t('departments.parent')} ${t('form.optional')}`} errors={props.errors}>
              <select id="parent" name="parent" {...invalid(props.errors, 'parent')}>
                <option value="">{t('departments.none')}</option>
                {props.departments.map((d) => <option value={d.code} selected={v.parent === d.code} safe>{localName(lang, d)}</option>)}
              </select>
            </Field>
            <div><button type="submit">{t('form.create')}</button></div>
          </form>
        </details>
      ) : ''}
      <DepartmentTree page={props.page} divisions={props.divisions} departments={props.departments} link={(d) => `/console/departments/${d.code}`} />
    </Layout>
  );
}

export function ConsoleDepartmentPage(props: {
  page: PageContext; department: Department; systems: DepartmentSystem[]; contacts: Contact[]; canManage: boolean; errors: FieldError[];
}): JSX.Element {
  const { t, lang } = props.page;
  const d = props.department;
  return (
    <Layout page={props.page} title={localName(lang, d)}>
      <ConsoleNav page={props.page} />
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1 safe>{localName(lang, d)}</h1>
      <p><code safe>{d.code}</code> · <span safe>{d.slug}</span> · {t(`kind.${d.kind}` as MessageKey)}</p>
      <h2>{t('departments.systems')}</h2>
      {props.systems.length === 0 ? <p>{t('departments.none')}</p> : (
        <table>
          <thead><tr><th scope="col">{t('departments.slug')}</th><th scope="col">{t('departments.name')}</th></tr></thead>
          <tbody>{props.systems.map((s) => <tr><td><code safe>{s.code}</code></td><td safe>{localName(lang, s)}</td></tr>)}</tbody>
        </table>
      )}
      {props.canManage ? (
        <form method="post" action={`/console/departments/${d.code}/systems`} novalidate>
          <CsrfField page={props.page} />
          <fieldset>
            <legend>{t('form.add')}: {t('departments.systems')}</legend>
            <label for="system-code">{t('departments.slug')}</label>
            <input type="text" id="system-code" name="code" spellcheck="false" />
            <label for="system-nameZh">{t('departments.name')}</label>
            <input type="text" id="system-nameZh" name="nameZh" />
            <label for="system-nameEn">{t('departments.nameEn')}</label>
            <input type="text" id="system-nameEn" name="nameEn" />
            <div><button type="submit" class="secondary">{t('form.add')}</button></div>
          </fieldset>
        </form>
      ) : ''}
      <h2>{t('departments.contacts')}</h2>
      {props.contacts.length === 0 ? <p>{t('departments.none')}</p> : (
        <table>
          <thead><tr><th scope="col">{t('contacts.name')}</th><th scope="col">{t('contacts.role')}</th><th scope="col">{t('contacts.phone')}</th><th scope="col">{t('contacts.email')}</th></tr></thead>
          <tbody>{props.contacts.map((c) => <tr><td safe>{c.name}</td><td>{t(`contact.${c.role}` as MessageKey)}</td><td safe>{c.phone}</td><td safe>{c.email}</td></tr>)}</tbody>
        </table>
      )}
      {props.canManage ? (
        <form method="post" action={`/console/departments/${d.code}/contacts`} novalidate>
          <CsrfField page={props.page} />
          <fieldset>
            <legend>{t('form.add')}: {t('departments.contacts')}</legend>
            <label for="contact-role">{t('contacts.role')}</label>
            <select id="contact-role" name="role">{contactRoles.map((r) => <option value={r}>{t(`contact.${r}` as MessageKey)}</option>)}</select>
            <label for="contact-name">{t('contacts.name')}</label>
            <input type="text" id="contact-name" name="name" />
            <label for="contact-phone">{t('contacts.phone')}</label>
            <input type="tel" id="contact-phone" name="phone" />
            <label for="contact-email">{t('contacts.email')}</label>
            <input type="email" id="contact-email" name="email" />
            <div><button type="submit" class="secondary">{t('form.add')}</button></div>
          </fieldset>
        </form>
      ) : ''}
    </Layout>
  );
}
