import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { cmac } from '@noble/ciphers/aes.js';
import { concat } from './bytes';
import { IcaoError } from './errors';

/** Block ciphers of ICAO 9303-11 secure messaging (§9.8): 2-key 3DES and AES-128/192/256. */
export type SmCipherName = '3DES' | 'AES-128' | 'AES-192' | 'AES-256';

export function keyLength(cipher: SmCipherName): number {
  switch (cipher) {
    case '3DES':
    case 'AES-128':
      return 16;
    case 'AES-192':
      return 24;
    case 'AES-256':
      return 32;
  }
}

export function blockSize(cipher: SmCipherName): number {
  return cipher === '3DES' ? 8 : 16;
}

/** Sets the DES parity bit of every byte (odd parity), as the ICAO examples show their keys. */
function adjustParity(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key);
  for (let i = 0; i < out.length; i++) {
    const b = out[i]! & 0xfe;
    let ones = 0;
    for (let k = 1; k < 8; k++) ones += (b >> k) & 1;
    out[i] = b | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}

/** Key derivation function, ICAO 9303-11 §9.7.1: KDF(K, c) = H(K ‖ c) truncated to the key length. */
export function kdf(shared: Uint8Array, counter: number, cipher: SmCipherName): Uint8Array {
  const c = Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff);
  const hashName = cipher === 'AES-192' || cipher === 'AES-256' ? 'sha256' : 'sha1';
  const h = new Uint8Array(createHash(hashName).update(concat(shared, c)).digest());
  const k = h.subarray(0, keyLength(cipher));
  return cipher === '3DES' ? adjustParity(k) : new Uint8Array(k);
}

/** ISO/IEC 9797-1 padding method 2: 80 00 … to a whole number of blocks. */
export function pad(data: Uint8Array, block: number): Uint8Array {
  const n = data.length + 1;
  const out = new Uint8Array(Math.ceil(n / block) * block);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Removes ISO/IEC 9797-1 padding method 2; undefined when the padding is not valid. */
export function unpad(data: Uint8Array): Uint8Array | undefined {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  if (i < 0 || data[i] !== 0x80) return undefined;
  return data.subarray(0, i);
}

function run(
  name: string,
  key: Uint8Array,
  iv: Uint8Array | null,
  data: Uint8Array,
  decrypt: boolean,
): Uint8Array {
  const c = decrypt ? createDecipheriv(name, key, iv) : createCipheriv(name, key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

function aesName(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new IcaoError('bad-argument', `AES key of ${key.length} bytes`);
  }
  return `aes-${key.length * 8}-${mode}`;
}

/** CBC encryption without padding (the caller pads). IV defaults to zero. */
export function cbcEncrypt(cipher: SmCipherName, key: Uint8Array, data: Uint8Array, iv?: Uint8Array): Uint8Array {
  const bs = blockSize(cipher);
  if (data.length % bs !== 0) throw new IcaoError('bad-argument', 'CBC input is not block aligned');
  const v = iv ?? new Uint8Array(bs);
  return cipher === '3DES' ? run('des-ede-cbc', key, v, data, false) : run(aesName(key, 'cbc'), key, v, data, false);
}

export function cbcDecrypt(cipher: SmCipherName, key: Uint8Array, data: Uint8Array, iv?: Uint8Array): Uint8Array {
  const bs = blockSize(cipher);
  if (data.length % bs !== 0) throw new IcaoError('bad-argument', 'CBC input is not block aligned');
  const v = iv ?? new Uint8Array(bs);
  return cipher === '3DES' ? run('des-ede-cbc', key, v, data, true) : run(aesName(key, 'cbc'), key, v, data, true);
}

/** One-block AES-ECB encryption (the SM IV is E(KSenc, SSC), ICAO 9303-11 §9.8.6.2). */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return run(aesName(key, 'ecb'), key, null, block, false);
}

/**
 * ISO/IEC 9797-1 MAC algorithm 3 with DES ("retail MAC"), over already padded data:
 * single-DES CBC with K1, then the last block through 3DES (K1, K2, K1).
 */
export function retailMac(key: Uint8Array, padded: Uint8Array): Uint8Array {
  if (key.length !== 16 || padded.length % 8 !== 0 || padded.length === 0) {
    throw new IcaoError('bad-argument', 'retail MAC needs a 16-byte key and block-aligned input');
  }
  const k1 = key.subarray(0, 8);
  // DES with K1 is 3DES with K1 ‖ K1 (EDE collapses to a single encryption).
  const singleKey = concat(k1, k1);
  let h: Uint8Array = new Uint8Array(8);
  const head = padded.subarray(0, padded.length - 8);
  if (head.length > 0) {
    const c = run('des-ede-cbc', singleKey, new Uint8Array(8), head, false);
    h = c.subarray(c.length - 8);
  }
  const last = padded.subarray(padded.length - 8);
  const x = new Uint8Array(8);
  for (let i = 0; i < 8; i++) x[i] = h[i]! ^ last[i]!;
  return run('des-ede-ecb', key, null, x, false);
}

/** The SM / PACE MAC: retail MAC for 3DES (input padded), AES-CMAC truncated to 8 bytes (no padding). */
export function mac(cipher: SmCipherName, key: Uint8Array, data: Uint8Array): Uint8Array {
  if (cipher === '3DES') return retailMac(key, pad(data, 8));
  return cmac(data, key).subarray(0, 8);
}
