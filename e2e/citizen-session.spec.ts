/**
 * The citizen session on the real chain (reference authority, CCID-serial reader simulator on a
 * pseudo-terminal, virtual chip, a camera playing the holder's photo): every screen in both
 * languages, resume after the card is lifted, a camera slow to start, inactivity wipe, and
 * out-of-service that recovers by itself.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { makeClip } from '../fixtures/camera/make-clip';
import { cameraFailsAtFirst, CLIPS_DIR, FACES_DIR, expect, mrzOf, recordScreens, screen, shoot, startAndBind, test, typeMrz, withCamera } from './citizen-world';

// The kiosk has a camera, as a real one does: the card holder's photo, still, on Chromium's file camera.
const holderClip = join(CLIPS_DIR, 'bbt_amy-2-still.y4m');
test.use({ launchOptions: withCamera(holderClip) });

test.beforeAll(() => {
  mkdirSync(CLIPS_DIR, { recursive: true });
  if (!existsSync(holderClip)) makeClip(join(FACES_DIR, 'bbt_amy/2.jpg'), holderClip, 'still', 4, 15, 0.7, 0.5);
});

/** Width of the frames in the face step's camera preview (0 until the camera delivers one). */
const cameraFrameWidth = (page: Page) => page.locator('video.camera-preview').evaluate((v: HTMLVideoElement) => v.videoWidth).catch(() => 0);

