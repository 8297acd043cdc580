/**
 * Display masking (脱敏) of personal data for logs, gateway responses and staff views.
 *
 * Every function is total: any string in (empty, emoji, lone surrogates, megabytes), a string out,
 * never an exception, because masking sits on error paths and in loggers where a throw would lose
 * the very record being written. Lengths and positions count code points, not UTF-16 units, so a
 * surrogate pair is never split into garbage and never half revealed.
 *
 * What stays visible is documented per function and is all that stays visible: every other
 * position becomes `*`. The address is the exception: its tail becomes a fixed `****` so the
 * length of the street part does not leak.
 */

export type MaskKind = 'citizenId' | 'name' | 'phone' | 'address' | 'uscc' | 'text';

export const maskKinds: readonly MaskKind[] = ['citizenId', 'name', 'phone', 'address', 'uscc', 'text'];

const STAR = '*';
/** Fixed tail of a masked address, whatever the length of what it hides. */
export const ADDRESS_TAIL = '****';

const stars = (n: number): string => STAR.repeat(Math.max(0, n));

// Code points are walked by hand over UTF-16 units, pairing a high surrogate with the low one
// right after it exactly as Array.from does: Array.from on a megabyte-long value costs a second.
const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) if (isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1))) i++;
  return n;
}

/** The UTF-16 index just after the first n code points. */
function afterHead(s: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) i += isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1)) ? 2 : 1;
  return i;
}

/** The UTF-16 index where the last n code points start. */
function beforeTail(s: string, n: number): number {
  let i = s.length;
  for (let k = 0; k < n && i > 0; k++) i -= i >= 2 && isLow(s.charCodeAt(i - 1)) && isHigh(s.charCodeAt(i - 2)) ? 2 : 1;
  return i;
}

/** Keep `head` code points and `tail` code points, star the middle; same length in code points. Needs head + tail <= length. */
function keepEnds(s: string, length: number, head: number, tail: number): string {
  return s.slice(0, afterHead(s, head)) + stars(length - head - tail) + s.slice(beforeTail(s, tail));
}

/**
 * Generic text: first and last character kept, the middle starred, same length. Strings of up to
 * three characters are starred completely (keeping two of three would reveal most of them).
 */
export function maskText(value: string): string {
  const length = codePointLength(value);
  if (length <= 3) return stars(length);
  return keepEnds(value, length, 1, 1);
}

/**
 * Citizen ID number (GB 11643): the 6-digit region code and the last 2 characters stay, the
 * birth date and the rest of the sequence number are starred; same length. A leading `CN`
 * (X-Road style user id, `CN2102…`) is kept as it is. Values too short to be an ID number
 * (fewer than 12 characters after the prefix) are masked as text, so a region code is never
 * mistaken for most of a short value.
 */
export function maskCitizenId(value: string): string {
  const length = codePointLength(value);
  const prefixed = value.startsWith('CN') && length - 2 >= 12;
  const body = prefixed ? value.slice(2) : value;
  const bodyLength = prefixed ? length - 2 : length;
  if (bodyLength < 12) return maskText(value);
  return (prefixed ? 'CN' : '') + keepEnds(body, bodyLength, 6, 2);
}

/**
 * Unified social credit code (GB 32100): the first 8 characters (registration authority, entity
 * type, division) and the last 2 stay; same length. Shorter values than 12 are masked as text.
 */
export function maskUscc(value: string): string {
  const length = codePointLength(value);
  if (length < 12) return maskText(value);
  return keepEnds(value, length, 8, 2);
}

/**
 * A person's name: the first character (the surname's first character for Chinese names, the
 * initial for Latin ones) stays and every other character is starred, same length:
 * `张三` → `张*`, `欧阳小明` → `欧***`, `John Smith` → `J*********`. A one-character value is
 * starred completely.
 */
export function maskName(value: string): string {
  const length = codePointLength(value);
  if (length <= 1) return stars(length);
  return keepEnds(value, length, 1, 0);
}

