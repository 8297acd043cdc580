import assert from 'node:assert/strict';
import { DomainError, type ErrorCode } from '../../src/platform/errors.ts';

/** Runs the work expecting a DomainError with the code; returns it. */
export async function refusal(code: ErrorCode, work: () => Promise<unknown>): Promise<DomainError> {
  let caught: unknown;
  try {
    await work();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DomainError, `expected a DomainError ${code}, got ${caught === undefined ? 'success' : String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}
