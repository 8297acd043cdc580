/**
 * Message templates as data, like GOV.UK Notify's: a code, a title and a body per language with
 * ((name)) placeholders that the personalisation fills. A message keeps the code it came from
 * and the text as rendered, so a template changed later does not rewrite what people were told.
 */

export interface Template {
  zh: { title: string; body: string };
  en: { title: string; body: string };
}

/** A value the same in both languages (a reference), or one per language (a state's name). */
export type Personalisation = Record<string, string | { zh: string; en: string }>;

export const templates = {
  case_received: {
    zh: { title: '已收到您的申请', body: '您的“((subject))”已提交，办件编号 ((reference))。请凭此编号查询办理进度。' },
    en: { title: 'Application received', body: 'We have received "((subject))". Your reference is ((reference)); quote it to follow the progress.' },
  },
  case_accepted: {
    zh: { title: '申请已受理', body: '您的“((subject))”（编号 ((reference))）已由((department))受理，正在办理。' },
    en: { title: 'Application accepted', body: '"((subject))" (reference ((reference))) was accepted by ((department)) and is being handled.' },
  },
  case_supplement_requested: {
    zh: { title: '请补正材料', body: '您的“((subject))”（编号 ((reference))）需要补正以下材料：((note)) 请登录个人中心补正；补正前办理时限暂停计算。' },
    en: { title: 'More materials needed', body: '"((subject))" (reference ((reference))) needs the following: ((note)) Sign in to your personal centre to provide them; the time limit is paused until you do.' },
  },
  case_joint_opened: {
    zh: { title: '已转入联合办理', body: '您的“((subject))”（编号 ((reference))）已进入联合办理，由((departments))分别办理，全部办结后统一答复。' },
    en: { title: 'Handled jointly', body: '"((subject))" (reference ((reference))) is now handled jointly by ((departments)); you will get one answer when all have finished.' },
  },
  case_transferred: {
    zh: { title: '申请已转办', body: '您的“((subject))”（编号 ((reference))）已转至((department))办理。原因：((note))' },
    en: { title: 'Application transferred', body: '"((subject))" (reference ((reference))) was transferred to ((department)). Reason: ((note))' },
  },
  case_approved: {
    zh: { title: '申请已办结（准予）', body: '您的“((subject))”（编号 ((reference))）已办结，结果：准予。((note))' },
    en: { title: 'Application approved', body: '"((subject))" (reference ((reference))) is finished: approved. ((note))' },
  },
  case_rejected: {
    zh: { title: '申请已办结（不予）', body: '您的“((subject))”（编号 ((reference))）已办结，结果：不予办理。理由：((note))' },
    en: { title: 'Application refused', body: '"((subject))" (reference ((reference))) is finished: refused. Reasons: ((note))' },
  },
  case_closed: {
    zh: { title: '申请已终止', body: '您的“((subject))”（编号 ((reference))）已终止办理：((state))。((note))' },
    en: { title: 'Application closed', body: '"((subject))" (reference ((reference))) was closed: ((state)). ((note))' },
  },
} as const satisfies Record<string, Template>;

export type TemplateCode = keyof typeof templates;

export interface Rendered {
  titleZh: string;
  bodyZh: string;
  titleEn: string;
  bodyEn: string;
}

/**
 * Fills a template. A placeholder without a value is an error in the caller, not something to
 * send to a citizen as `((note))`; missing optional words are given as ''.
 */
export function render(code: TemplateCode, personalisation: Personalisation): Rendered {
  const template: Template = templates[code];
  const fill = (text: string, lang: 'zh' | 'en') => text.replace(/\(\((\w+)\)\)/g, (_whole, name: string) => {
    const value = personalisation[name];
    if (value === undefined) throw new Error(`template ${code} needs ((${name}))`);
    return typeof value === 'string' ? value : value[lang];
  }).replace(/\s+$/, '');
  return {
    titleZh: fill(template.zh.title, 'zh'), bodyZh: fill(template.zh.body, 'zh'),
    titleEn: fill(template.en.title, 'en'), bodyEn: fill(template.en.body, 'en'),
  };
}
