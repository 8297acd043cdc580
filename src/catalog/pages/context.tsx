import { Type } from 'typebox';
import { type FormFields, field } from '../../web/forms.ts';

/** What the catalog's page routes share: form bodies and dates. */

export const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));

/**
 * A date field as YYYY-MM-DD. Browsers without a date picker show a text box, so the ways people
 * write dates are accepted too: 2026/3/31, 2026.03.31, 2026年3月31日. Anything else comes back as typed.
 */
export function dateField(body: FormFields, name: string): string {
  const typed = field(body, name);
  const parts = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(typed);
  return parts ? `${parts[1]}-${parts[2]!.padStart(2, '0')}-${parts[3]!.padStart(2, '0')}` : typed;
}

