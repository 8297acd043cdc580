import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  birthDateOf, citizenIdCheckChar, citizenIdProblem, isCitizenId, sexOf, upgradeCitizenId15,
} from '../../src/basedata/citizen-id.ts';

/** Independent check of ISO 7064 MOD 11-2 from the definition (weights 2^(18-i) mod 11, check (12 - S mod 11) mod 11). */
function referenceCheck(first17: string): string {
  let sum = 0;
  for (let i = 1; i <= 17; i++) sum += Number(first17[i - 1]) * (2 ** (18 - i) % 11);
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}

const NOW = new Date('2026-01-15T00:00:00Z');
const province = fc.constantFrom('11', '21', '22', '23', '31', '37', '44', '65', '81');
const birthDay = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));
const validId = fc.tuple(province, fc.stringMatching(/^\d{4}$/), birthDay, fc.stringMatching(/^\d{3}$/))
  .map(([p, rest, birth, seq]) => {
    const first17 = `${p}${rest}${birth}${seq}`;
    return first17 + citizenIdCheckChar(first17);
  });

describe('citizen ID number (GB 11643-1999)', () => {
  it('accepts the published example 11010519491231002X and computes its check character', () => {
    assert.equal(citizenIdCheckChar('11010519491231002'), 'X');
    assert.equal(citizenIdProblem('11010519491231002X', NOW), null);
    assert.equal(isCitizenId('11010519491231002X'), true);
    assert.equal(birthDateOf('11010519491231002X'), '1949-12-31');
    assert.equal(sexOf('11010519491231002X'), 'female');
  });

  it('computes the same check character as the definition of MOD 11-2', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{17}$/), (first17) => {
      assert.equal(citizenIdCheckChar(first17), referenceCheck(first17));
    }), { numRuns: 2000 });
  });

  it('refuses to compute a check character for anything but 17 digits', () => {
    assert.throws(() => citizenIdCheckChar('1101051949123100'), RangeError);
    assert.throws(() => citizenIdCheckChar('1101051949123100A'), RangeError);
  });

  it('says what is wrong, in words a person can act on', () => {
    const problem = (id: string) => citizenIdProblem(id, NOW) ?? '';
    assert.match(problem('11010519491231002'), /18 characters, this one has 17/);
    assert.match(problem('11010519491231002x'), /lower-case x; write it as a capital X/);
    assert.match(problem('1101051949123A002X'), /character 14 is "A"/);
    assert.match(problem('110105194912310021'), /check character is wrong: expected X for 11010519491231002/);
    assert.match(problem('99010519491231002X'), /region code 990105 is not a division of China/);
    const feb30 = '11010519900230001';
    assert.match(problem(feb30 + citizenIdCheckChar(feb30)), /birth date 19900230 .* not a real date/);
    const future = '11010520260301001';
    assert.match(problem(future + citizenIdCheckChar(future)), /in the future/);
    const ancient = '11010518800101001';
    assert.match(problem(ancient + citizenIdCheckChar(ancient)), /before 18900101/);
    assert.match(problem('110105491231002'), /old 15-digit number; .* is 11010519491231002X/);
    assert.match(problem(''), /this one has 0/);
  });

  it('upgrades old 15-digit numbers (18 for the sequence numbers 996–999)', () => {
    assert.equal(upgradeCitizenId15('110105491231002'), '11010519491231002X');
    const centenarian = upgradeCitizenId15('110105950101997');
    assert.equal(centenarian.slice(6, 10), '1895');
    assert.equal(isCitizenId(centenarian), true);
  });

  it('accepts every well-formed number, and reads its birth date and sex', () => {
    fc.assert(fc.property(validId, (id) => {
      assert.equal(citizenIdProblem(id, NOW), null);
      assert.equal(birthDateOf(id), `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
      assert.equal(sexOf(id), Number(id[16]) % 2 === 1 ? 'male' : 'female');
    }), { numRuns: 2000 });
  });

  it('detects every single-character substitution of a valid number', () => {
    const substitute = fc.tuple(validId, fc.integer({ min: 0, max: 17 }), fc.oneof(
      fc.constantFrom(...'0123456789X'),
      fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    ));
    fc.assert(fc.property(substitute, ([id, position, replacement]) => {
      fc.pre(replacement !== id[position]);
      const changed = id.slice(0, position) + replacement + id.slice(position + 1);
      assert.notEqual(citizenIdProblem(changed, NOW), null, `${changed} (from ${id}) must be refused`);
    }), { numRuns: 2000 });
  });

  it('detects every single digit substitution exhaustively for one number', () => {
    const id = '11010519491231002X';
    for (let position = 0; position < 18; position++) {
      for (const ch of '0123456789X') {
        if (ch === id[position]) continue;
        const changed = id.slice(0, position) + ch + id.slice(position + 1);
        assert.equal(isCitizenId(changed), false, changed);
      }
    }
  });

  it('never throws on arbitrary input', () => {
    const anyChar = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
    fc.assert(fc.property(fc.string({ unit: fc.oneof(anyChar, fc.constantFrom(...'0123456789X')), maxLength: 40 }), (s) => {
      const problem = citizenIdProblem(s);
      assert.ok(problem === null || typeof problem === 'string');
      if (problem !== null) {
        assert.equal(birthDateOf(s), null);
        assert.equal(sexOf(s), null);
      }
    }), { numRuns: 2000 });
  });
});
