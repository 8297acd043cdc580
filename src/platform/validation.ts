import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { invalid } from './errors.ts';

/**
 * Services check their input against the same schema the JSON API validates with, so a caller
 * that is not the API (a page's form, the CLI, a seed) cannot store what the API would refuse.
 */
export function checkInput<T extends TSchema>(schema: T, value: unknown): asserts value is Static<T> {
  if (Value.Check(schema, value)) return;
  const first = Value.Errors(schema, value)[0];
  const field = first?.instancePath.split('/')[1];
  const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : 'input';
  throw invalid(`${where} ${first?.message ?? 'is not valid'}`, field ? { field } : undefined);
}
