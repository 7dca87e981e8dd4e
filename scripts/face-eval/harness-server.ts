/**
 * Serves the built face harness, the derived models and read-only views of an image folder on
 * 127.0.0.1 (ephemeral port), and drives it with headless Chromium. Images are read in place
 * (LFW has no redistribution licence: nothing is copied into the project).
 *
 * Routes: /            build/face-harness
 *         /models/     build/models
 *         /data/<rel>  a file under the data root, as is
 *         /chip/<mode>/<rel>  the file degraded to a chip portrait (mode jpeg | jp2); jp2 is
 *                      encoded and decoded again by ffmpeg (as the host decodes JPEG 2000) and
 *                      served as raw RGBA with x-width / x-height headers.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from '@playwright/test';

const run = promisify(execFile);
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HARNESS_DIR = join(PROJECT_ROOT, 'build', 'face-harness');
export const MODELS_DIR = join(PROJECT_ROOT, 'build', 'models');

/** The shared test photos: /work/shared/data/faces, or shared/ beside the checkout (CI). */
export function defaultFacesDir(): string {
  const beside = join(PROJECT_ROOT, '..', 'shared', 'data', 'faces');
  return existsSync('/work/shared/data/faces') ? '/work/shared/data/faces' : beside;
}

/** Newest modification time of any file under `dir` (ms since epoch; 0 when absent). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds what the harness serves when it is missing or older than the renderer's face code (or
 * the lockfile), so
 * every figure an evaluation prints comes from the code in the tree, never from a stale build.
 */