// A star counts as a digit slot so that masking an already masked number changes nothing.
const isDigitSlot = (unit: number): boolean => (unit >= 48 && unit <= 57) || unit === 42;
/** Characters that format a phone number and reveal nothing about it: space - ( ) . + and no-break space. */
const isPhoneSeparator = (unit: number): boolean =>
  unit === 32 || unit === 45 || unit === 40 || unit === 41 || unit === 46 || unit === 43 || unit === 0xa0;
const utf16 = new TextDecoder('utf-16le');

/**
 * Phone numbers, same length, separators left in place:
 * - a mobile number (11 digits starting with 1, optionally after +86/0086/86) keeps its first 3 and
 *   last 4 digits: `13812345678` → `138****5678`;
 * - otherwise a landline keeps its area code (the digits before the first separator when the
 *   number starts with 0, or the standard 3/4-digit area code of an all-digit number) and its last
 *   2 digits: `0411-84812345` → `0411-******45`;
 * - a country code stays; at least one digit is always starred;
 * - any other character that is not a separator is starred;
 * - a value with fewer than 7 digits is no phone number we know, and is starred completely (not
 *   masked as text, whose kept ends could be most of a short number).
 */
export function maskPhone(value: string): string {
  // Digits, stars and separators are single UTF-16 units, so their indices are found directly.
  const slotAt: number[] = [];
  for (let i = 0; i < value.length; i++) if (isDigitSlot(value.charCodeAt(i))) slotAt.push(i);
  if (slotAt.length < 7) return stars(codePointLength(value));

  const digitAt = (k: number): string => value[slotAt[k]!]!;
  let country = 0;
  if (value.startsWith('+86') || (slotAt.length === 13 && digitAt(0) === '8' && digitAt(1) === '6')) country = 2;
  else if (digitAt(0) === '0' && digitAt(1) === '0' && digitAt(2) === '8' && digitAt(3) === '6') country = 4;

  const nationalLength = slotAt.length - country;
  let head: number;
  let tail: number;
  if (nationalLength === 11 && digitAt(country) === '1') {
    head = 3; tail = 4;
  } else {
    head = areaCodeLength(slotAt, country, digitAt(country), digitAt(country + 1));
    tail = 2;
  }
  if (head + tail >= nationalLength) { head = 0; tail = Math.min(tail, nationalLength - 1); }

  // Kept positions in increasing order: country code, head, tail.
  const keep: number[] = [];
  for (let k = 0; k < country + head; k++) keep.push(slotAt[k]!);
  for (let k = slotAt.length - tail; k < slotAt.length; k++) keep.push(slotAt[k]!);
  const out = new Uint16Array(value.length);
  let n = 0;
  let next = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (i === keep[next]) {
      out[n++] = unit;
      next++;
    } else if (isPhoneSeparator(unit)) {
      out[n++] = unit;
    } else {
      out[n++] = 42;
      if (isHigh(unit) && isLow(value.charCodeAt(i + 1))) i++;
    }
  }
  return utf16.decode(out.subarray(0, n));
}

/** Digits of the area code of a landline number, 0 when it has none we can recognise. */
function areaCodeLength(slotAt: readonly number[], country: number, first: string, second: string): number {
  if (first !== '0') {
    // After a country code the trunk 0 is dropped: +86 411 84812345.
    if (country === 0) return 0;
    return first === '1' || first === '2' ? 2 : 3;
  }
  // A separator after the area code says exactly where it ends.
  let k = country;
  while (k + 1 < slotAt.length && slotAt[k + 1] === slotAt[k]! + 1) k++;
  const run = k - country + 1;
  if (k + 1 < slotAt.length && run >= 3 && run <= 4) return run;
  // All digits: 010 and 02x are the 3-digit area codes, every other one has 4.
  return second === '1' || second === '2' ? 3 : 4;
}

// A segment of an administrative name: CJK characters that are not themselves level suffixes or
// street words, so that a street (人民路), a building number or a village never counts as a level.
const SEG = '[\u4e00-\u9fff](?:(?![省市区县旗路街道巷弄号镇乡村])[\u4e00-\u9fff]){0,9}?';
const ADDRESS_LEVELS = new RegExp(
  '^' +
  `(?:[\u4e00-\u9fff]{2,3}省|${SEG}自治区|${SEG}特别行政区|北京市|天津市|上海市|重庆市)?` +
  `(?:${SEG}(?:自治州|地区|盟|市))?` +
  `(?:${SEG}(?:自治县|自治旗|新区|区|县|市|旗))?`,
);

