import { describe, expect, it } from 'vitest';
import { ApduError } from '../apdu/status-words';
import { CardStatusError, IcaoError } from './errors';

describe('CardStatusError', () => {
  it('is an ICAO error with the status word named as the APDU layer names it', () => {
    const e = new CardStatusError(0x6982, 'READ BINARY DG2 at 0');
    expect(e).toBeInstanceOf(IcaoError);
    expect(e.code).toBe('card-status');
    expect(e.sw).toBe(0x6982);
    expect(e.status).toBe(new ApduError(0x69, 0x82).code);
    expect(e.status).toBe('security-status-not-satisfied');
    expect(e.message).toBe('READ BINARY DG2 at 0: SW 6982 (security-status-not-satisfied)');
    expect(e.name).toBe('CardStatusError');
  });

  it('names counter warnings and unknown words too', () => {
    expect(new CardStatusError(0x63c2, 'VERIFY').status).toBe(new ApduError(0x63, 0xc2).code);
    expect(new CardStatusError(0x6a82, 'SELECT').message).toContain('SW 6A82 (');
    expect(new CardStatusError(0x1234, 'X').status).toBe('sw-1234');
  });
});
