import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScreenState } from './screen-state';
import { PORTRAIT_DATA, SECRET_DOCUMENT_NUMBER, faceDecision, fakeOpenedSession, fakeServices, okDocument } from './fakes';
import { CitizenSession } from './session-service';

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('citizen session machine', () => {
  let fake: ReturnType<typeof fakeServices>;
  let session: CitizenSession;
  let screens: ScreenState[];
  beforeEach(() => {
    vi.useFakeTimers();
    fake = fakeServices();
    session = new CitizenSession(fake.services, { timeouts: { result: 5000 } }).start();
    screens = [];
    session.onScreenState((s) => screens.push(s));
  });
  afterEach(() => {
    session.stop();
    vi.useRealTimers();
  });

  const toBinding = async () => {
    session.send({ type: 'START' });
    expect(session.screenState().screen).toBe('consent');
    session.send({ type: 'ACCEPT_CONSENT' });
    await settle();
    expect(session.screenState().screen).toBe('binding');
  };
  const toFace = async () => {
    await toBinding();
    fake.bindViaApp();
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'face', attempt: 1, maxAttempts: 3 });
  };

  it('runs the whole flow (QR binding) and wipes personal data at the end', async () => {
    await toBinding();
    expect(session.screenState()).toMatchObject({ screen: 'binding', code: '', checking: false });
    fake.bindViaApp();
    await settle();
    expect(fake.readRequests[0]?.aaChallenge).toBe('0011223344556677');
    expect(session.faceReference()?.data).toBe(PORTRAIT_DATA);
    session.send({ type: 'FACE_DECISION', decision: faceDecision(0.8) });
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'result', outcome: 'success', receiptId: 'receipt-1' });
    // The attestation input: policy threshold and target FMR, consent time, our matcher.
    expect(fake.queued[0]?.bio).toMatchObject({ threshold: 0.5, target_fmr: 0.0001, decision: 'match', liveness: { result: 'live' } });
    expect(fake.queued[0]?.consent.text_version).toBe('consent-v1');
    await vi.advanceTimersByTimeAsync(5000);
    expect(session.screenState().screen).toBe('attract');
    const ctx = session.snapshot().context;
    expect([ctx.document, ctx.portrait, ctx.faceDecision, ctx.accessKey, ctx.opened]).toEqual([null, null, null, null, null]);
    expect(session.faceReference()).toBeUndefined();
    // Nothing personal reached the screen or the audit log.
    const shown = JSON.stringify(screens) + JSON.stringify(fake.recorded);
    expect(shown).not.toContain(SECRET_DOCUMENT_NUMBER);
    expect(shown).not.toContain(PORTRAIT_DATA);
    expect(shown).not.toContain('ZHANG');
    expect(fake.recorded.map((e) => e.kind)).toEqual(['session-opened', 'session-bound', 'card-read', 'match-decision', 'session-ended']);
    expect(screens.map((s) => s.screen)).toEqual(expect.arrayContaining(['consent', 'opening', 'binding', 'card', 'face', 'submitting', 'result', 'attract']));
  });

  it('binds with the 8-digit code, showing a wrong code and the tries left', async () => {
    await toBinding();
    for (const k of ['1', '1', '1', '1', '1', '1', '1', '1'] as const) session.send({ type: 'KEYPAD', key: k });
    session.send({ type: 'SUBMIT_CODE' });
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'binding', code: '', codeError: 'bad-code', triesLeft: 4 });
    session.send({ type: 'SUBMIT_CODE' });
    expect(session.screenState()).toMatchObject({ checking: false });
    for (const k of ['1', '2', '3', '4', '5', '6', '7', '8'] as const) session.send({ type: 'KEYPAD', key: k });
    session.send({ type: 'SUBMIT_CODE' });
    await settle();
    expect(session.screenState().screen).toBe('face');
    expect(fake.recorded.find((e) => e.kind === 'session-bound')).toMatchObject({ via: 'code' });
  });

  it('asks for the CAN when the chip needs it, and passes it to the reader', async () => {
    fake.reads.push({ kind: 'access-key-needed', accessKind: 'can' });
    await toBinding();
    fake.bindViaApp();
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'access-key', kind: 'can', error: null });
    session.send({ type: 'SUBMIT_ACCESS_KEY', input: { kind: 'can', can: '123456' } });
    await settle();
    expect(fake.readRequests[1]?.accessKey).toEqual({ kind: 'can', can: '123456' });
    expect(session.screenState().screen).toBe('face');
    expect(session.snapshot().context.accessKey).toBeNull();
  });

  it('refers to staff after three wrong access keys', async () => {
    fake.reads.push({ kind: 'access-key-needed', accessKind: 'mrz' }, ...Array.from({ length: 3 }, () => ({ kind: 'access-denied' as const, accessKind: 'mrz' as const })));
    await toBinding();
    fake.bindViaApp();
    await settle();
    for (let i = 0; i < 3; i += 1) {
      session.send({ type: 'SUBMIT_ACCESS_KEY', input: { kind: 'mrz', documentNumber: 'X1', birthDate: '900101', expiryDate: '300101' } });
      await settle();
    }
    expect(session.screenState()).toMatchObject({ screen: 'result', outcome: 'referral', reason: 'access-denied' });
  });

  it('retries the face up to the limit, then refers to staff', async () => {
    await toFace();
    session.send({ type: 'FACE_DECISION', decision: faceDecision(0.2) });
    expect(session.screenState()).toMatchObject({ screen: 'face', attempt: 2, lastOutcome: 'no-match' });
    session.send({ type: 'FACE_DECISION', decision: faceDecision(0.9, false) });
    expect(session.screenState()).toMatchObject({ screen: 'face', attempt: 3, lastOutcome: 'not-live' });
    session.send({ type: 'FACE_DECISION', decision: faceDecision(0.1) });
    expect(session.screenState()).toMatchObject({ screen: 'result', outcome: 'referral', reason: 'no-match' });
    expect(fake.queued).toHaveLength(0);
    expect(fake.recorded.filter((e) => e.kind === 'match-decision').map((e) => (e as { decision: string }).decision)).toEqual(['no-match', 'liveness-failed', 'no-match']);
  });

  it('goes back to waiting when the card is removed mid-read', async () => {
    fake.reads.push(() => new Promise(() => undefined));
    await toBinding();
    fake.bindViaApp();
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'card', phase: 'reading', progress: { bytesRead: 100, bytesTotal: 1000 } });
    fake.removeCard();
    await settle();
    expect(session.screenState().screen).toBe('face');
    expect(fake.readRequests).toHaveLength(2);
  });

  it.each([
    ['consent', 60_000],
    ['binding', 300_000],
  ])('times out in %s and returns to attract', async (where, ms) => {
    session.send({ type: 'START' });
    if (where === 'binding') {
      session.send({ type: 'ACCEPT_CONSENT' });
      await settle();
    }
    await vi.advanceTimersByTimeAsync(ms - 10);
    expect(session.screenState().screen).not.toBe('attract');
    await vi.advanceTimersByTimeAsync(20);
    expect(session.screenState().screen).toBe('attract');
  });

  it('goes out of service when the authority does not answer the session opening', async () => {
    fake.services.authority.openSession = () => new Promise(() => undefined);
    session.send({ type: 'START' });
    session.send({ type: 'ACCEPT_CONSENT' });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(session.screenState()).toMatchObject({ screen: 'out-of-service', reason: 'authority' });
  });

  it('times out on the face step and wipes the portrait', async () => {
    await toFace();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(session.screenState().screen).toBe('attract');
    expect(session.snapshot().context.portrait).toBeNull();
  });

  it('cancel from any step wipes the session', async () => {
    await toFace();
    session.send({ type: 'CANCEL' });
    expect(session.screenState().screen).toBe('attract');
    expect(session.snapshot().context.document).toBeNull();
  });

  it('goes out of service when the camera is lost, and back when it returns', async () => {
    await toFace();
    session.send({ type: 'DEVICE_FAULT', fault: 'camera-lost' });
    expect(session.screenState()).toMatchObject({ screen: 'out-of-service', reason: 'camera' });
    expect(session.snapshot().context.portrait).toBeNull();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(session.screenState().screen).toBe('out-of-service');
    session.send({ type: 'DEVICE_FAULT', fault: 'camera-ok' });
    expect(session.screenState().screen).toBe('attract');
    session.send({ type: 'DEVICE_FAULT', fault: 'camera-lost' });
    session.send({ type: 'START' });
    expect(session.screenState()).toMatchObject({ screen: 'out-of-service', reason: 'camera' });
  });

  it('says the matcher is not approved before the citizen presents anything', async () => {
    fake.setOpened(fakeOpenedSession({ matchers: [{ name: 'other', version: '9', model_sha256: 'X'.repeat(43), threshold: 0.3 }] }));
    session.send({ type: 'START' });
    session.send({ type: 'ACCEPT_CONSENT' });
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'out-of-service', reason: 'matcher-not-approved' });
    expect(fake.readRequests).toHaveLength(0);
  });

  it('shows "queued" when the authority cannot be reached, and maps final rejections', async () => {
    fake.setDelivery({ state: 'pending' });
    await toFace();
    session.send({ type: 'FACE_DECISION', decision: faceDecision() });
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'result', outcome: 'queued' });
    session.send({ type: 'CANCEL' });
    fake.setDelivery({ state: 'rejected', problem: 'holder-mismatch' });
    await toFace();
    session.send({ type: 'FACE_DECISION', decision: faceDecision() });
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'result', outcome: 'failure', reason: 'holder-mismatch', canRetry: false });
  });

  it('shows "queued" when delivery takes longer than the submitting bound', async () => {
    fake.setDelivery(() => new Promise(() => undefined));
    await toFace();
    session.send({ type: 'FACE_DECISION', decision: faceDecision() });
    await settle();
    expect(session.screenState().screen).toBe('submitting');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(session.screenState()).toMatchObject({ screen: 'result', outcome: 'queued' });
  });

  it('goes out of service when the decision cannot be stored', async () => {
    fake.failQueue();
    await toFace();
    session.send({ type: 'FACE_DECISION', decision: faceDecision() });
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'out-of-service', reason: 'internal' });
  });

  it('goes out of service (not crash) when the audit log cannot be written', async () => {
    fake.services.recorder.record = () => {
      throw Object.assign(new Error('disk full'), { code: 'store-full' });
    };
    session.send({ type: 'START' });
    session.send({ type: 'ACCEPT_CONSENT' });
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'out-of-service', reason: 'internal' });
    expect(session.snapshot().status).toBe('active');
  });

  it('refuses a forged or non-genuine document with its reason', async () => {
    fake.reads.push({ kind: 'rejected', reason: 'tampered' });
    await toBinding();
    fake.bindViaApp();
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'result', outcome: 'failure', reason: 'tampered', canRetry: false });
    expect(fake.recorded.at(-2)).toMatchObject({ kind: 'card-read', result: 'not-genuine', error: 'tampered' });
  });

  it('lets the citizen retry an unreadable card', async () => {
    fake.reads.push(() => Promise.reject(new Error('transmission error')), okDocument());
    await toBinding();
    fake.bindViaApp();
    await settle();
    expect(session.screenState()).toMatchObject({ screen: 'result', outcome: 'failure', reason: 'unreadable', canRetry: true });
    session.send({ type: 'RETRY' });
    await settle();
    expect(session.screenState().screen).toBe('face');
  });
});
