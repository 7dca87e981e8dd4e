import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const electronDist = process.env.ELECTRON_OVERRIDE_DIST_PATH;
const electronPresent = [
  ...(electronDist ? [join(electronDist, 'electron'), join(electronDist, 'electron.exe')] : []),
  join(import.meta.dirname, 'node_modules/electron/dist/electron'),
].some((candidate) => existsSync(candidate));
// Said once, by the runner (not by each worker), so the skipped `electron` tests carry a visible reason.
if (!electronPresent && process.env.TEST_WORKER_INDEX === undefined) {
  console.log('[electron] project skipped: no Electron binary (npm ci skips its download; set ELECTRON_OVERRIDE_DIST_PATH to a folder holding one).');
}

/**
 * Two projects run the same specs: `web` drives Debian's Chromium through the web host (how CI
 * runs), `electron` launches the Electron shell and skips, saying why, where no Electron binary
 * is installed (set ELECTRON_OVERRIDE_DIST_PATH to a folder holding one).
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  use: {
    viewport: { width: 1080, height: 1920 },
    deviceScaleFactor: 0.5,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    browserName: 'chromium',
    // Debian's Chromium: Playwright never downloads a browser here.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [
    { name: 'web' },
    { name: 'electron' },
  ],
});
