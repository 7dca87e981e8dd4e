/**
 * Diagnostics mode as a field technician meets it: a long press in the top-left corner, the
 * technician PIN, every panel in both languages (screenshots under the test output), the lockout
 * after wrong PINs, and the automatic exit after inactivity. Web host only: the Electron project
 * runs the same renderer and is covered by the welcome spec where a binary exists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { hashTechnicianPin } from '../electron/host/diagnostics/technician-pin';
import { startWebHost, type RunningWebHost } from './kiosk-test';

const PIN = '482916';
let pinHash = '';

test.beforeAll(async () => {
  pinHash = await hashTechnicianPin(PIN);
});

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name === 'electron', 'Diagnostics runs the same renderer in both shells; the web project drives it.');
});

async function kiosk(page: Page, options: { lang?: string; idleSeconds?: number } = {}): Promise<RunningWebHost> {
  const host = await startWebHost({
    KIOSK_DIAGNOSTICS__PIN_HASH: pinHash,
    KIOSK_DIAGNOSTICS__IDLE_TIMEOUT_SECONDS: String(options.idleSeconds ?? 300),
  });
  await page.goto(host.url(options.lang ? { lang: options.lang } : undefined));
  return host;
}

async function longPressCorner(page: Page, holdMs = 3300): Promise<void> {
  // The press is heard only once the app has mounted its hidden entry; a press before that is
  // lost (as it would be on a kiosk still starting), so wait for the mounted app first.
  await expect(page.getByTestId('diagnostics-hotspot')).toBeAttached();
  await expect(page.locator('main[data-screen]').first()).toBeVisible();
  await page.mouse.move(30, 30);
  await page.mouse.down();
  await page.waitForTimeout(holdMs);
  await page.mouse.up();
}

async function typePin(page: Page, pin: string): Promise<void> {
  for (const [i, digit] of [...pin].entries()) {
    await page.locator(`.diag-key[data-key="${digit}"]`).click();
    await expect(page.getByTestId('pin-dots')).toHaveAttribute('aria-label', String(i + 1));
  }
  await page.getByTestId('pin-enter').click();
}

/** The `diagnostics` leaves of the kiosk's audit log, as `entry:detail`. */
function diagnosticsAuditEntries(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'kiosk.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT leaf FROM audit_leaf ORDER BY leaf_index').all() as Array<{ leaf: string }>;
    return rows.map((r) => JSON.parse(r.leaf) as { kind: string; entry?: string; detail?: string }).filter((e) => e.kind === 'diagnostics').map((e) => `${e.entry}:${e.detail}`);
  } finally {
    db.close();
  }
}

const panels = ['devices', 'reader', 'mrz', 'authority', 'queues', 'logs', 'configuration'] as const;

