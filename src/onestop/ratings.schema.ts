import { Type, type Static } from 'typebox';

// ——— Vocabularies ———

/**
 * The five national levels of 好差评 (GB/T 39734-2020), best first: what the rater picks as
 * 整体满意度. 3 and above count as satisfied; 2 and 1 are bad reviews that open a rectification.
 */
export const ratingLevels = [
  { level: 5, nameZh: '非常满意', nameEn: 'Very satisfied' },
  { level: 4, nameZh: '满意', nameEn: 'Satisfied' },
  { level: 3, nameZh: '基本满意', nameEn: 'Fairly satisfied' },
  { level: 2, nameZh: '不满意', nameEn: 'Dissatisfied' },
  { level: 1, nameZh: '非常不满意', nameEn: 'Very dissatisfied' },
] as const;

/** The lowest level that still counts as satisfied. */
export const SATISFIED_FROM = 3;

/** The online indicators besides 整体满意度, each optional and rated 1 to 5. */
export const ratingIndicators = [
  { key: 'efficiency', column: 'efficiency', nameZh: '办事效率', nameEn: 'Speed of handling' },
  { key: 'guideAccuracy', column: 'guide_accuracy', nameZh: '办事指南精确度', nameEn: 'Accuracy of the service guide' },
  { key: 'convenience', column: 'convenience', nameZh: '办事便捷度', nameEn: 'Convenience' },
  { key: 'usability', column: 'usability', nameZh: '平台操作性', nameEn: 'Ease of using the portal' },
] as const;
export type IndicatorKey = (typeof ratingIndicators)[number]['key'];

export const periods = ['month', 'year', 'all'] as const;
export type Period = (typeof periods)[number];

// ——— Rows ———

/** One rating per case (一事一评): the unique case_id is what makes a second rating impossible, even from two tabs at once. */
export interface RatingRow {
  id: string;
  case_id: string;
  case_reference: string;
  /** The department that handled the case when it closed: who the rating is about and who rectifies. */
  department_id: string;
  /** `person:<id>`: the applicant of the case. */
  rater: string;
  /** 1 to 5, ratingLevels. */
  level: number;
  efficiency: number | null;
  guide_accuracy: number | null;
  convenience: number | null;
  usability: number | null;
  comment: string | null;
  rated_at: string;
  /** Set once the rectification case of a bad review is open; null for good reviews, and briefly for a bad one. */
  rectification_id: string | null;
  rectification_reference: string | null;
}

export interface RatingsTables {
  ratings: RatingRow;
}

// ——— Input ———

const Score = Type.Integer({ minimum: 1, maximum: 5 });

export const RatingInput = Type.Object({
  level: Type.Integer({ minimum: 1, maximum: 5, description: '整体满意度: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意' }),
  efficiency: Type.Optional(Score),
  guideAccuracy: Type.Optional(Score),
  convenience: Type.Optional(Score),
  usability: Type.Optional(Score),
  comment: Type.Optional(Type.String({ maxLength: 1000 })),
}, { additionalProperties: false });
export type RatingInput = Static<typeof RatingInput>;

// ——— Views ———

/** Where the rectification of a bad review stands, as the rater sees it on the rectification's public timeline. */
export interface RectificationProgress {
  reference: string;
  state: string;
  closed: boolean;
  /** approved: rectified and replied; rejected: the department's appeal was upheld. */
  outcome: 'approved' | 'rejected' | 'withdrawn' | null;
  timeLimit: number;
  /** The date (China) the department must reply by; null while its clock is stopped for an appeal. */
  deadline: string | null;
  /** The department's reply to the rater: the note it closed the rectification with. */
  reply: string | null;
  repliedAt: string | null;
}

export interface Rating {
  id: string;
  caseReference: string;
  department: string;
  level: number;
  indicators: Record<IndicatorKey, number | null>;
  comment: string | null;
  ratedAt: string;
  /** Null for a satisfied rating, and for a bad one whose rectification is still being opened (rectificationPending). */
  rectification: RectificationProgress | null;
  rectificationPending: boolean;
}

/** What the rating form needs to know about the case. */
export interface RateableCase {
  reference: string;
  subject: string;
  department: string;
  closedAt: string;
  /** The last date (China) a rating is taken. */
  rateUntil: string;
}

const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: 'a share from 0 to 1, rounded to 4 places; null when there is nothing to divide by' });

export const Figures = Type.Object({
  casesClosed: Type.Integer({ description: 'applications decided (approved or rejected) in the period; a joint application counts once, for its lead department' }),
  onTime: Type.Integer({ description: 'of those, closed by the end of their deadline day (a case refused before its clock started counts as on time)' }),
  onTimeRate: Rate,
  ratings: Type.Integer({ description: 'ratings given in the period' }),
  satisfied: Type.Integer({ description: 'ratings of 3 (基本满意) and above' }),
  satisfactionRate: Rate,
  meanLevel: Type.Union([Type.Number(), Type.Null()], { description: 'the mean level from 1 to 5, rounded to 2 places' }),
  badReviews: Type.Integer({ description: 'ratings of 2 (不满意) and 1 (非常不满意) given in the period' }),
  rectified: Type.Integer({ description: 'rectifications opened in the period that the department has closed with a reply' }),
});
export type Figures = Static<typeof Figures>;

export const DepartmentFigures = Type.Object({
  department: Type.String({ description: 'USCC' }), nameZh: Type.String(), nameEn: Type.String(), ...Figures.properties,
});
export type DepartmentFigures = Static<typeof DepartmentFigures>;

export const RatingStatistics = Type.Object({
  period: Type.Enum(periods),
  from: Type.Union([Type.String(), Type.Null()], { description: 'start of the period (inclusive), an instant; null for all time' }),
  to: Type.Union([Type.String(), Type.Null()], { description: 'end of the period (exclusive)' }),
  departments: Type.Array(DepartmentFigures, { description: 'departments with a closed case or a rating in the period, by code' }),
  total: Figures,
});
export type RatingStatistics = Static<typeof RatingStatistics>;
