import { describe, expect, it } from 'vitest';
import { rejectionFor } from './chip-document-reader';

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
