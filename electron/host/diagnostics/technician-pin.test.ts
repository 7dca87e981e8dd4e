import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashTechnicianPin, parsePinHash, TechnicianPinError, verifyTechnicianPin } from './technician-pin';

// A low cost keeps the suite fast; the format carries the cost, so verification is unchanged.
const cheap = { log2N: 10, r: 8, p: 1 };

describe('technician PIN', () => {
  it('verifies the PIN it hashed and nothing else', async () => {
    const stored = await hashTechnicianPin('246810', cheap);
    expect(stored).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyTechnicianPin('246810', stored)).toBe(true);
    expect(await verifyTechnicianPin('246811', stored)).toBe(false);
    expect(await verifyTechnicianPin('2468100', stored)).toBe(false);
    expect(await verifyTechnicianPin('', stored)).toBe(false);
    expect(await verifyTechnicianPin('abcdef', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const a = await hashTechnicianPin('123456', cheap);
    const b = await hashTechnicianPin('123456', cheap);
    expect(a).not.toBe(b);
    expect(await verifyTechnicianPin('123456', b)).toBe(true);
  });

  it('uses the default cost (2^16) when none is given', async () => {
    const stored = await hashTechnicianPin('987654');
    expect(parsePinHash(stored).cost).toEqual({ log2N: 16, r: 8, p: 1 });
    expect(await verifyTechnicianPin('987654', stored)).toBe(true);
  });

  it('refuses PINs that are not 6 to 12 digits with a typed error', async () => {
    for (const pin of ['12345', '1234567890123', '12345a', ' 123456', '１２３４５６']) {
      await expect(hashTechnicianPin(pin, cheap)).rejects.toMatchObject({ name: 'TechnicianPinError', code: 'pin-format' });
    }
  });

  it('refuses malformed or out-of-bounds stored hashes with a typed error', () => {
    const salt = 'A'.repeat(22);
    const hash = 'B'.repeat(43);
    for (const bad of ['', 'plain', `scrypt$10$8$1$${salt}`, `bcrypt$10$8$1$${salt}$${hash}`, `scrypt$30$8$1$${salt}$${hash}`, `scrypt$10$99$1$${salt}$${hash}`, `scrypt$10$8$9$${salt}$${hash}`]) {
      expect(() => parsePinHash(bad), bad).toThrow(TechnicianPinError);
    }
  });

  it('never throws on arbitrary PIN input against a valid hash', async () => {
    const stored = await hashTechnicianPin('135790', cheap);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 20 }), async (pin) => (await verifyTechnicianPin(pin, stored)) === (pin === '135790')),
      { numRuns: 30 },
    );
  });
});
