import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, startWebHost, test } from './kiosk-test';

// A corrupt database (or a full disk) must give a safe out-of-service screen, not a crash loop.
test('a corrupt kiosk database: out of service on screen, and the host stays up', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'the web host is started directly here');
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-corrupt-'));
  // Not an SQLite file at all: 16 KiB of noise where kiosk.db should be.
  writeFileSync(join(dataDir, 'kiosk.db'), randomBytes(16 * 1024));
  const host = await startWebHost({ KIOSK_DATA_DIR: dataDir });
  try {
    await page.goto(host.url({ lang: 'en' }));
    const screen = page.locator('[data-screen="out-of-service"]');
    await expect(screen).toBeVisible();
    await expect(screen).toHaveAttribute('data-reason', 'internal');
    await page.screenshot({ path: testInfo.outputPath('out-of-service-corrupt-store-en.png') });
    expect(host.process.exitCode).toBeNull();
  } finally {
    await host.stop();
  }
});
