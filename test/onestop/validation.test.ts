import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Value } from 'typebox/value';
import { demoDepartmentCode, demoServiceItems } from '../../src/onestop/demo-data.ts';
import { choiceTypes, type FieldType, fieldTypes, Form, type FormField, Material } from '../../src/onestop/schema.ts';
import { checkItemInput, formProblems } from '../../src/onestop/validation.ts';
import { DomainError } from '../../src/platform/errors.ts';

const key = fc.stringMatching(/^[a-z][A-Za-z0-9]{0,11}$/);
const label = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.length > 0);
const dataRef = fc.record({ resource: fc.constantFrom('PSB-0001', 'AMR-0001', 'NR-0001'), item: fc.stringMatching(/^[a-z][A-Za-z0-9]{0,15}$/) });

interface Draft { type: FieldType; required: boolean; choiceKeys: string[]; prefill: { resource: string; item: string } | null; attach: boolean }

const draft: fc.Arbitrary<Draft> = fc.record({
  type: fc.constantFrom(...fieldTypes),
  required: fc.boolean(),
  choiceKeys: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,7}$/), { minLength: 2, maxLength: 6 }),
  prefill: fc.option(dataRef, { nil: null }),
  attach: fc.boolean(),
});

/** Forms that keep every rule: unique keys, choices exactly on choice fields, each material uploaded by at most one file field. */
const validForm = fc.record({
  materialKeys: fc.uniqueArray(key, { maxLength: 5 }),
  fieldKeys: fc.uniqueArray(key, { minLength: 1, maxLength: 12 }),
}).chain(({ materialKeys, fieldKeys }) => fc.tuple(fc.constant(materialKeys), fc.tuple(...fieldKeys.map(() => draft)), fc.constant(fieldKeys), fc.array(label, { minLength: 2, maxLength: 2 })))
  .map(([materialKeys, drafts, fieldKeys, [zh, en]]) => {
    const unused = [...materialKeys];
    const fields = drafts.map((d, i): FormField => {
      const f: FormField = { key: fieldKeys[i]!, type: d.type, labelZh: zh!, labelEn: en!, required: d.required };
      if (choiceTypes.includes(d.type)) f.choices = d.choiceKeys.map((k) => ({ key: k, labelZh: zh!, labelEn: en! }));
      if (d.type !== 'file' && d.prefill) f.prefill = d.prefill;
      if (d.type === 'file' && d.attach && unused.length) f.material = unused.shift()!;
      return f;
    });
    const materials = materialKeys.map((k): Material => ({ key: k, name: zh!, form: 'copy', copies: 1, required: true }));
    return { form: { fields }, materials };
  });

type Sample = { form: Form; materials: Material[] };
const clone = (s: Sample): Sample => structuredClone(s);
const indexWhere = (s: Sample, test: (f: FormField) => boolean) => s.form.fields.findIndex(test);

