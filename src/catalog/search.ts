/**
 * Tokens for full-text search in Chinese and English. Chinese has no spaces between words, so
 * each run of CJK characters is indexed as its single characters and overlapping pairs
 * (bigrams), the approach of Lucene's CJK analyzer: a query of two or more characters matches
 * through its bigrams, a one-character query through the character itself. Latin words and
 * numbers are lowercased. The same function serves both databases.
 */
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

function cjkRuns(text: string): string[] {
  return text.match(CJK) ?? [];
}

function latinWords(text: string): string[] {
  return (text.replace(CJK, ' ').toLowerCase().match(WORD) ?? []).filter((w) => w.length <= 40);
}

/** Index tokens of a text: words, CJK characters and CJK bigrams, each once, space separated. */
export function indexTokens(...texts: string[]): string {
  const tokens = new Set<string>();
  for (const text of texts) {
    for (const word of latinWords(text)) tokens.add(word);
    for (const run of cjkRuns(text)) {
      const chars = [...run];
      chars.forEach((ch, i) => {
        tokens.add(ch);
        if (i + 1 < chars.length) tokens.add(ch + chars[i + 1]);
      });
    }
  }
  return [...tokens].join(' ');
}

/**
 * Query terms that all must match: the bigrams of each CJK run (or the character alone), and
 * Latin words, the last of which also matches as a prefix (so "popul" finds "population").
 */
export function queryTerms(q: string): string[] {
  const terms = new Set<string>();
  for (const run of cjkRuns(q)) {
    const chars = [...run];
    if (chars.length === 1) terms.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i]! + chars[i + 1]!);
  }
  const words = latinWords(q);
  words.forEach((w, i) => terms.add(i === words.length - 1 ? `${w}*` : w));
  return [...terms].slice(0, 32);
}
