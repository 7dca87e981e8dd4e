/** ICAO 9303-3 §4.9: weights 7, 3, 1; digits as themselves, A–Z as 10–35, filler '<' as 0. */
export function mrzCheckDigit(field: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < field.length; i += 1) {
    const c = field.charCodeAt(i);
    let value: number;
    if (c >= 48 && c <= 57) value = c - 48;
    else if (c >= 65 && c <= 90) value = c - 55;
    else if (c === 60) value = 0;
    else return undefined;
    sum += value * ([7, 3, 1][i % 3] ?? 0);
  }
  return String(sum % 10);
}
