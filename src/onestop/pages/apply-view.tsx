import Html from '@kitajs/html';
import type { AnswerProblemCode, AnswerValue } from '../answers.ts';
import type { PrefillNote, PrefillSource, SubjectKind } from '../applications.schema.ts';
import type { FormField } from '../schema.ts';
import type { UploadProblemCode } from '../uploads.ts';
import type { Lang, MessageKey } from '../../web/i18n.ts';
import type { PageContext } from '../../web/layout.tsx';

/** What the application pages share: their addresses, a field's words in the page's language, answers and sources as text. */

export const applyBase = (kind: SubjectKind, code: string): string =>
  kind === 'item' ? `/services/${encodeURIComponent(code)}/apply` : `/life-events/${encodeURIComponent(code)}/apply`;

export const draftPath = (base: string, draftId: string, page: string): string => `${base}/${encodeURIComponent(draftId)}/${encodeURIComponent(page)}`;

/** A question's page; from the check page, it goes back there once answered. */
export const questionPath = (base: string, draftId: string, key: string, fromCheck = false): string =>
  `${draftPath(base, draftId, key)}${fromCheck ? '?return=check' : ''}`;

export const filePath = (id: string): string => `/files/${encodeURIComponent(id)}`;

export const labelOf = (lang: Lang, field: FormField): string => (lang === 'en' ? field.labelEn : field.labelZh);

export function hintOf(lang: Lang, field: FormField): string | undefined {
  return lang === 'en' ? field.hintEn ?? undefined : field.hintZh ?? undefined;
}

/** An answer as people read it: choices by their labels, several joined. */
export function answerText(lang: Lang, field: FormField, value: AnswerValue | undefined): string {
  if (value === undefined) return '';
  const label = (key: string) => {
    const choice = field.choices?.find((c) => c.key === key);
    return choice ? (lang === 'en' ? choice.labelEn : choice.labelZh) : key;
  };
  const values = Array.isArray(value) ? value : [value];
  const shown = field.choices ? values.map(label) : values;
  return shown.join(lang === 'en' ? ', ' : '、');
}

export function sizeText(page: PageContext, bytes: number): string {
  return bytes >= 1024 * 1024 ? page.t('apply.size.mb', { n: (bytes / 1024 / 1024).toFixed(1) }) : page.t('apply.size.kb', { n: Math.max(1, Math.round(bytes / 1024)) });
}

/** "From 常住人口基本信息 (大连市公安局)": where a prefilled answer came from. */
export function sourceText(page: PageContext, source: PrefillSource, departmentNames: Map<string, string>): string {
  return page.t('apply.source', {
    resource: page.lang === 'en' ? source.resourceNameEn : source.resourceNameZh,
    department: departmentNames.get(source.provider) ?? source.provider,
  });
}

export const noteText = (page: PageContext, note: PrefillNote): string => page.t(`apply.note.${note}` as MessageKey);

export type ProblemCode = AnswerProblemCode | UploadProblemCode | 'declaration' | 'consent';

/** A refusal of an answer in the page's language, naming the question the way GOV.UK errors do ("Enter your date of birth"). */
export function problemText(page: PageContext, field: FormField | null, code: ProblemCode, params: Record<string, string | number> = {}): string {
  const label = field ? labelOf(page.lang, field) : '';
  if (code === 'required' && field && (field.type === 'single_choice' || field.type === 'multiple_choice')) return page.t('apply.error.requiredChoice', { label });
  return page.t(`apply.error.${code}` as MessageKey, { label, ...params });
}

/** The problem of a refused answer or upload, from the service's error detail. */
export function problemOf(detail: unknown): { code: ProblemCode; params: Record<string, string | number> } | null {
  const d = detail as { problem?: unknown; params?: unknown } | undefined;
  if (typeof d?.problem !== 'string') return null;
  return { code: d.problem as ProblemCode, params: (typeof d.params === 'object' && d.params ? d.params : {}) as Record<string, string | number> };
}

/** The back link at the top of a question page, check page and start page. */
export function BackLink(props: { page: PageContext; href: string }): JSX.Element {
  return <a class="back-link" href={props.href} safe>{props.page.t('apply.back')}</a>;
}

/** The name of what is applied for, above the question: people keep their bearings across many pages. */
export function Caption(props: { page: PageContext; name: string }): JSX.Element {
  return <p class="hint" id="caption" safe>{`${props.page.t('apply.caption')} · ${props.name}`}</p>;
}

