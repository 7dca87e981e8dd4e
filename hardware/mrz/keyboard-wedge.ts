/**
 * USB HID boot keyboard reports (HID 1.11 Appendix B: modifiers, reserved, six usage IDs from the
 * keyboard page 0x07) to text, for MRZ scanners in keyboard-wedge mode. US layout, as the
 * scanners emit; a key counts once when it first appears in a report.
 */
const UNSHIFTED: Record<number, string> = { 0x28: '\r', 0x58: '\r', 0x2c: ' ', 0x2d: '-', 0x2e: '=', 0x33: ';', 0x36: ',', 0x37: '.', 0x38: '/' };
const SHIFTED: Record<number, string> = { 0x28: '\r', 0x58: '\r', 0x2c: ' ', 0x2d: '_', 0x2e: '+', 0x33: ':', 0x36: '<', 0x37: '>', 0x38: '?' };
const SHIFTED_DIGITS = '!@#$%^&*()';
const LEFT_SHIFT = 0x02;
const RIGHT_SHIFT = 0x20;
const CAPS_LOCK = 0x39;

export function usageToCharacter(usage: number, shift: boolean, capsLock = false): string | undefined {
  if (usage >= 0x04 && usage <= 0x1d) {
    const letter = String.fromCharCode(97 + usage - 0x04);
    return shift !== capsLock ? letter.toUpperCase() : letter;
  }
  if (usage >= 0x1e && usage <= 0x27) {
    const index = usage - 0x1e;
    return shift ? SHIFTED_DIGITS[index] : String((index + 1) % 10);
  }
  // keypad digits 1..9, 0
  if (usage >= 0x59 && usage <= 0x62) return String((usage - 0x59 + 1) % 10);
  return (shift ? SHIFTED : UNSHIFTED)[usage];
}

export class KeyboardWedgeDecoder {
  #down = new Set<number>();
  #capsLock = false;

  /** One input report (8 bytes; a leading report ID is tolerated when the report is 9 bytes). */
  push(report: Uint8Array): string {
    const r = report.length === 9 ? report.subarray(1) : report;
    const modifiers = r[0] ?? 0;
    const shift = (modifiers & (LEFT_SHIFT | RIGHT_SHIFT)) !== 0;
    const keys = [...r.subarray(2, 8)].filter((k) => k > 0x03);
    let text = '';
    for (const key of keys) {
      if (this.#down.has(key)) continue;
      if (key === CAPS_LOCK) {
        this.#capsLock = !this.#capsLock;
        continue;
      }
      text += usageToCharacter(key, shift, this.#capsLock) ?? '';
    }
    this.#down = new Set(keys);
    return text;
  }
}
