/**
 * The kiosk under test, whichever shell the Playwright project names: `web` starts the built web
 * host and opens it in Chromium; `electron` launches the Electron shell (skipped with a reason
 * when no Electron binary is present).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { test as base, _electron, type ElectronApplication, type Page } from '@playwright/test';

export const repoRoot = resolve(import.meta.dirname, '..');

export interface RunningWebHost {
  origin: string;
  url(query?: Record<string, string>): string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the host logged (stderr), for the privacy scan. */
  logs(): string;
  stop(): Promise<void>;
}

/** Starts `dist/electron/web-host.js` with a fresh data folder and waits for its URL. */
export async function startWebHost(env: Record<string, string> = {}): Promise<RunningWebHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-'));
  const child = spawn(process.execPath, [join(repoRoot, 'dist/electron/web-host.js'), '--json', '--no-open'], {
    cwd: repoRoot,
    env: { ...process.env, KIOSK_DATA_DIR: dataDir, KIOSK_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    logs.push(chunk.toString('utf8'));
    process.stderr.write(chunk);
  });
  const first = await new Promise<string>((resolveLine, reject) => {
    const timer = setTimeout(() => reject(new Error('web host did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`web host exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolveLine(line);
    });
  });
  const { url, origin } = JSON.parse(first) as { url: string; origin: string };
  const fragment = url.slice(url.indexOf('#'));
  return {
    origin,
    dataDir,
    process: child,
    logs: () => logs.join(''),
    url: (query) => `${origin}/${query ? `?${new URLSearchParams(query)}` : ''}${fragment}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<boolean>((done) => child.once('exit', () => done(true)));
      child.kill('SIGTERM');
      // The host promises to stop within 5 s (web-host-main's watchdog); a hang is a failure, named as such.
      const stopped = await Promise.race([exited, new Promise<boolean>((done) => setTimeout(() => done(false), 8_000))]);
      if (!stopped) {
        child.kill('SIGKILL');
        throw new Error('the web host did not exit within 8 s of SIGTERM');
      }
    },
  };
}

export function electronBinary(): string | undefined {
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidates = [
    ...(dist ? [join(dist, 'electron'), join(dist, 'electron.exe')] : []),
    join(repoRoot, 'node_modules/electron/dist/electron'),
  ];
  return candidates.find((c) => existsSync(c));
}

interface KioskFixtures {
  /** Opens the kiosk in the project's shell, with `?lang=` when given. */
  openKiosk: (options?: { lang?: string }) => Promise<Page>;
}

export const test = base.extend<KioskFixtures>({
  openKiosk: async ({ page }, use, testInfo) => {
    const cleanups: Array<() => Promise<void>> = [];
    if (testInfo.project.name === 'electron') {
      const binary = electronBinary();
      testInfo.skip(!binary, 'No Electron binary here: npm ci skips its download; set ELECTRON_OVERRIDE_DIST_PATH to a folder with one.');
      await use(async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-electron-'));
        const app: ElectronApplication = await _electron.launch({
          executablePath: binary!,
          args: [join(repoRoot, 'dist/electron/main.cjs')],
          env: { ...process.env, KIOSK_DATA_DIR: dataDir, KIOSK_LOG_LEVEL: 'warn' } as Record<string, string>,
        });
        cleanups.push(() => app.close());
        return app.firstWindow();
      });
    } else {
      await use(async (options = {}) => {
        const host = await startWebHost();
        cleanups.push(() => host.stop());
        await page.goto(host.url(options.lang ? { lang: options.lang } : undefined));
        return page;
      });
    }
    for (const cleanup of cleanups.reverse()) await cleanup();
  },
});

export { expect } from '@playwright/test';
