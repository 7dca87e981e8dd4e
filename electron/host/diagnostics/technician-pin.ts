/**
 * The technician PIN that opens diagnostics. Only its scrypt hash is stored (in the kiosk
 * configuration, `diagnostics.pinHash`), as `scrypt$<log2 N>$<r>$<p>$<salt b64u>$<hash b64u>` so
 * that the cost can be raised later without invalidating existing hashes.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export class TechnicianPinError extends Error {
  override readonly name = 'TechnicianPinError';
  constructor(
    readonly code: 'pin-format' | 'pin-hash-format',
    message: string,
  ) {
    super(message);
  }
}

/** 6 to 12 digits: typed on the on-screen keypad, so digits only. */
export const PIN_PATTERN = /^[0-9]{6,12}$/;

export interface ScryptCost {
  log2N: number;
  r: number;
  p: number;
}

/** ~64 MiB and a few hundred milliseconds on a kiosk CPU: cheap once per entry, costly to brute-force. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { log2N: 16, r: 8, p: 1 };

const HASH_BYTES = 32;
const SALT_BYTES = 16;
const HASH_PATTERN = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{43})$/;

function derive(pin: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 128 * N * cost.r * cost.p + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(pin.normalize('NFKC'), salt, HASH_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export function assertPinFormat(pin: string): void {
  if (!PIN_PATTERN.test(pin)) throw new TechnicianPinError('pin-format', 'The technician PIN must be 6 to 12 digits.');
}

export async function hashTechnicianPin(pin: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  assertPinFormat(pin);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(pin, salt, cost);
  return `scrypt$${cost.log2N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export interface ParsedPinHash {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}

export function parsePinHash(stored: string): ParsedPinHash {
  const match = HASH_PATTERN.exec(stored);
  if (!match) throw new TechnicianPinError('pin-hash-format', 'diagnostics.pinHash is not an scrypt$… hash written by `kioskctl diagnostics set-pin`.');
  const [, log2N, r, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  const cost = { log2N: Number(log2N), r: Number(r), p: Number(p) };
  // Bounds keep a hand-edited configuration from asking for gigabytes of memory.
  if (cost.log2N < 10 || cost.log2N > 20 || cost.r < 1 || cost.r > 16 || cost.p < 1 || cost.p > 4) {
    throw new TechnicianPinError('pin-hash-format', 'diagnostics.pinHash has an scrypt cost outside the accepted bounds.');
  }
  return { cost, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/** Constant-time comparison of the derived key; a malformed PIN simply does not match. */
export async function verifyTechnicianPin(pin: string, stored: string): Promise<boolean> {
  const parsed = parsePinHash(stored);
  if (!PIN_PATTERN.test(pin)) return false;
  const candidate = await derive(pin, parsed.salt, parsed.cost);
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}
