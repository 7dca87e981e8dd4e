import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, repoRoot, test } from './kiosk-test';

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

test.describe('welcome screen', () => {
  test('renders in Simplified Chinese by default and in English on request', async ({ openKiosk }, testInfo) => {
    const page = await openKiosk();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('升级您的数字身份');
    await expect(page.getByTestId('app-version')).toHaveText(`版本 ${version}`);
    // The host's real view of the devices came back over the contract.
    await expect(page.getByTestId('configured-reader')).toHaveText('读卡器：sim:genuine');
    await expect(page.getByTestId('serial-count')).toContainText('个串口');
    await page.screenshot({ path: testInfo.outputPath('welcome-zh-CN.png'), fullPage: true });

    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Upgrade your digital ID');
    await expect(page.getByTestId('app-version')).toHaveText(`Version ${version}`);
    await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
    await page.screenshot({ path: testInfo.outputPath('welcome-en.png'), fullPage: true });
  });

  test('opens directly in English with ?lang=en, in landscape too', async ({ openKiosk }, testInfo) => {
    const page = await openKiosk({ lang: 'en' });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Upgrade your digital ID');
    // Touch targets are at least 64 px in both directions.
    for (const button of await page.getByRole('button').all()) {
      const box = await button.boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(64);
      expect(box!.width).toBeGreaterThanOrEqual(64);
    }
    await page.screenshot({ path: testInfo.outputPath('welcome-en-landscape.png') });
  });

  test('refuses a page without the bridge secret', async ({ page, openKiosk }, testInfo) => {
    test.skip(testInfo.project.name !== 'web', 'the bridge secret belongs to the web host');
    const kiosk = await openKiosk();
    const origin = new URL(kiosk.url()).origin;
    await page.evaluate(() => window.sessionStorage.clear());
    await page.goto(`${origin}/?lang=en`);
    await expect(page.getByRole('alert')).toContainText('out of service');
  });
});
