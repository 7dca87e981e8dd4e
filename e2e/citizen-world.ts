/**
 * The world around the kiosk under test, built in the Playwright process: the reference authority
 * on loopback, a CCID-serial reader simulator on a real pseudo-terminal holding a virtual chip,
 * the citizen's app, and the kiosk itself (web host or Electron, as the project says) configured
 * to use them exactly as it would use real devices (`ccid-serial:/dev/pts/N`, an http authority).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { _electron, type Page, type TestInfo } from '@playwright/test';
import WebSocket from 'ws';
import type { ChannelArgs, ChannelName, ChannelResult } from '../electron/common/contract';
import { contract } from '../electron/common/contract';
import {
  calibratedThreshold,
  createDemoCitizen,
  enrollDevKiosk,
  startDevAuthority,
  startSimulatedReader,
  type DevAuthority,
  type SimulatedReader,
} from '../electron/dev/dev-environment';
import { kioskMatcher } from '../electron/host/kiosk/kiosk-matcher';
import type { CitizenApp } from '../fixtures/citizen-app/citizen-app';
import { electronBinary, expect, repoRoot, startWebHost, test as base } from './kiosk-test';
import { scanForPersonalData } from './privacy-scan';

/** Short session bounds so that timeouts are exercised in seconds, not minutes. */
export const E2E_TIMEOUTS = { consent: 20_000, accessKey: 30_000, face: 40_000, result: 8_000, outOfService: 3_000, cardWait: 30_000 };

export interface KioskUnderTest {
  page: Page;
  dataDir: string;
  /** A named contract call, exactly as the renderer makes it (over the bridge, or Electron's preload). */
  call<K extends ChannelName>(name: K, ...args: ChannelArgs<K>): Promise<ChannelResult<K>>;
  /** Restarts nothing: the same kiosk, for assertions on its store. */
  outboxStates(): Array<{ state: string; receipt_id: string | null }>;
}

export interface CitizenWorld {
  authority: DevAuthority;
  reader: SimulatedReader;
  citizen: CitizenApp;
  /** Opens the kiosk against this world. */
  open(options?: { lang?: 'en' | 'zh-CN'; env?: Record<string, string>; threshold?: number }): Promise<KioskUnderTest>;
}

interface WorldFixtures {
  /** Builds a world with the given card profile (reader empty until `reader.insert()`). */
  world: (options?: { profile?: string; inserted?: boolean; threshold?: number; livenessRequired?: boolean }) => Promise<CitizenWorld>;
}


