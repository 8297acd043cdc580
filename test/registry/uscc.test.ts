import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { governmentUscc, isUscc, organisationCheckChar, usccCheckChar, usccProblem } from '../../src/registry/uscc.ts';

/** The 31 symbols of GB 32100-2015, values 0–30 in this order (no I, O, S, V, Z). */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Independent check of the GB 11714 organisation code, written from the standard (exchange.md §7.5). */
function isOrganisationCode(code: string): boolean {
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(code)) return false;
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(code[i]!, 36) * weights[i]!;
  const c = 11 - (sum % 11);
  return code[8] === (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

const division = fc.stringMatching(/^[1-8]\d{5}$/);
const serial = fc.integer({ min: 0, max: 99_999_999 });
const validCode = fc.tuple(division, serial).map(([d, s]) => governmentUscc(d, s));
const charsetChar = fc.constantFrom(...CHARSET);
const first17 = fc.array(charsetChar, { minLength: 17, maxLength: 17 }).map((chars) => chars.join(''));

describe('unified social credit code', () => {
  describe('the published example', () => {
    it('accepts 91350100M000100Y43, whose embedded organisation code M000100Y4 is also valid', () => {
      assert.equal(usccProblem('91350100M000100Y43'), null);
      assert.equal(isUscc('91350100M000100Y43'), true);
      assert.equal(usccCheckChar('91350100M000100Y4'), '3');
      assert.equal(organisationCheckChar('M000100Y'), '4');
      assert.equal(isOrganisationCode('M000100Y4'), true);
    });

    it('says the check character is wrong, and which one it expected, when only the last character is off', () => {
      const problem = usccProblem('91350100M000100Y44');
      assert.ok(problem);
      assert.match(problem, /check character is wrong/);
      assert.match(problem, /expected 3/);
    });
  });

  describe('government codes generated for demo and test data', () => {
    it('are valid, start with 11 and the division, and embed a valid organisation code', () => {
      fc.assert(fc.property(division, serial, (d, s) => {
        const code = governmentUscc(d, s);
        assert.equal(code.length, 18);
        assert.equal(usccProblem(code), null, `${code} from (${d}, ${s})`);
        assert.equal(code.slice(0, 2), '11', 'registration authority 1 (staffing office), type 1 (government organ)');
        assert.equal(code.slice(2, 8), d);
        assert.equal(code.slice(8, 16), String(s).padStart(8, '0'));
        assert.equal(code[16], organisationCheckChar(code.slice(8, 16)));
        assert.ok(isOrganisationCode(code.slice(8, 17)), `embedded organisation code ${code.slice(8, 17)} is valid`);
      }), { numRuns: 2000 });
    });

    it('differ for different serial numbers in the same division', () => {
      fc.assert(fc.property(division, serial, serial, (d, a, b) => {
        fc.pre(a !== b);
        assert.notEqual(governmentUscc(d, a), governmentUscc(d, b));
      }));
    });

    it('refuses a serial number longer than the eight characters of an organisation code', () => {
      assert.throws(() => governmentUscc('210200', 100_000_000));
      assert.throws(() => governmentUscc('210200', -1));
    });
  });

  describe('the check character', () => {
    it('makes any 17 charset characters plus their check character a valid code', () => {
      fc.assert(fc.property(first17, (head) => {
        assert.equal(usccProblem(head + usccCheckChar(head)), null);
      }), { numRuns: 2000 });
    });

    it('catches every single-character substitution (MOD 31 with weights 3^(i-1) mod 31)', () => {
      const substitution = fc.tuple(validCode, fc.integer({ min: 0, max: 17 }), charsetChar);
      fc.assert(fc.property(substitution, ([code, position, replacement]) => {
        fc.pre(code[position] !== replacement);
        const changed = code.slice(0, position) + replacement + code.slice(position + 1);
        assert.notEqual(usccProblem(changed), null, `${changed} (position ${position + 1} of ${code} changed) must be refused`);
        assert.equal(isUscc(changed), false);
      }), { numRuns: 5000 });
    });

    it('catches every single-character substitution of the published example, exhaustively', () => {
      const example = '91350100M000100Y43';
      let tried = 0;
      for (let position = 0; position < 18; position++) {
        for (const replacement of CHARSET) {
          if (example[position] === replacement) continue;
          const changed = example.slice(0, position) + replacement + example.slice(position + 1);
          assert.equal(isUscc(changed), false, `${changed} must be refused`);
          tried += 1;
        }
      }
      assert.equal(tried, 18 * 30);
    });
  });

  describe('characters and length', () => {
    for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
      it(`refuses the letter ${letter}, naming it`, () => {
        const code = `91350100M000100${letter}43`;
        const problem = usccProblem(code);
        assert.ok(problem, `${code} is refused`);
        assert.ok(problem.includes(`"${letter}"`), `the message names ${letter}: ${problem}`);
        assert.equal(isUscc(code), false);
      });
    }

    it('refuses lowercase letters, naming the character, even where the uppercase code is valid', () => {
      const problem = usccProblem('91350100m000100y43');
      assert.ok(problem);
      assert.ok(problem.includes('"m"'), `the message names the lowercase character: ${problem}`);
      fc.assert(fc.property(validCode, fc.integer({ min: 0, max: 17 }), (code, position) => {
        const ch = code[position]!;
        fc.pre(/[A-Z]/.test(ch));
        const lowered = code.slice(0, position) + ch.toLowerCase() + code.slice(position + 1);
        assert.ok(usccProblem(lowered)?.includes(`"${ch.toLowerCase()}"`));
      }));
    });

    it('refuses any character outside the set, naming it', () => {
      const outside = fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme-ascii' }).filter((ch) => !CHARSET.includes(ch));
      fc.assert(fc.property(validCode, fc.integer({ min: 0, max: 17 }), outside, (code, position, ch) => {
        const changed = code.slice(0, position) + ch + code.slice(position + 1);
        const problem = usccProblem(changed);
        assert.ok(problem?.includes(`"${ch}"`), `${JSON.stringify(changed)}: ${problem}`);
      }));
    });

    it('refuses a code of the wrong length, naming the length', () => {
      for (const code of ['', '91350100M000100Y4', '91350100M000100Y433', '9135']) {
        const problem = usccProblem(code);
        assert.ok(problem, `${JSON.stringify(code)} is refused`);
        assert.match(problem, /18 characters/);
        assert.ok(problem.includes(`has ${code.length}`), `the message names the length ${code.length}: ${problem}`);
      }
      fc.assert(fc.property(fc.array(charsetChar, { maxLength: 40 }).filter((a) => a.length !== 18), (chars) => {
        assert.ok(usccProblem(chars.join(''))?.includes(`has ${chars.length}`));
      }));
    });
  });
});
