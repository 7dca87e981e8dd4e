/**
 * Electron main: a thin shell. It creates the locked-down kiosk window, serves the renderer from
 * the `app://` protocol with the shared CSP, and registers the contract's channels with the same
 * dispatcher the web host uses. All logic lives in plain-Node host services.
 */
import { app, BrowserWindow, ipcMain, net, protocol, session } from 'electron';
import { mkdirSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { channelNames, contract } from '../common/contract';
import { loadConfig } from '../host/config';
import { contentSecurityPolicy, securityHeaders } from '../host/content-security-policy';
import { createDispatcher } from '../host/dispatcher';
import { createHostHandlers } from '../host/host-services';
import { createLogger } from '../host/logger';

const APP_SCHEME = 'app';
const APP_ORIGIN = `${APP_SCHEME}://kiosk`;

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

if (!app.requestSingleInstanceLock()) app.quit();

async function start(): Promise<void> {
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const logger = createLogger(config.logLevel);
  const dispatch = createDispatcher(createHostHandlers({ config, shell: 'electron' }), (error, channel) =>
    logger.error({ err: error, channel }, 'host handler failed'),
  );

  const rendererDir = join(__dirname, '..', 'renderer');
  const csp = contentSecurityPolicy();
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const relative = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    const file = join(rendererDir, relative);
    if (url.host !== 'kiosk' || !file.startsWith(rendererDir + sep)) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    for (const [key, value] of Object.entries(securityHeaders(csp))) headers.set(key, value);
    return new Response(response.body, { status: response.status, headers });
  });

  for (const name of channelNames) {
    const wire = contract[name].channel;
    ipcMain.handle(wire, (event, args: unknown) => {
      // Only our own page may call the host.
      if (new URL(event.senderFrame?.url ?? 'about:blank').origin !== APP_ORIGIN) {
        return { ok: false, error: { code: 'forbidden-sender', message: 'not the kiosk page' } };
      }
      return dispatch(wire, args);
    });
  }

  session.defaultSession.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const fromApp = new URL(details.requestingUrl).origin === APP_ORIGIN;
    const videoOnly = permission === 'media' && (details as { mediaTypes?: string[] }).mediaTypes?.every((t) => t === 'video');
    callback(Boolean(fromApp && videoOnly));
  });

  const window = new BrowserWindow({
    width: 1080,
    height: 1920,
    kiosk: app.isPackaged,
    fullscreen: app.isPackaged,
    autoHideMenuBar: true,
    backgroundColor: '#0b1f33',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.removeMenu();
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  await window.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('window-all-closed', () => app.quit());
app.whenReady().then(start, (error: unknown) => {
  process.stderr.write(`kiosk failed to start: ${String(error)}\n`);
  app.exit(1);
});