export const test = base.extend<WorldFixtures>({
  world: async ({ page }, use, testInfo: TestInfo) => {
    const cleanups: Array<() => Promise<unknown>> = [];
    const scans: Array<{ dataDir: string; card: SimulatedReader['card'] }> = [];
    const logs: Array<() => string> = [];
    await use(async (options = {}) => {
      const authority = await startDevAuthority({
        dir: mkdtempSync(join(tmpdir(), 'e2e-authority-')),
        matcher: { ...kioskMatcher(), threshold: options.threshold ?? calibratedThreshold() },
        ...(options.livenessRequired !== undefined ? { livenessRequired: options.livenessRequired } : {}),
      });
      cleanups.push(() => authority.close());
      const reader = await startSimulatedReader(options.profile ?? 'utopia-genuine', { inserted: options.inserted ?? true });
      cleanups.push(() => reader.close());
      const citizen = await createDemoCitizen(authority, reader.card);
      return {
        authority,
        reader,
        citizen,
        async open(openOptions = {}) {
          const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-'));
          await enrollDevKiosk(dataDir, authority);
          const env: Record<string, string> = {
            KIOSK_DATA_DIR: dataDir,
            KIOSK_READER__URI: reader.uri,
            KIOSK_READER__POLLINTERVALMS: '100',
            KIOSK_AUTHORITY__URL: authority.url,
            KIOSK_SESSION__TIMEOUTSMS: JSON.stringify(E2E_TIMEOUTS),
            KIOSK_SESSION__IDLEWARNINGMS: '5000',
            KIOSK_LOG_LEVEL: 'warn',
            ...openOptions.env,
          };
          let kioskPage: Page;
          let call: KioskUnderTest['call'];
          if (testInfo.project.name === 'electron') {
            const binary = electronBinary();
            testInfo.skip(!binary, 'No Electron binary here: npm ci skips its download; set ELECTRON_OVERRIDE_DIST_PATH to a folder with one.');
            const app = await _electron.launch({ executablePath: binary!, args: [join(repoRoot, 'dist/electron/main.cjs')], env: { ...process.env, ...env } as Record<string, string> });
            cleanups.push(() => app.close());
            kioskPage = await app.firstWindow();
            call = async (name, ...args) =>
              kioskPage.evaluate(async ([n, a]) => {
                const bridge = (window as unknown as { kiosk: Record<string, (...x: unknown[]) => Promise<{ ok: boolean; value?: unknown; error?: unknown }>> }).kiosk;
                const envelope = await bridge[n]!(...a);
                if (!envelope.ok) throw new Error(JSON.stringify(envelope.error));
                return envelope.value;
              }, [name, args] as [string, unknown[]]) as never;
          } else {
            const host = await startWebHost(env);
            cleanups.push(async () => {
              const killer = setTimeout(() => host.process.kill('SIGKILL'), 3_000);
              await host.stop();
              clearTimeout(killer);
            });
            await page.goto(host.url(openOptions.lang ? { lang: openOptions.lang } : undefined));
            kioskPage = page;
            logs.push(() => host.logs());
            const secret = host.url().split('#bridge=')[1]!;
            call = (name, ...args) => bridgeCall(host.origin, secret, name, args);
          }
          scans.push({ dataDir, card: reader.card });
          return {
            page: kioskPage,
            dataDir,
            call,
            outboxStates() {
              const db = new Database(join(dataDir, 'kiosk.db'), { readonly: true, fileMustExist: true });
              try {
                return db.prepare('SELECT state, receipt_id FROM outbox').all() as Array<{ state: string; receipt_id: string | null }>;
              } finally {
                db.close();
              }
            },
          };
        },
      };
    });
    // Every cleanup is bounded: a hung one must not eat the test's time.
    for (const cleanup of cleanups.reverse()) {
      await Promise.race([cleanup().catch(() => undefined), new Promise((done) => setTimeout(done, 4_000))]);
    }
    // After every citizen session: nothing personal in the kiosk's data folder (database, WAL, logs).
    for (const { dataDir, card } of scans) {
      const d = card.profile.document;
      const texts = [card.mrz, ...card.mrz.split('\n'), d.documentNumber, d.primaryIdentifier, d.secondaryIdentifier, d.secondaryIdentifier.replace(/ /g, '<'), card.profile.holder.fullName];
      const findings = scanForPersonalData(dataDir, { texts }, logs.map((log, i) => ({ name: `host log ${i}`, content: Buffer.from(log()) })));
      expect(findings, `personal data left on the kiosk in ${dataDir}`).toEqual([]);
    }
  },
});

export { expect };

/** The screen the kiosk shows now (`data-screen` of the rendered screen). */
export const screen = (page: Page) => page.locator('main[data-screen]');

/**
 * Makes the page's camera fail to open with `errorName` (a getUserMedia DOMException name) for
 * `failForMs` from the first attempt, then open normally. The page keeps `__cameraOpenings`
 * (attempts) and `__cameraFailingSince` (the first attempt, performance.now()).
 */
export async function cameraFailsAtFirst(page: Page, failForMs: number, errorName: 'NotFoundError' | 'NotReadableError'): Promise<void> {
  await page.evaluate(
    ([ms, name]) => {
      const media = navigator.mediaDevices;
      const open = media.getUserMedia.bind(media);
      const w = window as unknown as { __cameraOpenings: number; __cameraFailingSince?: number };
      w.__cameraOpenings = 0;
      media.getUserMedia = async (constraints) => {
        w.__cameraOpenings += 1;
        w.__cameraFailingSince ??= performance.now();
        if (performance.now() - w.__cameraFailingSince < ms) throw new DOMException(`camera unavailable (${name})`, name);
        return open(constraints);
      };
    },
    [failForMs, errorName] as const,
  );
}

export interface ScreenHistory {
  /** How many screens were seen so far: a mark for `since`. */
  mark(): Promise<number>;
  /** The screens seen after `mark`: `card:<phase>`, `out-of-service:<reason>`, or the screen name. */
  since(mark: number): Promise<string[]>;
}

/**
 * Records, in the page, every screen (and card phase) the kiosk shows from now on. An assertion
 * that polls the live DOM can miss a screen that lasts less than its poll interval, or find
 * nothing at all once the kiosk has moved on; the history has them all.
 */
