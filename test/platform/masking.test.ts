import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ADDRESS_TAIL, maskAddress, maskCitizenId, maskJsonValue, maskKindFor, maskKinds, maskName, maskPhone, maskText,
  maskUscc, maskValue, type MaskKind,
} from '../../src/platform/masking.ts';
import { demoResources } from '../../src/catalog/demo-data.ts';

const cps = (s: string): string[] => Array.from(s);

// Strings of every sort masking meets: any code point, lone surrogates, digits, CJK, stars and
// separators, so that the interesting branches (CN prefix, +86, area codes) are reached.
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
// Any code point; fc.string({ unit: 'binary' }) would do the same but is two orders of magnitude slower.
const anyChar = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const cjk = fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c));
const unit = fc.oneof(
  anyChar, loneSurrogate, cjk, fc.constantFrom('0', '1', '8', '6', '*', '-', ' ', '+', 'C', 'N', 'X', '省', '市', '区', '县', '😀'),
);
const anyString = fc.string({ unit, maxLength: 40 });

const maskers: Record<MaskKind, (v: string) => string> = {
  citizenId: maskCitizenId, name: maskName, phone: maskPhone, address: maskAddress, uscc: maskUscc, text: maskText,
};

describe('masking examples', () => {
  it('masks the documented examples', () => {
    assert.equal(maskCitizenId('210202199001011234'), '210202**********34');
    assert.equal(maskCitizenId('CN210202199001011234'), 'CN210202**********34');
    assert.equal(maskCitizenId('11010519491231002X'), '110105**********2X');
    assert.equal(maskName('张三'), '张*');
    assert.equal(maskName('欧阳小明'), '欧***');
    assert.equal(maskName('John Smith'), 'J*********');
    assert.equal(maskPhone('13812345678'), '138****5678');
    assert.equal(maskPhone('+86 138 1234 5678'), '+86 138 **** 5678');
    assert.equal(maskPhone('0411-84812345'), '0411-******45');
    assert.equal(maskPhone('010-12345678'), '010-******78');
    assert.equal(maskPhone('041184812345'), '0411******45');
    assert.equal(maskAddress('辽宁省大连市中山区人民路5号'), '辽宁省大连市中山区****');
    assert.equal(maskAddress('大连市瓦房店市复州城镇西街村'), '大连市瓦房店市****');
    assert.equal(maskAddress('大连市长海县大长山岛镇'), '大连市长海县****');
    assert.equal(maskAddress('广西壮族自治区南宁市青秀区民族大道'), '广西壮族自治区南宁市青秀区****');
    assert.equal(maskAddress('中山区人民路市场'), '中山区****', 'a street is not a city even when a 市 follows it');
    assert.equal(maskAddress('Main Street 5'), '****');
    assert.equal(maskUscc('91350100M000100Y43'), '91350100********43');
    assert.equal(maskText('hello world'), 'h*********d');
    assert.equal(maskText('abc'), '***');
    assert.equal(maskPhone('12-34'), '*****', 'too short to be a phone number: nothing shown');
  });

  it('masks JSON values: numbers through their text, booleans fully, null stays null, containers element-wise', () => {
    assert.equal(maskJsonValue('phone', 13812345678), '138****5678');
    assert.equal(maskJsonValue('text', true), '*');
    assert.equal(maskJsonValue('text', false), '*');
    assert.equal(maskJsonValue('name', null), null);
    assert.equal(maskJsonValue('name', undefined), undefined);
    assert.deepEqual(maskJsonValue('name', ['张三', '李四']), ['张*', '李*']);
    assert.deepEqual(maskJsonValue('text', { a: 'secret', b: [12345] }), { a: 's****t', b: ['1***5'] });
    assert.equal(maskJsonValue('text', 12345678901234567890n), '1******************0');
  });

  it('guesses the kind of every personal item of the catalog from its name and type', () => {
    const items = demoResources.flatMap((r) => r.items);
    for (const i of items) {
      const kind = maskKindFor(i.name, i.dataType);
      if (/IdNumber$|^idNumber$/.test(i.name) && i.dataType === 'string') assert.equal(kind, 'citizenId', i.name);
      if (/Phone$|^phone$/.test(i.name)) assert.equal(kind, 'phone', i.name);
      if (/[Uu]scc$/.test(i.name)) assert.equal(kind, 'uscc', i.name);
      if (/[Aa]ddress$/.test(i.name)) assert.equal(kind, 'address', i.name);
      if (i.dataType === 'boolean' || i.dataType === 'date' || i.dataType === 'number') assert.equal(kind, 'text', i.name);
    }
    for (const name of ['name', 'formerName', 'legalRepresentative', 'rightHolder', 'fatherName', 'partyName']) assert.equal(maskKindFor(name), 'name', name);
    for (const name of ['employerName', 'operatorName', 'unitName', 'enterpriseName']) assert.equal(maskKindFor(name), 'text', `${name} is an organisation`);
    assert.equal(maskKindFor('legalRepresentativeIdNumber'), 'citizenId');
    assert.equal(maskKindFor('residence'), 'address');
    assert.equal(maskKindFor('domicile'), 'address');
    assert.equal(maskKindFor('mobile'), 'phone');
    assert.equal(maskKindFor('telephone'), 'phone');
    assert.equal(maskKindFor('something_else'), 'text');
  });
});

