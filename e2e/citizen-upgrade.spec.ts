/**
 * The upgrade end to end: the reference authority, the citizen's app approving the QR code, the
 * CCID-serial reader simulator with a virtual chip whose portrait is bbt_amy/1.jpg, and Chromium's
 * fake camera (a clip made from one photo). The chip, passive and active authentication, the
 * signed attestation, the outbox and the authority's receipt are all real.
 *
 * A clip made from a photo cannot blink or turn its head, so the live challenge refuses it, as it
 * must. The submission tests therefore hand the host a live decision over the contract (the call
 * the renderer makes after a live capture); the camera tests run the real face pipeline.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import Database from 'better-sqlite3';
import { kioskMatcher } from '../electron/host/kiosk/kiosk-matcher';
import { calibratedThreshold } from '../electron/dev/dev-environment';
import { makeClip } from '../fixtures/camera/make-clip';
import type { FaceDecision } from '../electron/common/session-state';
import { CLIPS_DIR, FACES_DIR, withCamera, expect, mrzOf, screen, shoot, startAndBind, test, typeMrz, type KioskUnderTest } from './citizen-world';

const otherPerson = join(CLIPS_DIR, 'bbt_penny-1-still.y4m');

test.use({ launchOptions: withCamera(otherPerson) });

test.beforeAll(() => {
  mkdirSync(CLIPS_DIR, { recursive: true });
  if (!existsSync(otherPerson)) makeClip(join(FACES_DIR, 'bbt_penny/1.jpg'), otherPerson, 'still', 4, 15, 0.7, 0.5);
});

/** What the renderer sends after a live capture of the card's holder (see the header). */
function liveMatch(): FaceDecision {
  const threshold = calibratedThreshold();
  return {
    matcher: kioskMatcher(),
    score: Math.min(1, threshold + 0.2),
    threshold,
    liveness: { method: 'challenge-blink-turn+planarity', result: 'live', score: 0.9 },
    capture: { frames: 5, camera: 'e2e camera' },
  };
}

function outboxReceipts(kiosk: KioskUnderTest): Array<{ state: string; receipt: string | null; receipt_id: string | null; jti: string }> {
  const db = new Database(join(kiosk.dataDir, 'kiosk.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT state, receipt, receipt_id, jti FROM outbox').all() as never;
  } finally {
    db.close();
  }
}

async function toFaceStep(kiosk: KioskUnderTest, world: Parameters<typeof startAndBind>[1], mrz: Parameters<typeof typeMrz>[1]): Promise<void> {
  await startAndBind(kiosk.page, world);
  await typeMrz(kiosk.page, mrz);
  await expect(screen(kiosk.page)).toHaveAttribute('data-screen', 'face', { timeout: 30_000 });
}

