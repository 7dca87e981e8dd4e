import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CardReader, CardReaderEvents } from '../../../hardware/ccid/ccid-reader';
import { CcidFrameError, CcidTimeoutError } from '../../../hardware/ccid/errors';
import { DeviceUnpluggedError, TransportClosedError } from '../../../hardware/transport/errors';
import { TypedEmitter } from '../../../hardware/transport/typed-emitter';
import { ReaderUnavailableError } from '../session/services';
import { createChipDocumentReader, judgePresenceFailure, READER_UNRESPONSIVE_GRACE_MS, rejectionFor } from './chip-document-reader';

describe('rejectionFor: ICAO 9303-11 §5.1 failures in words the citizen can act on', () => {
  it('calls altered data tampering', () => {
    expect(rejectionFor(['dg-hash-mismatch'])).toBe('tampered');
    expect(rejectionFor(['sod-signature-invalid', 'unknown-csca'])).toBe('tampered');
  });
  it('calls a signer chain that does not reach a trusted CSCA an untrusted issuer', () => {
    expect(rejectionFor(['unknown-csca'])).toBe('untrusted-issuer');
    expect(rejectionFor(['dsc-revoked'])).toBe('untrusted-issuer');
    expect(rejectionFor(['dsc-expired'])).toBe('untrusted-issuer');
  });
  it('calls structural problems unreadable or unsupported', () => {
    expect(rejectionFor(['sod-malformed'])).toBe('unreadable');
    expect(rejectionFor(['sod-unsupported-algorithm'])).toBe('unsupported');
  });
});

describe('chip document reader on the CCID-serial simulator (pseudo-terminal) with a virtual chip', () => {
  it('reads and verifies a genuine card, resuming after it was lifted mid-read', { timeout: 30_000 }, async () => {
    const { startSimulatedReader } = await import('../../dev/dev-environment');
    const { readerOpener } = await import('./compose');
    const { createChipDocumentReader } = await import('./chip-document-reader');
    const { getTestPki } = await import('../../../fixtures/pki/test-pki');
    const sim = await startSimulatedReader('utopia-genuine');
    const open = readerOpener(sim.uri, 100);
    let opened: Awaited<ReturnType<typeof open>> | undefined;
    try {
      const pki = await getTestPki();
      const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
      const csca = { version: 'test', certificates: [b64u(pki.csca.certificate)], crls: [b64u(pki.crl)] };
      const reader = createChipDocumentReader({ reader: async () => (opened ??= await open()) });
      const d = sim.card.profile.document;
      const progress: number[] = [];
      const request = {
        accessKey: { kind: 'mrz' as const, documentNumber: d.documentNumber, birthDate: d.birthDate, expiryDate: d.expiryDate },
        aaChallenge: '0011223344556677',
        csca,
        signal: new AbortController().signal,
        onProgress: (p: { bytesRead: number }) => progress.push(p.bytesRead),
      };
      expect(await reader.readDocument({ ...request, accessKey: null })).toEqual({ kind: 'access-key-needed', accessKind: 'mrz' });
      sim.liftAfter(18);
      expect((await reader.readDocument(request)).kind).toBe('removed');
      const readBeforeLift = Math.max(...progress);
      sim.insert();
      progress.length = 0;
      const outcome = await reader.readDocument(request);
      expect(outcome.kind).toBe('ok');
      if (outcome.kind !== 'ok') return;
      // Resumed: fragments read before the lift come from the cache at once (several 223-byte
      // READ BINARY fragments in one step), not again from the chip.
      expect(readBeforeLift).toBeGreaterThan(446);
      expect(progress.find((p) => p > 22)).toBeGreaterThan(446);
      expect(outcome.document).toMatchObject({ kind: 'icao9303', pa: { result: 'valid' }, chip_auth: { result: 'valid' } });
      expect(outcome.portrait.format).toBe('image/jpeg');
      expect(outcome.documentNumber).toBe(d.documentNumber);
    } finally {
      await opened?.close();
      await sim.close();
    }
  });
});

