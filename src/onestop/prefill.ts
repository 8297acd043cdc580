import { getResource } from '../catalog/service.ts';
import type { Resource } from '../catalog/schema.ts';
import type { HubDatabase as Db } from '../hub/database.ts';
import type { Person } from '../identity/people.service.ts';
import { DomainError } from '../platform/errors.ts';
import { maskKindFor } from '../platform/masking.ts';
import { type Answers, answerFromData } from './answers.ts';
import type { PrefillNote, PrefillSource, Question } from './applications.schema.ts';
import type { PortalExchange } from './exchange-client.ts';

/**
 * Filling a form from the base databases (数据多跑路): with the person's consent, one lookup per
 * catalog resource through the portal's exchange client, under the portal's sharing agreements,
 * in the person's name so that it shows on their "my data" page. What cannot be filled is typed,
 * and the question page says why.
 */

export interface PrefillField {
  key: string;
  resource: string;
  item: string;
}

export interface PrefillOutcome {
  answers: Answers;
  prefilled: Record<string, PrefillSource>;
  notes: Record<string, PrefillNote>;
}

/** The questions the government could answer for the person: those whose field names a base data item. */
export function prefillFields(questions: readonly Question[]): PrefillField[] {
  return questions.flatMap((q) => (q.field.prefill && q.field.type !== 'file' ? [{ key: q.field.key, resource: q.field.prefill.resource, item: q.field.prefill.item }] : []));
}

/** The same note for every field that could have been filled: nothing was looked up. */
export function unfilled(questions: readonly Question[], note: PrefillNote): PrefillOutcome {
  return { answers: {}, prefilled: {}, notes: Object.fromEntries(prefillFields(questions).map((f) => [f.key, note])) };
}

/** The resources behind the prefillable fields, for the consent page: what will be looked up, and who holds it. */
export async function prefillResources(db: Db, questions: readonly Question[]): Promise<Map<string, Resource | null>> {
  const found = new Map<string, Resource | null>();
  for (const { resource } of prefillFields(questions)) {
    if (!found.has(resource)) found.set(resource, await resourceOrNull(db, resource));
  }
  return found;
}

/**
 * Looks the person up in each resource the form names and fills what it can. Never throws for
 * the lookups: a failure leaves the field to be typed, with its note.
 */
export async function prefill(db: Db, exchange: PortalExchange | null, person: Person, questions: readonly Question[]): Promise<PrefillOutcome> {
  if (!exchange) return unfilled(questions, 'no_exchange');
  // Data about a person goes only to the person the registries confirmed: an unverified account may carry someone else's number.
  if (person.verification !== 'verified') return unfilled(questions, 'unverified');
  const fields = prefillFields(questions);
  const byResource = new Map<string, PrefillField[]>();
  for (const f of fields) byResource.set(f.resource, [...(byResource.get(f.resource) ?? []), f]);
  const outcome: PrefillOutcome = { answers: {}, prefilled: {}, notes: {} };
  const at = new Date().toISOString();
  await Promise.all([...byResource].map(async ([code, wanted]) => {
    const note = (why: PrefillNote) => { for (const f of wanted) outcome.notes[f.key] = why; };
    const resource = await resourceOrNull(db, code);
    const key = resource ? lookupKey(resource, person) : null;
    if (!resource || !key) return note('no_key');
    let record: Record<string, unknown> | null;
    try {
      // In the resident's name, so the lookup shows on their "my data" page; no purpose, so any of the portal's agreements for this service applies.
      record = await exchange.lookup(resource, key, person.kind === 'citizen' ? { userId: person.idNumber } : {});
    } catch (error) {
      if (error instanceof DomainError) return note('failed');
      throw error;
    }
    if (!record) return note('not_found');
    for (const f of wanted) {
      const question = questions.find((q) => q.field.key === f.key)!;
      const value = answerFromData(question.field, record[f.item]);
      if (value === null) {
        outcome.notes[f.key] = 'not_provided';
        continue;
      }
      outcome.answers[f.key] = value;
      outcome.prefilled[f.key] = {
        resource: resource.code, resourceNameZh: resource.nameZh, resourceNameEn: resource.nameEn, provider: resource.provider, item: f.item, value, at,
      };
    }
  }));
  return outcome;
}

/**
 * The key the resource is looked up by, when the person has one: a citizen's ID number for a
 * resource keyed by ID number, an enterprise's credit code for one keyed by credit code. Anything
 * else is not looked up at all, rather than sending a number to a registry it does not belong to.
 */
function lookupKey(resource: Resource, person: Person): string | null {
  const paths = Object.keys((resource.openapi?.paths ?? {}) as Record<string, unknown>);
  const parameter = paths.map((p) => /\{(\w+)\}/.exec(p)?.[1]).find((p) => p !== undefined);
  if (!parameter || !resource.serviceCode) return null;
  const kind = maskKindFor(parameter);
  if (kind === 'citizenId' && person.kind === 'citizen') return person.idNumber;
  if (kind === 'uscc' && person.kind === 'enterprise') return person.idNumber;
  return null;
}

async function resourceOrNull(db: Db, code: string): Promise<Resource | null> {
  try {
    const resource = await getResource(db, code);
    return resource.withdrawn ? null : resource;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found') return null;
    throw error;
  }
}