describe('masking invariants (properties)', () => {
  it('never throws and always returns a string, for every kind and every string', () => {
    fc.assert(fc.property(fc.constantFrom(...maskKinds), anyString, (kind, v) => {
      assert.equal(typeof maskValue(kind, v), 'string');
      assert.equal(typeof maskJsonValue(kind, v), 'string');
    }), { numRuns: 2000 });
  });

  it('copes with very long values', () => {
    const long = '辽宁省大连市中山区' + '人民路😀5号'.repeat(100_000);
    for (const kind of maskKinds) assert.equal(typeof maskValue(kind, long), 'string');
    assert.equal(maskAddress(long), '辽宁省大连市中山区****');
    assert.equal(cps(maskText(long)).length, cps(long).length);
  });

  it('is idempotent: masking a masked value changes nothing', () => {
    fc.assert(fc.property(fc.constantFrom(...maskKinds), anyString, (kind, v) => {
      const once = maskValue(kind, v);
      assert.equal(maskValue(kind, once), once);
    }), { numRuns: 2000 });
  });

  it('never returns a value of two or more characters unchanged unless it was already masked', () => {
    const unmasked = anyString.filter((v) => cps(v).length >= 2 && !v.includes('*'));
    fc.assert(fc.property(fc.constantFrom(...maskKinds), unmasked, (kind, v) => {
      assert.notEqual(maskValue(kind, v), v);
    }), { numRuns: 2000 });
  });

  it('keeps the length (in code points) of every kind but the address, and only ever shows input characters in place or *', () => {
    const lengthKeeping = maskKinds.filter((k) => k !== 'address');
    fc.assert(fc.property(fc.constantFrom(...lengthKeeping), anyString, (kind, v) => {
      const input = cps(v);
      const output = cps(maskValue(kind, v));
      assert.equal(output.length, input.length);
      output.forEach((ch, i) => assert.ok(ch === '*' || ch === input[i], `${kind}: position ${i} shows ${ch}`));
    }), { numRuns: 2000 });
  });

  it('citizen ID: exactly the region code, an optional CN and the last 2 characters stay visible', () => {
    const idLike = fc.tuple(fc.boolean(), fc.string({ unit, minLength: 12, maxLength: 30 }).filter((b) => cps(b).length >= 12));
    fc.assert(fc.property(idLike, ([prefix, body]) => {
      const v = (prefix ? 'CN' : '') + body;
      const out = cps(maskCitizenId(v));
      const input = cps(v);
      const p = input[0] === 'C' && input[1] === 'N' && input.length >= 14 ? 2 : 0;
      const n = input.length;
      input.forEach((ch, i) => {
        const shown = i < p + 6 || i >= n - 2;
        assert.equal(out[i], shown ? ch : '*', `position ${i}`);
      });
    }), { numRuns: 1000 });
    const id = fc.tuple(fc.stringMatching(/^\d{17}$/), fc.constantFrom(...'0123456789X')).map(([a, b]) => a + b);
    fc.assert(fc.property(id, (v) => {
      assert.match(maskCitizenId(v), /^\d{6}\*{10}[\dX]{2}$/);
      assert.equal(maskCitizenId(v).slice(0, 6), v.slice(0, 6));
    }));
  });

  it('USCC: exactly the first 8 and the last 2 characters stay visible', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9A-HJ-NPQRTUWXY]{18}$/), (v) => {
      assert.equal(maskUscc(v), `${v.slice(0, 8)}********${v.slice(16)}`);
    }));
  });

  it('name: the first character stays, every other one is a star', () => {
    fc.assert(fc.property(fc.string({ unit, minLength: 2 }).filter((v) => cps(v).length >= 2), (v) => {
      const input = cps(v);
      assert.equal(maskName(v), input[0] + '*'.repeat(input.length - 1));
    }));
  });

  it('mobile numbers keep 3 + 4 digits, landlines their area code and 2 digits, separators in place', () => {
    fc.assert(fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), fc.constantFrom('', '+86 ', '0086'), (m, cc) => {
      assert.equal(maskPhone(cc + m), `${cc}${m.slice(0, 3)}****${m.slice(7)}`);
    }));
    fc.assert(fc.property(fc.stringMatching(/^0[3-9]\d{2}$/), fc.stringMatching(/^[2-8]\d{6,7}$/), (area, local) => {
      const out = maskPhone(`${area}-${local}`);
      assert.equal(out, `${area}-${'*'.repeat(local.length - 2)}${local.slice(-2)}`);
    }));
  });

  it('address: a prefix of the input ending at an administrative level, then a fixed ****', () => {
    fc.assert(fc.property(anyString, (v) => {
      const out = maskAddress(v);
      if (v === '') return void assert.equal(out, '');
      assert.ok(out.endsWith(ADDRESS_TAIL));
      const kept = out.slice(0, -ADDRESS_TAIL.length);
      assert.ok(v.startsWith(kept), 'the kept part is the start of the input');
      if (kept) assert.match(kept, /(省|自治区|特别行政区|市|自治州|地区|盟|区|县|旗)$/);
    }), { numRuns: 2000 });
    const district = fc.constantFrom('中山区', '西岗区', '沙河口区', '甘井子区', '旅顺口区', '金州区', '普兰店区', '长海县', '瓦房店市', '庄河市');
    const street = fc.tuple(fc.constantFrom('人民路', '中山路', '黄河路', '五一路', '复州城镇西街村'), fc.integer({ min: 1, max: 999 }))
      .map(([s, n]) => `${s}${n}号`);
    fc.assert(fc.property(fc.boolean(), district, street, (province, d, s) => {
      const head = `${province ? '辽宁省' : ''}大连市${d}`;
      assert.equal(maskAddress(head + s), `${head}****`);
    }));
  });
});
