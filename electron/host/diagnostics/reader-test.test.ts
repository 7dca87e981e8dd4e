import { describe, expect, it } from 'vitest';
import { openCcidHidReader } from '../../../hardware/ccid/ccid-reader';
import { CcidHidSimulator } from '../../../fixtures/sim/ccid-hid-device';
import { TEST_CARD_ATR, TestCard } from '../../../fixtures/sim/test-card';
import { runReaderTest, statusWordMeaning } from './reader-test';

async function simulated(card?: TestCard) {
  const sim = new CcidHidSimulator(card ? { card } : {});
  const reader = await openCcidHidReader({ path: 'sim:ccid/test-card' }, { opener: sim.opener, pollIntervalMs: 0 });
  return { reader, close: () => reader.close() };
}

describe('runReaderTest', () => {
  it('powers the card, reports its ATR, and traces the two harmless commands byte for byte', async () => {
    const card = new TestCard();
    const result = await runReaderTest(() => simulated(card));
    expect(result.error).toBeNull();
    expect(result).toMatchObject({ connected: true, cardPresent: true });
    expect(result.atr?.hex).toBe(Buffer.from(TEST_CARD_ATR).toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 '));
    expect(result.testRead.map((r) => r.command)).toEqual(['SELECT eMRTD application', 'GET CHALLENGE']);
    expect(result.testRead[0]).toMatchObject({ sw: '9000', meaning: 'success' });
    expect(result.testRead[1]?.sw).toBe('9000');
    const commands = result.trace.filter((l) => l.direction === 'command').map((l) => l.hex);
    expect(commands).toEqual(['00 A4 04 0C 07 A0 00 00 02 47 10 01', '00 84 00 00 08']);
    // What the card saw is exactly what the trace shows: nothing else was sent.
    expect(card.received.map((c) => Buffer.from(c).toString('hex'))).toEqual(['00a4040c07a0000002471001', '0084000008']);
  });

  it('reports an empty reader without powering anything', async () => {
    const result = await runReaderTest(() => simulated());
    expect(result).toMatchObject({ connected: true, cardPresent: false, atr: null, testRead: [], error: null });
  });

  it('reports a reader that cannot be opened with its error code', async () => {
    const result = await runReaderTest(async () => {
      throw Object.assign(new Error('/dev/ttyUSB0: no such device'), { code: 'device-not-found' });
    });
    expect(result).toMatchObject({ connected: false, error: { code: 'device-not-found' } });
  });

  it('gives up on a reader that never answers, within the step timeout', async () => {
    const result = await runReaderTest(() => new Promise(() => {}), { stepTimeoutMs: 50 });
    expect(result.error?.code).toBe('timeout');
  });

  it('names common status words', () => {
    expect(statusWordMeaning(0x6a82)).toBe('file not found');
    expect(statusWordMeaning(0x9000)).toBe('success');
    expect(statusWordMeaning(0x6982)).toBe('security status not satisfied');
    expect(statusWordMeaning(0x6110)).toBe('16 more bytes available');
    expect(statusWordMeaning(0x1234)).toBe('unrecognised status');
  });
});
