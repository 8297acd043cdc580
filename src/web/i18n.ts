import { zhCN } from './messages/zh-CN.ts';
import { en } from './messages/en.ts';

export type Lang = 'zh-CN' | 'en';
export type MessageKey = keyof typeof zhCN;

const catalogs: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export function isLang(value: unknown): value is Lang {
  return value === 'zh-CN' || value === 'en';
}

/** The message in the language, with {name} placeholders filled. */
export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  // A key without a message (a value stored before its label existed) shows itself rather than breaking the page.
  const template = catalogs[lang][key] ?? key;
  // Most messages have no placeholder, and a page asks for hundreds.
  if (!template.includes('{')) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A translator bound to one language, for pages. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  return (key, params) => t(lang, key, params);
}

/** Picks the Chinese or English variant of a bilingual name. */
export function localName(lang: Lang, item: { nameZh: string; nameEn: string }): string {
  return lang === 'en' ? item.nameEn : item.nameZh;
}
