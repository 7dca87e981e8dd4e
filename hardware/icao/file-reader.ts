import { concat } from './bytes';
import type { ChipChannel } from './channel';
import { CardStatusError, IcaoError } from './errors';
import { chipFileId, type ChipFileName } from './files';
import { readTlv, tlv, tlvTotalLength } from './tlv';

/**
 * Bytes already read per (document, file), so a read interrupted by the card being lifted
 * resumes where it stopped when the same document is presented again. Held in memory only.
 */
export interface FragmentCache {
  get(document: string, file: ChipFileName): Uint8Array | undefined;
  set(document: string, file: ChipFileName, bytes: Uint8Array): void;
}

export class MemoryFragmentCache implements FragmentCache {
  private readonly map = new Map<string, Uint8Array>();
  get(document: string, file: ChipFileName): Uint8Array | undefined {
    return this.map.get(`${document}/${file}`);
  }
  set(document: string, file: ChipFileName, bytes: Uint8Array): void {
    this.map.set(`${document}/${file}`, bytes);
  }
  clear(): void {
    this.map.clear();
  }
}

/** Largest plain READ BINARY under SM that keeps the protected response within a short APDU (256 bytes). */
export const MAX_SM_READ = 223;

export interface ReadFileOptions {
  cache?: FragmentCache;
  document?: string;
  onBytes?(file: ChipFileName, read: number, total: number | undefined): void;
  /** Largest Le per READ BINARY; defaults to 223 under SM, 256 in plain. */
  maxRead?: number;
}

/** SELECT EF by file identifier (ICAO 9303-10 §3.6.2: P1 02, P2 0C, no response data). */
export async function selectFile(channel: ChipChannel, fid: number, name: string): Promise<void> {
  const r = await channel.send({ cla: 0, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(fid >> 8, fid & 0xff) });
  if (r.sw === 0x6a82) throw new IcaoError('file-not-found', `${name} is not on the chip`);
  if (r.sw !== 0x9000) throw new CardStatusError(r.sw, `SELECT ${name}`);
}

export async function selectApplication(channel: ChipChannel, aid: Uint8Array): Promise<void> {
  const r = await channel.send({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x0c, data: aid });
  if (r.sw === 0x6a82) throw new IcaoError('file-not-found', 'eMRTD application not found');
  if (r.sw !== 0x9000) throw new CardStatusError(r.sw, 'SELECT eMRTD application');
}

type ReadResult = { data: Uint8Array; eof: boolean };

/** One READ BINARY; even INS (B0) below 32768, odd INS (B1, offset DO'54') above (ISO 7816-4 §11.3.3). */
async function readBinary(channel: ChipChannel, name: string, offset: number, le: number, sfi?: number): Promise<ReadResult> {
  let want = le;
  for (let attempt = 0; attempt < 3; attempt++) {
    let r;
    if (offset > 0x7fff) {
      const off = Uint8Array.of((offset >> 16) & 0xff, (offset >> 8) & 0xff, offset & 0xff);
      r = await channel.send({ cla: 0, ins: 0xb1, p1: 0, p2: 0, data: tlv(0x54, off[0] === 0 ? off.subarray(1) : off), le: want });
      if (r.sw === 0x9000 || r.sw === 0x6282) {
        const inner = r.data.length === 0 ? new Uint8Array(0) : readTlv(r.data).value;
        return { data: inner, eof: r.sw === 0x6282 };
      }
    } else {
      const p1 = sfi !== undefined && offset <= 0xff ? 0x80 | sfi : offset >> 8;
      const p2 = offset & 0xff;
      r = await channel.send({ cla: 0, ins: 0xb0, p1, p2, le: want });
      if (r.sw === 0x9000 || r.sw === 0x6282) return { data: r.data, eof: r.sw === 0x6282 };
    }
    // 6Cxx: wrong Le, xx is the right one (ISO 7816-4 §5.1.3).
    if ((r.sw & 0xff00) === 0x6c00) {
      want = r.sw & 0xff || 256;
      continue;
    }
    if (r.sw === 0x6b00) return { data: new Uint8Array(0), eof: true };
    if (r.sw === 0x6a82) throw new IcaoError('file-not-found', `${name} is not on the chip`);
    throw new CardStatusError(r.sw, `READ BINARY ${name} at ${offset}`);
  }
  throw new IcaoError('malformed-response', `READ BINARY ${name}: chip keeps asking for another Le`);
}

/**
 * Reads a whole EF (ICAO 9303-10 §3.6). The first chunk is read by SFI (selecting the file
 * implicitly) unless a cached prefix exists, in which case the file is selected by FID and the
 * read resumes at the cached offset.
 */
export async function readFile(channel: ChipChannel, name: ChipFileName, options: ReadFileOptions = {}): Promise<Uint8Array> {
  const id = chipFileId(name);
  const max = options.maxRead ?? (channel.sm ? MAX_SM_READ : 256);
  const doc = options.document;
  let have = (doc && options.cache?.get(doc, name)) || new Uint8Array(0);
  let total = have.length > 0 ? tlvTotalLength(have) : undefined;
  let useSfi = true;
  if (have.length > 0) {
    await selectFile(channel, id.fid, name);
    useSfi = false;
  }
  const chunks: Uint8Array[] = [have];
  let read = have.length;
  while (total === undefined || read < total) {
    // Odd-INS reads wrap the data in DO'53', whose header counts against Le.
    const overhead = read > 0x7fff ? 4 : 0;
    const le = total === undefined ? max : Math.min(max, total - read + overhead);
    const r = await readBinary(channel, name, read, le, useSfi ? id.sfi : undefined);
    useSfi = false;
    if (r.data.length === 0) break;
    chunks.push(r.data);
    read += r.data.length;
    have = concat(...chunks);
    chunks.length = 0;
    chunks.push(have);
    if (doc) options.cache?.set(doc, name, have);
    if (total === undefined) total = tlvTotalLength(have);
    options.onBytes?.(name, read, total);
    if (r.eof) break;
  }
  if (total !== undefined && read < total) {
    throw new IcaoError('malformed-response', `${name} ended after ${read} of ${total} bytes`);
  }
  return total !== undefined ? have.subarray(0, total) : have;
}