/**
 * A postal address: kept up to and including the district/county-level part (province, city,
 * district or county or county-level city), the rest replaced by a fixed `****`:
 * `辽宁省大连市中山区人民路5号` → `辽宁省大连市中山区****`. When there is no district-level part,
 * the most specific level found stays; when no level is recognised, the whole value is `****`.
 * An empty value stays empty: there is nothing to hide.
 */
export function maskAddress(value: string): string {
  if (value === '') return '';
  const kept = ADDRESS_LEVELS.exec(value)?.[0] ?? '';
  return kept + ADDRESS_TAIL;
}

/** Masks a string as the given kind; an unknown kind masks as text. */
export function maskValue(kind: MaskKind, value: string): string {
  switch (kind) {
    case 'citizenId': return maskCitizenId(value);
    case 'name': return maskName(value);
    case 'phone': return maskPhone(value);
    case 'address': return maskAddress(value);
    case 'uscc': return maskUscc(value);
    default: return maskText(value);
  }
}

/**
 * Masks a JSON value: strings as `kind`, numbers and bigints through their decimal text, booleans
 * to `*` (text masking of `true`/`false` would keep `t…e`/`f…e`, i.e. the value), arrays and
 * objects element by element (keys stay). null and undefined stay as they are: absence is not
 * personal data.
 */
export function maskJsonValue(kind: MaskKind, value: unknown): unknown {
  return maskDeep(kind, value, 0);
}

const MAX_DEPTH = 32;

function maskDeep(kind: MaskKind, value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string': return maskValue(kind, value);
    case 'number': case 'bigint': return maskValue(kind, String(value));
    case 'boolean': return STAR;
    case 'object': {
      // Deeper than any record we serve: cut rather than recurse without bound.
      if (depth >= MAX_DEPTH) return STAR;
      if (Array.isArray(value)) return value.map((v) => maskDeep(kind, v, depth + 1));
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(kind, v, depth + 1)]));
    }
    default: return STAR;
  }
}

// Field-name patterns of our catalog (catalog/demo-data.ts), first match wins. ID numbers come
// before names because `legalRepresentativeIdNumber` is a number, not a name; names of
// organisations (employerName, operatorName, unitName…) are deliberately not person names.
const KIND_PATTERNS: readonly (readonly [RegExp, MaskKind])[] = [
  [/idnumber|citizenid|idcard|idno$|身份证|身份号码/, 'citizenId'],
  [/uscc|creditcode|信用代码/, 'uscc'],
  [/phone|mobile|telephone|^tel$|fax|电话|手机/, 'phone'],
  [/address|residence|domicile|location|premises|^placeof|住所|地址|住址|坐落/, 'address'],
  [/^(former|buyer|driver|father|mother|newborn|owner|party|contact|guardian|applicant|spouse|partner|agent)?name$|legalrepresentative$|rightholder$|responsibleperson$|姓名|法定代表人/, 'name'],
];

/** Data types whose values are never an ID, a name, a phone or an address, whatever the field is called. */
const NON_TEXT_TYPES = new Set(['boolean', 'integer', 'number', 'date', 'datetime', 'object']);

/**
 * Guesses the mask kind of a field from its name (`idNumber`, `householdAddress`,
 * `legalRepresentative`…) and, when given, its catalog data type; `text` when nothing fits.
 */
export function maskKindFor(fieldName: string, dataType?: string): MaskKind {
  if (dataType !== undefined && NON_TEXT_TYPES.has(dataType)) return 'text';
  const name = fieldName.toLowerCase().replace(/[_\-\s]/g, '');
  for (const [pattern, kind] of KIND_PATTERNS) if (pattern.test(name)) return kind;
  return 'text';
}

/**
 * An e-mail address: the domain and the first character of the part before the @ stay, the rest
 * of that part is starred, same length: `zhang.wei@example.cn` → `z********@example.cn`. A value
 * without a part before an @ is masked as text.
 */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1) return maskText(value);
  return maskName(value.slice(0, at)) + value.slice(at);
}