export async function recordScreens(page: Page): Promise<ScreenHistory> {
  await page.evaluate(() => {
    const w = window as unknown as { __screens?: string[] };
    if (w.__screens) return;
    const seen: string[] = [];
    w.__screens = seen;
    const describe = () => {
      const main = document.querySelector('main[data-screen]');
      const name = main?.getAttribute('data-screen') ?? 'none';
      if (name === 'card') return `card:${/phase-([a-z-]+)/.exec(main?.querySelector('.card-illustration')?.className ?? '')?.[1] ?? '?'}`;
      if (name === 'out-of-service') return `out-of-service:${main?.getAttribute('data-reason') ?? '?'}`;
      return name;
    };
    const note = () => {
      const now = describe();
      if (seen[seen.length - 1] !== now) seen.push(now);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-screen', 'data-reason', 'class'] });
    note();
  });
  const all = () => page.evaluate(() => [...((window as unknown as { __screens?: string[] }).__screens ?? [])]);
  return {
    mark: async () => (await all()).length,
    since: async (mark) => (await all()).slice(mark),
  };
}

/** Face photos the fake cameras are made from (see fixtures/camera/make-clip.ts). */
export const FACES_DIR = '/work/shared/data/faces';
/**
 * Where fake-camera clips are kept between runs. No "fake"/"virtual" in the path: Chromium labels
 * a file camera with its path, and the camera allowlist refuses virtual-looking labels.
 */
export const CLIPS_DIR = join(tmpdir(), 'kiosk-e2e-camera');

/** Chromium launch options with a camera that plays `clip` (a Y4M file), as the kiosk's camera. */
export function withCamera(clip: string): { executablePath: string; args: string[] } {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${clip}`,
    ],
  };
}

/** Welcome → consent → binding with the app's QR approval. */
export async function startAndBind(page: Page, citizen: CitizenApp): Promise<void> {
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(screen(page)).toHaveAttribute('data-screen', 'consent');
  await page.getByRole('button', { name: 'I agree, continue' }).click();
  const qr = page.getByTestId('session-qr');
  await expect(qr).toBeVisible();
  await citizen.bind((await qr.getAttribute('data-qr'))!);
}

/** Types the MRZ access fields on the touch keyboard and confirms. */
export async function typeMrz(page: Page, mrz: { documentNumber: string; birthDate: string; expiryDate: string }): Promise<void> {
  await expect(screen(page)).toHaveAttribute('data-screen', 'access-key');
  const keyboard = page.getByRole('group', { name: 'On-screen keyboard' });
  for (const [field, value] of Object.entries(mrz)) {
    await page.locator(`[data-field="${field}"]`).click();
    for (const ch of value) await keyboard.getByRole('button', { name: ch === '<' ? '<' : ch, exact: true }).click();
  }
  await page.getByRole('button', { name: 'Confirm' }).click();
}

export function mrzOf(reader: SimulatedReader): { documentNumber: string; birthDate: string; expiryDate: string } {
  const d = reader.card.profile.document;
  return { documentNumber: d.documentNumber, birthDate: d.birthDate, expiryDate: d.expiryDate };
}

/** One contract call over the web host's bridge, from Node, as the page would make it. */
export async function bridgeCall<K extends ChannelName>(origin: string, secret: string, name: K, args: unknown[]): Promise<ChannelResult<K>> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/bridge`, ['kiosk-bridge.v1', `secret.${secret}`], { origin });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const answer = new Promise<{ ok: boolean; value?: unknown; error?: unknown }>((resolve) => {
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { id?: number; envelope?: { ok: boolean; value?: unknown; error?: unknown } };
        if (message.id === 1 && message.envelope) resolve(message.envelope);
      });
    });
    ws.send(JSON.stringify({ id: 1, channel: contract[name].channel, args }));
    const envelope = await answer;
    if (!envelope.ok) throw new Error(`${name}: ${JSON.stringify(envelope.error)}`);
    return envelope.value as ChannelResult<K>;
  } finally {
    ws.close();
  }
}

/** Screenshots the screen in the current language and in the other one, then switches back. */
export async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const current = (await page.locator('html').getAttribute('lang')) ?? 'en';
  const other = current === 'en' ? 'zh-CN' : 'en';
  await page.screenshot({ path: testInfo.outputPath(`${name}-${current}.png`) });
  const toggle = page.getByRole('button', { name: other === 'en' ? 'English' : '中文' });
  if ((await toggle.count()) === 0) return;
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('lang', other);
  await page.screenshot({ path: testInfo.outputPath(`${name}-${other}.png`) });
  await page.getByRole('button', { name: current === 'en' ? 'English' : '中文' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', current);
}

