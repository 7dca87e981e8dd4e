/**
 * Scans what the kiosk left on disk (its data folder: database, WAL, keys, logs) for personal
 * data: JPEG and JPEG 2000 images, the card's MRZ lines and document number, the holder's names.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface PersonalMarkers {
  /** Text that must not appear anywhere (MRZ lines, document number, names). */
  texts: string[];
}

const SIGNATURES: Array<{ name: string; bytes: number[] }> = [
  { name: 'JPEG (SOI + APP0/JFIF)', bytes: [0xff, 0xd8, 0xff, 0xe0] },
  { name: 'JPEG (SOI + APP1/Exif)', bytes: [0xff, 0xd8, 0xff, 0xe1] },
  { name: 'JPEG (SOI + DQT)', bytes: [0xff, 0xd8, 0xff, 0xdb] },
  { name: 'JPEG 2000 (JP2 box)', bytes: [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20] },
  { name: 'JPEG 2000 codestream (SOC + SIZ)', bytes: [0xff, 0x4f, 0xff, 0x51] },
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function indexOf(haystack: Buffer, needle: Buffer): number {
  return needle.length === 0 ? -1 : haystack.indexOf(needle);
}

/** Every finding as `file: what`; empty when nothing personal was left behind. */
export function scanForPersonalData(dir: string, markers: PersonalMarkers, extra: Array<{ name: string; content: Buffer }> = []): string[] {
  const findings: string[] = [];
  const items = [...files(dir).map((path) => ({ name: path, content: readFileSync(path) })), ...extra];
  for (const { name, content } of items) {
    for (const sig of SIGNATURES) if (indexOf(content, Buffer.from(sig.bytes)) >= 0) findings.push(`${name}: ${sig.name}`);
    for (const text of markers.texts) {
      if (text.length < 4) continue;
      // UTF-8 and UTF-16LE (SQLite may store either).
      if (indexOf(content, Buffer.from(text, 'utf8')) >= 0 || indexOf(content, Buffer.from(text, 'utf16le')) >= 0) findings.push(`${name}: "${text}"`);
    }
  }
  return findings;
}