for (const lang of ['en', 'zh-CN'] as const) {
  test(`long press + PIN opens every panel (${lang})`, async ({ page }, testInfo) => {
    const host = await kiosk(page, { lang });
    try {
      // A short press does nothing.
      await longPressCorner(page, 500);
      await expect(page.locator('.pin-overlay')).toHaveCount(0);
      await longPressCorner(page);
      await expect(page.locator('.pin-overlay')).toBeVisible();
      await page.screenshot({ path: testInfo.outputPath(`diagnostics-${lang}-0-pin.png`) });
      await typePin(page, PIN);
      await expect(page.getByTestId('diagnostics-screen')).toBeVisible();

      // Devices: the configured (simulated) reader is listed and present.
      await expect(page.getByTestId('diag-reader-uri')).toHaveText('sim:genuine');
      await expect(page.getByTestId('diag-reader-present')).toHaveText(lang === 'en' ? 'yes' : '是');

      for (const [i, name] of panels.entries()) {
        await page.getByTestId(`diag-tab-${name}`).click();
        const panel = page.getByTestId(`diag-panel-${name}`);
        await expect(panel).toBeVisible();
        if (name === 'reader') {
          await page.getByTestId('diag-reader-run').click();
          await expect(panel.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 20_000 });
          // The development kiosk's simulated reader holds a virtual chip: ATR, SELECT and GET CHALLENGE in the trace.
          await expect(panel.getByTestId('diag-atr')).toBeVisible();
          await expect(panel.getByTestId('diag-trace')).toContainText('00 A4 04 0C 07 A0 00 00 02 47 10 01');
          await expect(panel.getByTestId('diag-trace')).toContainText('00 84 00 00 08');
        }
        if (name === 'mrz') {
          await page.getByTestId('diag-mrz-run').click();
          await expect(page.getByTestId('diag-mrz-status')).toBeVisible();
        }
        if (name === 'configuration') {
          await expect(page.getByTestId('diag-config')).toContainText('diagnostics.pinHash');
          // The hash itself never reaches the screen.
          await expect(page.getByTestId('diag-config')).not.toContainText('scrypt$');
        }
        await expect(panel.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 20_000 });
        await page.screenshot({ path: testInfo.outputPath(`diagnostics-${lang}-${i + 1}-${name}.png`), fullPage: true });
      }

      await page.getByTestId('diag-exit').click();
      await expect(page.getByTestId('diagnostics-screen')).toHaveCount(0);

      // Entry, the reader test and the exit are in the kiosk's audit log.
      await expect.poll(() => diagnosticsAuditEntries(host.dataDir)).toEqual(expect.arrayContaining(['enter:pin', 'action:reader-test', 'exit:technician']));
    } finally {
      await host.stop();
    }
  });
}

test('five wrong PINs lock the keypad, and the lockout is audited without opening anything', async ({ page }, testInfo) => {
  const host = await kiosk(page, { lang: 'en' });
  try {
    await longPressCorner(page);
    await expect(page.locator('.pin-overlay')).toBeVisible();
    // Each attempt waits for its own answer, which counts down to the PIN that really locks.
    for (const warning of ['4 more wrong PINs lock', '3 more wrong PINs lock', '2 more wrong PINs lock', 'The next wrong PIN locks']) {
      await typePin(page, '000000');
      await expect(page.getByTestId('pin-message')).toContainText(`Wrong PIN. ${warning} the keypad.`);
    }
    await page.screenshot({ path: testInfo.outputPath('diagnostics-en-last-warning.png') });
    await typePin(page, '000000');
    await expect(page.getByTestId('pin-message')).toContainText('Too many wrong PINs');
    await expect(page.getByTestId('pin-enter')).toBeDisabled();
    await expect(page.locator('.diag-key[data-key="1"]')).toBeDisabled();
    await page.screenshot({ path: testInfo.outputPath('diagnostics-en-locked.png') });
    await expect(page.getByTestId('diagnostics-screen')).toHaveCount(0);
    const lockout = JSON.parse(readFileSync(join(host.dataDir, 'diagnostics-lockout.json'), 'utf8')) as { failures: number; lockedUntil: number };
    expect(lockout.failures).toBe(5);
    expect(lockout.lockedUntil).toBeGreaterThan(Date.now());
    await expect.poll(() => diagnosticsAuditEntries(host.dataDir)).toEqual([
      'pin-rejected:failures-1',
      'pin-rejected:failures-2',
      'pin-rejected:failures-3',
      'pin-rejected:failures-4',
      'locked-out:failures-5',
    ]);
  } finally {
    await host.stop();
  }
});

test('diagnostics closes itself after the idle timeout', async ({ page }) => {
  test.setTimeout(120_000);
  const host = await kiosk(page, { lang: 'en', idleSeconds: 15 });
  try {
    await longPressCorner(page);
    await typePin(page, PIN);
    await expect(page.getByTestId('diagnostics-screen')).toBeVisible();
    await expect(page.getByTestId('diag-countdown')).toContainText('0:1');
    await expect(page.getByTestId('diagnostics-screen')).toHaveCount(0, { timeout: 25_000 });
    await expect.poll(() => diagnosticsAuditEntries(host.dataDir)).toContain('exit:inactivity');
  } finally {
    await host.stop();
  }
});