describe('judgePresenceFailure: a reader that missed a poll is not a reader that is gone', () => {
  it('polls again after a timeout or framing error while the grace lasts', () => {
    expect(judgePresenceFailure(new CcidTimeoutError('ack', 300), 0, 5_000)).toBe('poll-again');
    expect(judgePresenceFailure(new CcidTimeoutError('response', 5_000), 4_999, 5_000)).toBe('poll-again');
    expect(judgePresenceFailure(new CcidFrameError('checksum', 3), 1_000, 5_000)).toBe('poll-again');
  });
  it('gives up once the failures have lasted the grace', () => {
    expect(judgePresenceFailure(new CcidTimeoutError('ack', 300), 5_000, 5_000)).toBe('gone');
    expect(judgePresenceFailure(new CcidTimeoutError('ack', 300), 60_000)).toBe('gone');
  });
  it('takes an unplugged or closed reader, or an unknown failure, as gone at once', () => {
    expect(judgePresenceFailure(new DeviceUnpluggedError('/dev/ttyUSB0'), 0)).toBe('gone');
    expect(judgePresenceFailure(new TransportClosedError('ccid reader'), 0)).toBe('gone');
    expect(judgePresenceFailure(new Error('something else'), 0)).toBe('gone');
    expect(judgePresenceFailure(undefined, 0)).toBe('gone');
  });
  it('has a grace of a few seconds', () => {
    expect(READER_UNRESPONSIVE_GRACE_MS).toBeGreaterThanOrEqual(2_000);
    expect(READER_UNRESPONSIVE_GRACE_MS).toBeLessThanOrEqual(10_000);
  });
});

/** A reader whose presence polls answer from a script: true/false, or an error to throw. */
class ScriptedPresence extends TypedEmitter<CardReaderEvents> implements CardReader {
  polls = 0;
  constructor(private readonly answer: (poll: number) => boolean | Error) {
    super();
  }
  async cardPresent(): Promise<boolean> {
    this.polls += 1;
    const a = this.answer(this.polls);
    if (a instanceof Error) throw a;
    return a;
  }
  insert(): void {
    this.emit('card-inserted');
  }
  powerOn(): never {
    throw new Error('not used');
  }
  powerOff(): never {
    throw new Error('not used');
  }
  transmit(): never {
    throw new Error('not used');
  }
  async close(): Promise<void> {}
}

describe('waitForCard with a reader that stops answering for a moment', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const service = (reader: CardReader) =>
    createChipDocumentReader({ reader: async () => reader, pollMs: 100, unresponsiveGraceMs: 2_000, now: () => new Date(Date.now()) });

  it('keeps waiting through failed polls and returns once the card is seen', async () => {
    const reader = new ScriptedPresence((poll) => (poll <= 5 ? new CcidTimeoutError('ack', 300) : poll >= 8));
    let done = false;
    const waiting = service(reader).waitForCard(new AbortController().signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(650);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(300);
    await waiting;
    expect(reader.polls).toBe(8);
  });

  it('returns at once when the reader reports the card inserted between polls', async () => {
    const reader = new ScriptedPresence((poll) => (poll === 1 ? new CcidTimeoutError('ack', 300) : true));
    let done = false;
    const waiting = service(reader).waitForCard(new AbortController().signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(done).toBe(false);
    reader.insert();
    // Well before the next poll (100 ms): the notification ends the pause.
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    await waiting;
    expect(reader.polls).toBe(2);
  });

  it('reports the reader unavailable after the grace of failures in a row', async () => {
    const reader = new ScriptedPresence(() => new CcidTimeoutError('response', 5_000));
    const outcome = service(reader).waitForCard(new AbortController().signal).then(
      () => 'returned',
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(1_900);
    await vi.advanceTimersByTimeAsync(300);
    expect(await outcome).toBeInstanceOf(ReaderUnavailableError);
    expect(reader.polls).toBeGreaterThanOrEqual(20);
  });

  it('a success in between starts the grace again', async () => {
    const reader = new ScriptedPresence((poll) => (poll === 40 ? true : poll % 15 === 0 ? false : new CcidTimeoutError('ack', 300)));
    await expect(
      (async () => {
        const waiting = service(reader).waitForCard(new AbortController().signal);
        await vi.advanceTimersByTimeAsync(5_000);
        await waiting;
      })(),
    ).resolves.toBeUndefined();
    expect(reader.polls).toBe(40);
  });

  it('reports an unplugged reader at once', async () => {
    const reader = new ScriptedPresence(() => new DeviceUnpluggedError('/dev/ttyUSB0'));
    await expect(service(reader).waitForCard(new AbortController().signal)).rejects.toBeInstanceOf(ReaderUnavailableError);
    expect(reader.polls).toBe(1);
  });
});