test.describe('citizen session', () => {
  test('screens in both languages: welcome, consent, binding with a wrong code, card, MRZ entry, lifted card resumed, refusal', async ({ world }, testInfo) => {
    const w = await world({ profile: 'utopia-dg1-tampered', inserted: false });
    const { page } = await w.open({ lang: 'en' });
    await expect(screen(page)).toHaveAttribute('data-screen', 'attract');
    await shoot(page, testInfo, 'attract');

    await page.getByRole('button', { name: 'Start' }).click();
    await expect(screen(page)).toHaveAttribute('data-screen', 'consent');
    await shoot(page, testInfo, 'consent');
    await page.getByRole('button', { name: 'I agree, continue' }).click();

    // The fallback code: a wrong one is refused with the tries left.
    await expect(page.getByTestId('session-qr')).toBeVisible();
    const keypad = page.getByRole('group', { name: 'Upgrade code' });
    for (const digit of '12345678') await keypad.getByRole('button', { name: digit, exact: true }).click();
    await expect(page.getByTestId('code-slots')).toContainText('12345678');
    await shoot(page, testInfo, 'binding');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByRole('alert')).toContainText('That code was not accepted');
    await expect(page.getByRole('alert')).toContainText('4 tries left');
    await shoot(page, testInfo, 'binding-bad-code');

    // The right code from the app binds the session.
    const { code } = await w.citizen.requestCode();
    for (const digit of code) await keypad.getByRole('button', { name: digit, exact: true }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(screen(page)).toHaveAttribute('data-screen', 'card');
    await expect(page.getByTestId('card-message')).toHaveText('Lay the card flat on the reader, photo side up, and leave it there.');
    await shoot(page, testInfo, 'card-waiting');

    w.reader.insert();
    await expect(screen(page)).toHaveAttribute('data-screen', 'access-key');
    await shoot(page, testInfo, 'access-key');

    // Lifted in the middle of the read: the screen asks for it back, then resumes.
    w.reader.liftAfter(18);
    await typeMrz(page, mrzOf(w.reader));
    await expect(page.getByTestId('card-message')).toHaveText('The card was moved. Put it back on the reader — we will continue where we stopped.', { timeout: 20_000 });
    await shoot(page, testInfo, 'card-removed');
    w.reader.insert();
    await expect(screen(page)).toHaveAttribute('data-screen', 'result-failure', { timeout: 30_000 });
    await expect(page.getByTestId('failure-reason')).toHaveAttribute('data-reason', 'tampered');
    await shoot(page, testInfo, 'result-failure');
  });

  test('a card lifted mid-read resumes where it stopped and reaches the face step', async ({ world }) => {
    const w = await world({ profile: 'utopia-genuine' });
    const { page } = await w.open({ lang: 'en' });
    const screens = await recordScreens(page);
    await startAndBind(page, w.citizen);
    w.reader.liftAfter(18);
    await typeMrz(page, mrzOf(w.reader));
    await expect(page.getByTestId('card-message')).toContainText('The card was moved', { timeout: 20_000 });
    const lifted = await screens.mark();
    w.reader.insert();
    // Back to reading promptly (within the default expect timeout), whatever the kiosk shows by the time we look.
    await expect.poll(async () => (await screens.since(lifted))[0]).toBe('card:reading');
    await expect.poll(() => screens.since(lifted), { timeout: 30_000 }).toContain('face');
    // Resumed, not restarted: straight from reading on to the face step — no second "put it back",
    // no access key asked again, no start over. (That the read continues from the fragments read
    // before the lift is checked in electron/host/kiosk/chip-document-reader.test.ts.)
    const after = await screens.since(lifted);
    for (const step of after.slice(0, after.indexOf('face'))) expect(step).toMatch(/^card:(reading|verifying)$/);
    // The kiosk's camera opens: the face step runs instead of going out of service.
    await expect.poll(() => cameraFrameWidth(page), { timeout: 20_000 }).toBeGreaterThan(0);
    const seen = await screens.since(lifted);
    expect(seen.slice(seen.indexOf('face'))).toEqual(['face']);
  });

  test('a camera that starts late: the face step waits for it instead of going out of service', async ({ world }) => {
    const w = await world({ profile: 'utopia-genuine' });
    const { page } = await w.open({ lang: 'en' });
    const screens = await recordScreens(page);
    // The camera's device list is empty for its first 3 s on the face step (a USB camera starting).
    await cameraFailsAtFirst(page, 3_000, 'NotFoundError');
    const start = await screens.mark();
    await startAndBind(page, w.citizen);
    await typeMrz(page, mrzOf(w.reader));
    await expect.poll(() => screens.since(start), { timeout: 30_000 }).toContain('face');
    await expect.poll(() => cameraFrameWidth(page), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { __cameraOpenings: number }).__cameraOpenings)).toBeGreaterThan(1);
    const seen = await screens.since(start);
    expect(seen.slice(seen.indexOf('face'))).toEqual(['face']);
  });

  test('a camera that is listed but will not open: out of service until it opens, without cycling through welcome', async ({ world }) => {
    test.setTimeout(90_000);
    const w = await world({ profile: 'utopia-genuine' });
    const { page } = await w.open({ lang: 'en' });
    const screens = await recordScreens(page);
    // The device list shows the camera throughout, but opening it fails (busy) for 16 s from the
    // face step's first try: longer than the face step's grace, so the kiosk goes out of service.
    await cameraFailsAtFirst(page, 16_000, 'NotReadableError');
    const start = await screens.mark();
    await startAndBind(page, w.citizen);
    await typeMrz(page, mrzOf(w.reader));
    await expect(screen(page)).toHaveAttribute('data-reason', 'camera', { timeout: 40_000 });
    // Still busy (the out-of-service recheck runs every 3 s): the kiosk must not have left.
    await page.waitForFunction(() => performance.now() - (window as unknown as { __cameraFailingSince: number }).__cameraFailingSince > 15_500, undefined, { timeout: 20_000 });
    expect((await screens.since(start)).at(-1)).toBe('out-of-service:camera');
    await expect(screen(page)).toHaveAttribute('data-screen', 'attract', { timeout: 30_000 });
    const seen = await screens.since(start);
    const out = seen.indexOf('out-of-service:camera');
    // Out of service once, straight back to welcome when the camera opened: no welcome while it was still busy.
    expect(seen.slice(out)).toEqual(['out-of-service:camera', 'attract']);
  });

  test('inactivity shows a countdown, then wipes back to the welcome screen', async ({ world }, testInfo) => {
    const w = await world();
    const { page } = await w.open({ lang: 'zh-CN', env: { KIOSK_SESSION__TIMEOUTSMS: JSON.stringify({ consent: 7_000 }) } });
    await page.getByRole('button', { name: '开始' }).click();
    await expect(screen(page)).toHaveAttribute('data-screen', 'consent');
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByTestId('idle-banner')).toBeVisible({ timeout: 8_000 });
    await expect(page.getByTestId('idle-banner')).toContainText('this session will end in');
    // The overlay covers the language switch (and a touch would restart the countdown): one shot.
    await page.screenshot({ path: testInfo.outputPath('idle-countdown-en.png') });
    await expect(screen(page)).toHaveAttribute('data-screen', 'attract', { timeout: 10_000 });
    await expect(page.getByTestId('idle-banner')).toHaveCount(0);
    // Wiped: the next citizen gets the kiosk's own language again.
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('升级您的数字身份');
  });

  test('authority unreachable at start: out of service, then back by itself', async ({ world }, testInfo) => {
    const w = await world();
    const { page } = await w.open({ lang: 'en' });
    w.authority.authority.faults.unavailableRetryAfter = 1;
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'I agree, continue' }).click();
    await expect(screen(page)).toHaveAttribute('data-screen', 'out-of-service', { timeout: 20_000 });
    await expect(screen(page)).toHaveAttribute('data-reason', 'authority');
    await expect(page.locator('section[lang="zh-CN"]')).toContainText('暂停服务');
    await page.screenshot({ path: testInfo.outputPath('out-of-service-en+zh-CN.png') });
    w.authority.authority.faults.unavailableRetryAfter = null;
    await expect(screen(page)).toHaveAttribute('data-screen', 'attract', { timeout: 20_000 });
    // Back in service for real: the next citizen gets a session from the authority.
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'I agree, continue' }).click();
    await expect(page.getByTestId('session-qr')).toBeVisible();
  });

  test('landscape 1920×1080: every control is a touch target of at least 64 px', async ({ world }, testInfo) => {
    const w = await world();
    const { page } = await w.open({ lang: 'en' });
    await page.setViewportSize({ width: 1920, height: 1080 });
    const targetsAreLarge = async () => {
      for (const button of await page.getByRole('button').all()) {
        const box = await button.boundingBox();
        expect(box!.height, await button.innerText()).toBeGreaterThanOrEqual(64);
        expect(box!.width, await button.innerText()).toBeGreaterThanOrEqual(64);
      }
    };
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'I agree, continue' }).click();
    await expect(page.getByTestId('session-qr')).toBeVisible();
    await targetsAreLarge();
    await shoot(page, testInfo, 'binding-landscape');
    await w.citizen.bind((await page.getByTestId('session-qr').getAttribute('data-qr'))!);
    await expect(screen(page)).toHaveAttribute('data-screen', 'access-key');
    await targetsAreLarge();
    await shoot(page, testInfo, 'access-key-landscape');
  });

  test('reader unplugged: out of service, then back by itself once it is plugged in again', async ({ world }, testInfo) => {
    const w = await world({ inserted: false });
    const { page } = await w.open({ lang: 'en' });
    await startAndBind(page, w.citizen);
    await expect(screen(page)).toHaveAttribute('data-screen', 'card');
    await w.reader.unplug();
    await expect(screen(page)).toHaveAttribute('data-screen', 'out-of-service', { timeout: 20_000 });
    await expect(screen(page)).toHaveAttribute('data-reason', 'reader');
    await page.screenshot({ path: testInfo.outputPath('out-of-service-reader-en+zh-CN.png') });
    await w.reader.plugIn();
    await expect(screen(page)).toHaveAttribute('data-screen', 'attract', { timeout: 20_000 });
    // The kiosk opens the re-plugged reader by itself: the next citizen's card is read.
    await startAndBind(page, w.citizen);
    await expect(screen(page)).toHaveAttribute('data-screen', 'access-key', { timeout: 20_000 });
  });
});