/** Breaks one rule of a valid form; returns the path the validator must name, or null when the form has nothing to break that way. */
const corruptions: Record<string, (s: Sample) => string | null> = {
  duplicateKey(s) {
    if (s.form.fields.length < 2) return null;
    const last = s.form.fields.length - 1;
    s.form.fields[last]!.key = s.form.fields[0]!.key;
    return `form.fields.${last}.key`;
  },
  tooFewChoices(s) {
    const i = indexWhere(s, (f) => choiceTypes.includes(f.type));
    if (i < 0) return null;
    s.form.fields[i]!.choices = s.form.fields[i]!.choices!.slice(0, 1);
    return `form.fields.${i}.choices`;
  },
  missingChoices(s) {
    const i = indexWhere(s, (f) => choiceTypes.includes(f.type));
    if (i < 0) return null;
    delete s.form.fields[i]!.choices;
    return `form.fields.${i}.choices`;
  },
  duplicateChoice(s) {
    const i = indexWhere(s, (f) => choiceTypes.includes(f.type));
    if (i < 0) return null;
    const choices = s.form.fields[i]!.choices!;
    choices.push({ ...choices[0]! });
    return `form.fields.${i}.choices.${choices.length - 1}.key`;
  },
  choicesOnText(s) {
    const i = indexWhere(s, (f) => !choiceTypes.includes(f.type));
    if (i < 0) return null;
    s.form.fields[i]!.choices = [{ key: 'a', labelZh: '甲', labelEn: 'A' }, { key: 'b', labelZh: '乙', labelEn: 'B' }];
    return `form.fields.${i}.choices`;
  },
  prefilledFile(s) {
    const i = indexWhere(s, (f) => f.type === 'file');
    if (i < 0) return null;
    s.form.fields[i]!.prefill = { resource: 'PSB-0001', item: 'photo' };
    return `form.fields.${i}.prefill`;
  },
  unknownMaterial(s) {
    const i = indexWhere(s, (f) => f.type === 'file');
    if (i < 0) return null;
    s.form.fields[i]!.material = 'noSuchMaterialAnywhere';
    return `form.fields.${i}.material`;
  },
  uploadedTwice(s) {
    const i = indexWhere(s, (f) => f.material !== undefined);
    const j = s.form.fields.findIndex((f, n) => n > i && f.type === 'file');
    if (i < 0 || j < 0) return null;
    s.form.fields[j]!.material = s.form.fields[i]!.material!;
    return `form.fields.${j}.material`;
  },
  materialOnText(s) {
    const i = indexWhere(s, (f) => f.type !== 'file');
    if (i < 0 || s.materials.length === 0) return null;
    s.form.fields[i]!.material = s.materials[0]!.key;
    return `form.fields.${i}.material`;
  },
  duplicateMaterial(s) {
    if (s.materials.length === 0) return null;
    s.materials.push({ ...s.materials[0]! });
    return `materials.${s.materials.length - 1}.key`;
  },
};

describe('the form-definition validator', () => {
  it('accepts every form that keeps the rules, and the schema accepts it too', () => {
    fc.assert(fc.property(validForm, (sample) => {
      assert.deepEqual(formProblems(sample.form, sample.materials), []);
      assert.ok(Value.Check(Form, sample.form), JSON.stringify([...Value.Errors(Form, sample.form)].slice(0, 2)));
      for (const m of sample.materials) assert.ok(Value.Check(Material, m));
    }), { numRuns: 300 });
  });

  it('names the field of any one broken rule', () => {
    fc.assert(fc.property(validForm, fc.constantFrom(...Object.keys(corruptions)), (sample, kind) => {
      const broken = clone(sample);
      const path = corruptions[kind]!(broken);
      fc.pre(path !== null);
      const problems = formProblems(broken.form, broken.materials);
      assert.ok(problems.some((p) => p.field === path), `${kind}: expected a problem at ${path}, got ${JSON.stringify(problems)}`);
    }), { numRuns: 500 });
  });

  it('refuses anything else with invalid_input naming a field, never with another error', () => {
    const base = { ...demoServiceItems[0]!, department: demoDepartmentCode(demoServiceItems[0]!.department) };
    const paths = ['code', 'type', 'timeLimit', 'timeLimit.legalDays', 'timeLimit.promisedDays', 'materials', 'materials.0', 'materials.0.replaceableBy', 'form', 'form.fields', 'form.fields.0', 'form.fields.1.choices', 'form.fields.0.prefill', 'where.visits'];
    fc.assert(fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
      const input = structuredClone(base) as Record<string, unknown>;
      const parts = path.split('.');
      let at = input as Record<string, unknown>;
      for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
      at[parts.at(-1)!] = value;
      try {
        checkItemInput(input);
      } catch (error) {
        assert.ok(error instanceof DomainError, `not a domain error: ${String(error)}`);
        assert.equal(error.code, 'invalid_input');
        assert.equal(typeof (error.detail as { field?: unknown } | undefined)?.field, 'string', error.message);
      }
    }), { numRuns: 500 });
  });

  it('holds the demo items valid, with codes that tell their kind', () => {
    for (const item of demoServiceItems) {
      assert.doesNotThrow(() => checkItemInput({ ...item, department: demoDepartmentCode(item.department) }), item.code);
    }
    const bad = { ...demoServiceItems[0]!, department: demoDepartmentCode(demoServiceItems[0]!.department) };
    assert.throws(() => checkItemInput({ ...bad, code: 'GG00101001000' }), (e: DomainError) => (e.detail as { field: string }).field === 'code');
    assert.throws(() => checkItemInput({ ...bad, timeLimit: { legalDays: 3, promisedDays: 5 } }), (e: DomainError) => (e.detail as { field: string }).field === 'timeLimit.promisedDays');
  });
});