export function ensureHarnessBuilt(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  if (!existsSync(join(MODELS_DIR, 'face_landmarker.task'))) {
    log('face harness: building the models (scripts/models/build-models.ts)');
    execFileSync('npx', ['tsx', 'scripts/models/build-models.ts'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const index = join(HARNESS_DIR, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  // The harness bundles renderer/face (which imports nothing else of the project) and npm packages.
  const inputs = [join(PROJECT_ROOT, 'scripts', 'face-eval', 'vite.harness.config.ts'), join(PROJECT_ROOT, 'package-lock.json')];
  const sources = Math.max(newestMtime(join(PROJECT_ROOT, 'renderer', 'face')), ...inputs.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
  if (built >= sources) return;
  log(built ? 'face harness: renderer/face changed since the last build, rebuilding' : 'face harness: building');
  execFileSync('npx', ['vite', 'build', '-c', 'scripts/face-eval/vite.harness.config.ts'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(index)) throw new Error('face harness did not build: npx vite build -c scripts/face-eval/vite.harness.config.ts');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};

export type ChipMode = 'jpeg' | 'jp2';

/**
 * Chip portrait stand-in: a 3:4 crop around the face (given by the caller; without one the whole
 * photo is fitted, padded grey) scaled to 240×320 and
 * strongly compressed: JPEG at ffmpeg -q:v 12 (about 3–4 kB), or JPEG 2000 at -q:v 8 (about
 * 2 kB), which is then decoded again to RGBA by ffmpeg, as the host decodes JPEG 2000 for the
 * renderer.
 */
export async function degradeToChip(file: string, mode: ChipMode, crop?: { x: number; y: number; w: number; h: number }): Promise<{ bytes: Buffer; width?: number; height?: number }> {
  let fit = 'scale=240:320:force_original_aspect_ratio=decrease,pad=240:320:(ow-iw)/2:(oh-ih)/2:color=gray';
  if (crop) {
    // Pad first so a crop reaching past the photo's edge is filled grey, as a studio background.
    const p = Math.max(0, -crop.x, -crop.y, crop.w, crop.h);
    fit = `pad=iw+${2 * p}:ih+${2 * p}:${p}:${p}:color=gray,crop=${crop.w}:${crop.h}:${crop.x + p}:${crop.y + p},scale=240:320`;
  }
  if (mode === 'jpeg') {
    const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-vf', fit, '-q:v', '12', '-f', 'image2pipe', '-c:v', 'mjpeg', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 });
    return { bytes: stdout };
  }
  const { stdout: encoded } = await run('ffmpeg', ['-v', 'error', '-i', file, '-vf', fit, '-c:v', 'jpeg2000', '-pix_fmt', 'yuv420p', '-q:v', '8', '-f', 'image2pipe', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 });
  const decoded = await new Promise<Buffer>((res, rej) => {
    const p = execFile('ffmpeg', ['-v', 'error', '-f', 'j2k_pipe', '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 }, (err, out) => (err ? rej(err) : res(out)));
    p.stdin?.end(encoded);
  });
  return { bytes: decoded, width: 240, height: 320 };
}

function inside(rootDir: string, rel: string): string | null {
  const p = normalize(join(rootDir, decodeURIComponent(rel)));
  return p === rootDir || p.startsWith(rootDir + sep) ? p : null;
}

export async function startHarnessServer(dataRoot: string): Promise<{ server: Server; url: string }> {
  ensureHarnessBuilt();
  const data = resolve(dataRoot);
  const server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      let file: string | null = null;
      const chip = /^\/chip\/(jpeg|jp2)\/(.+)$/.exec(path);
      if (chip) {
        const src = inside(data, chip[2] ?? '');
        if (!src || !existsSync(src)) return void res.writeHead(404).end();
        const q = /[?&]crop=(-?\d+),(-?\d+),(\d+),(\d+)/.exec(req.url ?? '');
        const crop = q ? { x: Number(q[1]), y: Number(q[2]), w: Math.max(8, Number(q[3])), h: Math.max(8, Number(q[4])) } : undefined;
        const d = await degradeToChip(src, chip[1] as ChipMode, crop);
        const headers: Record<string, string> = { 'content-type': d.width ? 'application/octet-stream' : 'image/jpeg' };
        if (d.width && d.height) Object.assign(headers, { 'x-width': String(d.width), 'x-height': String(d.height), 'access-control-expose-headers': 'x-width, x-height' });
        return void res.writeHead(200, headers).end(d.bytes);
      }
      if (path.startsWith('/data/')) file = inside(data, path.slice(6));
      else if (path.startsWith('/models/')) file = inside(MODELS_DIR, path.slice(8));
      else file = inside(HARNESS_DIR, path === '/' ? 'index.html' : path.slice(1));
      if (!file || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Calls `window.faceHarness[method](...args)` in the page (renderer/face/harness/harness.ts). */
export async function callHarness<T = unknown>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ([m, a]) => {
      const h = (globalThis as unknown as { faceHarness: Record<string, (...x: unknown[]) => Promise<unknown>> }).faceHarness;
      const fn = h[m as string];
      if (!fn) throw new Error(`faceHarness.${String(m)} missing`);
      return fn(...(a as unknown[]));
    },
    [method, args] as const,
  ) as Promise<T>;
}

export interface HarnessSession {
  page: Page;
  url: string;
  close(): Promise<void>;
}

export async function openHarness(opts: { dataRoot: string; fakeVideo?: string; delegate?: 'CPU' | 'GPU' | 'auto' }): Promise<HarnessSession> {
  const { server, url } = await startHarnessServer(opts.dataRoot);
  const args = ['--no-sandbox', '--disable-background-networking', '--disable-gpu'];
  if (opts.fakeVideo) args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${opts.fakeVideo}`);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
    const page = await browser.newPage();
    page.setDefaultTimeout(120_000);
    if (process.env.FACE_HARNESS_DEBUG) page.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
    await page.goto(url);
    await page.waitForFunction("document.getElementById('status')?.textContent === 'ready'");
    await callHarness(page, 'init', `${url}models/`, opts.delegate ?? 'CPU');
    const b = browser;
    return {
      page,
      url,
      async close() {
        await b.close();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    throw e;
  }
}
