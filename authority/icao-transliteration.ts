/**
 * ICAO 9303-3 §6 transliteration of national characters into the MRZ alphabet (A–Z, 0–9, <).
 * Where the table allows more than one rendering (Ä → AE or A, Ü → UE, U or UXX, Ñ → N or NXX …)
 * every rendering is kept, because the issuing State chose one and the account does not say which.
 */
const LATIN: Record<string, readonly string[]> = {
  Ä: ['AE', 'A'],
  Å: ['AA', 'A'],
  Æ: ['AE'],
  Ĳ: ['IJ'],
  Ñ: ['N', 'NXX'],
  Ö: ['OE', 'O'],
  Ø: ['OE'],
  Œ: ['OE'],
  Ü: ['UE', 'U', 'UXX'],
  ß: ['SS'],
  ẞ: ['SS'],
  Þ: ['TH'],
  Ð: ['D'],
  Đ: ['D'],
  Ħ: ['H'],
  Ł: ['L'],
  Ŀ: ['L'],
  Ŋ: ['N'],
  I: ['I'],
  İ: ['I'],
  ı: ['I'],
};

// ICAO 9303-3 §6 Table B (Cyrillic); Г is H in Belarusian and Ukrainian names.
const CYRILLIC: Record<string, readonly string[]> = {
  А: ['A'], Б: ['B'], В: ['V'], Г: ['G', 'H'], Ґ: ['G'], Д: ['D'], Ѓ: ['G'], Ђ: ['D'], Е: ['E'],
  Ё: ['E'], Є: ['IE'], Ж: ['ZH'], З: ['Z'], Ѕ: ['DZ'], И: ['I'], І: ['I'], Ї: ['I'], Й: ['I'],
  Ј: ['J'], К: ['K'], Л: ['L'], Љ: ['LJ'], М: ['M'], Н: ['N'], Њ: ['NJ'], О: ['O'], П: ['P'],
  Р: ['R'], С: ['S'], Т: ['T'], Ћ: ['C'], Ќ: ['K'], У: ['U'], Ў: ['U'], Ф: ['F'], Х: ['KH'],
  Ц: ['TS'], Ч: ['CH'], Џ: ['DZ'], Ш: ['SH'], Щ: ['SHCH'], Ъ: ['IE'], Ы: ['Y'], Ь: [''],
  Э: ['E'], Ю: ['IU'], Я: ['IA'],
};

/** Possible MRZ renderings of one character of a name, in upper case. */
export function transliterations(ch: string): readonly string[] {
  const upper = ch.toLocaleUpperCase('en-US');
  if (/^[A-Z0-9]$/.test(upper)) return [upper];
  // ICAO 9303-3 §4.6: spaces and hyphens become fillers; apostrophes, commas and periods are omitted.
  if (/^[\s\-‐‑]$/u.test(ch)) return ['<'];
  if (/^['’,.]$/u.test(ch)) return [''];
  const table = LATIN[upper] ?? LATIN[ch] ?? CYRILLIC[upper];
  if (table) return table;
  // Other Latin letters with diacritics: the base letter (É → E, Č → C, Ș → S).
  const base = upper.normalize('NFD').replace(/\p{M}/gu, '');
  if (/^[A-Z]$/.test(base)) return [base];
  return [];
}

export class TransliterationError extends Error {
  readonly code = 'transliteration';
  constructor(message: string) {
    super(message);
    this.name = 'TransliterationError';
  }
}

/** Per-character alternatives of a whole name component, whitespace collapsed. */
export function transliterationPattern(name: string): (readonly string[])[] {
  const chars = [...name.normalize('NFC').trim().replace(/\s+/gu, ' ')];
  return chars.map((ch) => {
    const alts = transliterations(ch);
    if (alts.length === 0) throw new TransliterationError(`no ICAO 9303-3 transliteration for ${JSON.stringify(ch)}`);
    return alts;
  });
}

/**
 * Whether `mrz` is a transliteration of `name` (`prefixOnly`: of a leading part of it, i.e. a
 * truncation). Dynamic programming over (position in name, position in mrz).
 */
export function matchesTransliteration(name: string, mrz: string, prefixOnly = false): boolean {
  const pattern = transliterationPattern(name);
  const memo = new Map<number, boolean>();
  const width = mrz.length + 1;
  const walk = (i: number, j: number): boolean => {
    if (j === mrz.length) return prefixOnly || i === pattern.length;
    if (i === pattern.length) return false;
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let ok = false;
    for (const alt of pattern[i]!) {
      if (mrz.startsWith(alt, j) && walk(i + 1, j + alt.length)) {
        ok = true;
        break;
      }
      // A truncation may cut through a multi-letter rendering (Ж → Z of ZH).
      if (prefixOnly && alt.length > 1 && alt.startsWith(mrz.slice(j)) && mrz.length - j < alt.length) {
        ok = true;
        break;
      }
    }
    memo.set(key, ok);
    return ok;
  };
  return walk(0, 0);
}
