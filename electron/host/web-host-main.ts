/**
 * `npm start` where Electron is absent: start the host services, serve the kiosk on loopback,
 * and open Chromium in app mode when a display exists (otherwise print the URL).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type KioskConfig } from './config';
import { startHostRuntime } from './host-runtime';
import { startWebHost } from './web-host';

function parseArgs(argv: string[]): { config?: string; port?: number; json: boolean; open?: boolean } {
  const out: { config?: string; port?: number; json: boolean; open?: boolean } = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config') out.config = argv[++i];
    else if (arg === '--port') out.port = Number(argv[++i]);
    else if (arg === '--json') out.json = true;
    else if (arg === '--no-open') out.open = false;
    else throw new ConfigError('Unknown argument:', [String(arg)]);
  }
  return out;
}

function shouldOpenBrowser(config: KioskConfig, env: NodeJS.ProcessEnv): boolean {
  if (config.webHost.openBrowser === 'never') return false;
  if (config.webHost.openBrowser === 'always') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY) && existsSync(config.webHost.chromiumPath);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig({
    ...(args.config ? { file: args.config } : {}),
    overrides: args.port !== undefined ? { webHost: { port: args.port } } : {},
  });
  const { logger, kiosk, diagnostics, dispatch } = await startHostRuntime(config, 'web');
  const rendererDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
  const host = await startWebHost({ dispatch, rendererDir, logger, host: config.webHost.host, port: config.webHost.port });
  kiosk?.runtime.subscribe((state) => host.broadcast('sessionState', state));
  diagnostics.onTrace((line) => host.broadcast('diagnosticsTrace', line));

  if (args.json) process.stdout.write(`${JSON.stringify({ url: host.url, origin: host.origin, port: host.port })}\n`);
  else process.stdout.write(`ID Upgrade Kiosk (web host) ready: ${host.url}\n`);

  if (args.open !== false && shouldOpenBrowser(config, process.env)) {
    const profile = mkdtempSync(join(tmpdir(), 'kiosk-chromium-'));
    const browser = spawn(
      config.webHost.chromiumPath,
      [`--app=${host.url}`, '--kiosk', `--user-data-dir=${profile}`, '--disable-background-networking', '--no-first-run', '--disable-sync', '--disable-pinch', '--overscroll-history-navigation=0'],
      { stdio: 'ignore', detached: false },
    );
    browser.on('exit', (code) => logger.info({ code }, 'chromium exited'));
  }

  const stop = async (): Promise<void> => {
    // The last word: whatever hangs, a kiosk asked to stop stops within 5 s.
    setTimeout(() => {
      logger.error('shutdown did not finish within 5 s: exiting anyway');
      process.exit(1);
    }, 5_000).unref();
    await host.close();
    // Bounded: a reader or an authority long poll that hangs must not keep the process alive.
    await Promise.race([kiosk?.close(), new Promise((done) => setTimeout(done, 2_000).unref())]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
