import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IcaoError } from './errors';
import { documentCacheKey, readChip } from './read-chip';

const mrz = { documentNumber: 'L898902C', dateOfBirth: '690806', dateOfExpiry: '940623' };

describe('readChip against a chip that answers nonsense', () => {
  it('property: arbitrary R-APDUs end the session with a typed error, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 64 }),
            fc.uint8Array({ maxLength: 40 }).map((b) => Uint8Array.of(...b, 0x90, 0x00)),
            fc.constantFrom(Uint8Array.of(0x90, 0x00), Uint8Array.of(0x6a, 0x82), Uint8Array.of(0x69, 0x88)),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        fc.boolean(),
        async (responses, useCan) => {
          let i = 0;
          const transceiver = { transmit: async () => responses[i++ % responses.length]! };
          try {
            await readChip(transceiver, { access: useCan ? { can: '123456' } : { mrz }, files: ['DG1'], chipAuthentication: true, aaChallenge: new Uint8Array(8) });
            return false; // nonsense never authenticates
          } catch (e) {
            return e instanceof IcaoError;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: a chip that announces PACE and then answers nonsense fails with a typed error', async () => {
    // ICAO 9303-11 Appendix G.1 EF.CardAccess (ECDH-GM, AES-128, brainpoolP256r1), then arbitrary answers.
    const cardAccess = Uint8Array.from(Buffer.from('31143012060A04007F0007020204020202010202010D9000', 'hex'));
    const gaLike = fc
      .tuple(fc.constantFrom(0x80, 0x82, 0x84, 0x86, 0x8a), fc.uint8Array({ maxLength: 70 }))
      .map(([tag, v]) => Uint8Array.of(0x7c, v.length + 2, tag, v.length, ...v, 0x90, 0x00));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(gaLike, fc.uint8Array({ maxLength: 40 }), fc.constant(Uint8Array.of(0x90, 0x00))), { minLength: 1, maxLength: 8 }), async (responses) => {
        let i = 0;
        const transceiver = { transmit: async () => (i++ === 0 ? cardAccess : responses[(i - 2) % responses.length]!) };
        try {
          await readChip(transceiver, { access: { mrz }, policy: { paceFirst: true, bacFallback: false }, files: ['DG1'], chipAuthentication: false });
          return false;
        } catch (e) {
          return e instanceof IcaoError;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the cache key does not contain the MRZ', () => {
    const key = documentCacheKey({ mrz });
    expect(key).not.toContain('L898902C');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(documentCacheKey({ mrz })).toBe(key);
    expect(documentCacheKey({ can: '123456' })).not.toBe(key);
  });
});
