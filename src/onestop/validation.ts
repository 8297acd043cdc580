import { invalid } from '../platform/errors.ts';
import { checkInput } from '../platform/validation.ts';
import { choiceTypes, type Form, itemTypes, type Material, ServiceItemInput } from './schema.ts';

/**
 * Checks an item as far as it can be checked without the database: the schema, then what the
 * schema cannot say. Throws invalid_input naming the field (a dotted path such as
 * form.fields.2.choices).
 */
export function checkItemInput(input: unknown): asserts input is ServiceItemInput {
  checkInput(ServiceItemInput, input);
  const type = itemTypes.find((t) => t.key === input.type)!;
  if (!input.code.startsWith(type.prefix)) throw invalid(`the code of a ${type.nameZh} (${type.key}) item starts with ${type.prefix}`, { field: 'code' });
  const { legalDays, promisedDays } = input.timeLimit;
  if (legalDays !== null && promisedDays > legalDays) {
    throw invalid(`the promised time limit (${promisedDays} working days) cannot be longer than the legal one (${legalDays})`, { field: 'timeLimit.promisedDays' });
  }
  checkForm(input.form, input.materials);
}

/**
 * What the schema cannot say about an item's form and materials: keys unique, choices exactly
 * where a choice is asked, a file field uploading one of the item's materials, prefill only
 * where a value can be filled in. The form drives the application pages, so a form that breaks
 * one of these would break them for every applicant.
 */
export interface FormProblem {
  /** Dotted path from the item input, e.g. form.fields.2.choices. */
  field: string;
  message: string;
}

/** Each question has a page at /apply/{draft}/{key}: these names are the application's other pages. */
export const RESERVED_KEYS: readonly string[] = ['check', 'confirmation', 'saved', 'start'];

export function formProblems(form: Form, materials: readonly Material[]): FormProblem[] {
  const problems: FormProblem[] = [];
  const materialKeys = new Set<string>();
  materials.forEach((m, i) => {
    if (materialKeys.has(m.key)) problems.push({ field: `materials.${i}.key`, message: `material key ${m.key} appears twice` });
    materialKeys.add(m.key);
    if (m.replaceableBy?.kind === 'elicence' && m.replaceableBy.items) {
      problems.push({ field: `materials.${i}.replaceableBy.items`, message: `material ${m.key}: items name data items, which only a data lookup has` });
    }
  });
  const keys = new Set<string>();
  const uploaded = new Set<string>();
  form.fields.forEach((f, i) => {
    const at = `form.fields.${i}`;
    if (keys.has(f.key)) problems.push({ field: `${at}.key`, message: `field key ${f.key} appears twice` });
    if (RESERVED_KEYS.includes(f.key)) problems.push({ field: `${at}.key`, message: `field key ${f.key} is the name of an application page (${RESERVED_KEYS.join(', ')}); call it something else` });
    keys.add(f.key);
    const choosing = choiceTypes.includes(f.type);
    if (choosing) {
      if (!f.choices || f.choices.length < 2) problems.push({ field: `${at}.choices`, message: `field ${f.key} is a ${f.type}: give at least two choices` });
      const seen = new Set<string>();
      f.choices?.forEach((c, j) => {
        if (seen.has(c.key)) problems.push({ field: `${at}.choices.${j}.key`, message: `field ${f.key}: choice ${c.key} appears twice` });
        seen.add(c.key);
      });
    } else if (f.choices !== undefined) {
      problems.push({ field: `${at}.choices`, message: `field ${f.key} is ${f.type}: only single_choice and multiple_choice fields have choices` });
    }
    if (f.type === 'file') {
      if (f.prefill) problems.push({ field: `${at}.prefill`, message: `field ${f.key} is a file: base data cannot fill an upload` });
      if (f.material !== undefined) {
        if (!materialKeys.has(f.material)) problems.push({ field: `${at}.material`, message: `field ${f.key} uploads material ${f.material}, which the item does not list` });
        else if (uploaded.has(f.material)) problems.push({ field: `${at}.material`, message: `material ${f.material} is uploaded by two fields` });
        uploaded.add(f.material);
      }
    } else if (f.material !== undefined) {
      problems.push({ field: `${at}.material`, message: `field ${f.key} is ${f.type}: only file fields upload a material` });
    }
  });
  return problems;
}

/** Throws invalid_input naming the first problem's field. */
export function checkForm(form: Form, materials: readonly Material[]): void {
  const [first] = formProblems(form, materials);
  if (first) throw invalid(first.message, { field: first.field });
}