test.describe('upgrade', () => {
  test('happy path: QR approved, chip verified, live match, signed receipt, upgrade recorded once', async ({ world }, testInfo) => {
    const w = await world({ profile: 'utopia-genuine' });
    const kiosk = await w.open({ lang: 'en' });
    await toFaceStep(kiosk, w.citizen, mrzOf(w.reader));
    await shoot(kiosk.page, testInfo, 'face');
    await kiosk.call('sessionFaceDecision', liveMatch());
    await expect(screen(kiosk.page)).toHaveAttribute('data-screen', 'result-success', { timeout: 30_000 });
    const receiptId = (await kiosk.page.getByTestId('receipt-id').textContent())!;
    await shoot(kiosk.page, testInfo, 'result-success');

    // The receipt the kiosk holds verifies with the authority's published key and names our jti.
    const [entry] = outboxReceipts(kiosk);
    expect(entry?.state).toBe('delivered');
    expect(entry?.receipt_id).toBe(receiptId);
    const keys = (await (await fetch(`${w.authority.url}/v1/keys`)).json()) as { keys: never[] };
    expect(decodeProtectedHeader(entry!.receipt!).typ).toBe('upgrade-receipt+jwt');
    const { payload } = await compactVerify(entry!.receipt!, createLocalJWKSet({ keys: keys.keys }), { algorithms: ['ES256'] });
    const receipt = JSON.parse(new TextDecoder().decode(payload)) as { receipt_id: string; jti: string; result: string; account_id: string };
    expect(receipt).toMatchObject({ receipt_id: receiptId, jti: entry!.jti, result: 'upgraded', account_id: w.citizen.keyFile.account_id });
    // Recorded exactly once at the authority.
    const upgrades = w.authority.authority.store.listUpgrades().filter((u) => u.outcome === 'upgraded' || u.status === 201);
    expect(upgrades).toHaveLength(1);
  });

  test('authority down at submission: queued, then delivered exactly once when it is back', async ({ world }, testInfo) => {
    const w = await world({ profile: 'utopia-genuine' });
    const kiosk = await w.open({ lang: 'zh-CN' });
    await kiosk.page.getByRole('button', { name: 'English' }).click();
    await toFaceStep(kiosk, w.citizen, mrzOf(w.reader));
    w.authority.authority.faults.unavailableRetryAfter = 1;
    await kiosk.call('sessionFaceDecision', liveMatch());
    await expect(screen(kiosk.page)).toHaveAttribute('data-screen', 'result-queued', { timeout: 30_000 });
    await shoot(kiosk.page, testInfo, 'result-queued');
    expect(outboxReceipts(kiosk).map((e) => e.state)).toEqual(['pending']);

    w.authority.authority.faults.unavailableRetryAfter = null;
    await expect.poll(() => outboxReceipts(kiosk).map((e) => e.state), { timeout: 30_000 }).toEqual(['delivered']);
    const upgrades = w.authority.authority.store.listUpgrades().filter((u) => u.outcome === 'upgraded' || u.status === 201);
    expect(upgrades).toHaveLength(1);
    expect(upgrades[0]!.count).toBe(1);
  });

  test('a different person on the camera: no match, then referral to staff after the retry limit', async ({ world }, testInfo) => {
    test.setTimeout(150_000);
    // Liveness not required by this authority, so the matcher's own verdict decides.
    const w = await world({ profile: 'utopia-genuine', livenessRequired: false });
    const kiosk = await w.open({ lang: 'en', env: { KIOSK_SESSION__MAXFACEATTEMPTS: '2', KIOSK_SESSION__TIMEOUTSMS: JSON.stringify({ face: 60_000, result: 8_000 }) } });
    await toFaceStep(kiosk, w.citizen, mrzOf(w.reader));
    await expect(kiosk.page.getByTestId('face-prompt')).not.toHaveText('Starting the camera…', { timeout: 30_000 });
    await shoot(kiosk.page, testInfo, 'face-camera');
    await expect(kiosk.page.getByRole('alert')).toContainText('We could not confirm it is you', { timeout: 60_000 });
    await kiosk.page.screenshot({ path: testInfo.outputPath('face-retry-en.png') });
    await expect(screen(kiosk.page)).toHaveAttribute('data-screen', 'result-referral', { timeout: 60_000 });
    await expect(kiosk.page.getByTestId('failure-reason')).toHaveAttribute('data-reason', 'no-match');
    await shoot(kiosk.page, testInfo, 'result-referral');
    // Both attempts were judged on the matcher's real score of the camera frames against the chip
    // portrait (the audit log keeps decisions, never images): a real, low similarity.
    const db = new Database(join(kiosk.dataDir, 'kiosk.db'), { readonly: true, fileMustExist: true });
    const decisions = (db.prepare('SELECT leaf FROM audit_leaf ORDER BY leaf_index').all() as Array<{ leaf: string }>)
      .map((row) => JSON.parse(row.leaf) as { kind: string; decision?: string; score?: number })
      .filter((event) => event.kind === 'match-decision');
    db.close();
    expect(decisions).toHaveLength(2);
    for (const d of decisions) {
      expect(d.score).toBeGreaterThan(0);
      expect(d.score).toBeLessThan(calibratedThreshold());
    }
    expect(outboxReceipts(kiosk)).toEqual([]);
    expect(w.authority.authority.store.listUpgrades()).toEqual([]);
  });

  test.fixme('happy path through the camera: the same person live on the fake camera reaches the success screen', async () => {
    // Fixme, precisely: Chromium's fake camera plays a clip made from ONE photo of the holder
    // (fixtures/camera/make-clip.ts: still / handheld / replay). A photo cannot blink or turn its
    // head, so the randomised live challenge (renderer/face/liveness.ts) refuses it, as it must,
    // and the host never attests a decision that is not live. This test needs a clip of a real
    // person performing the challenge, which the data set (/work/shared/data/faces: still photos)
    // does not have. The submission path after a live decision is covered by the tests above.
  });
});
