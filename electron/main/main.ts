/**
 * Electron main: a thin shell. It creates the locked-down kiosk window, serves the renderer from
 * the `app://` protocol with the shared CSP, and registers the contract's channels with the same
 * dispatcher the web host uses. Every security decision is a pure function in
 * electron/host/security (tested there); this file only wires them to Electron's events.
 */
import { app, BrowserWindow, ipcMain, Menu, net, powerSaveBlocker, protocol, session, type WebContents } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { channelNames, contract, events, type EventName, type EventPayload } from '../common/contract';
import { loadConfig } from '../host/config';
import { contentSecurityPolicy, securityHeaders } from '../host/content-security-policy';
import { startHostRuntime } from '../host/host-runtime';
import { shouldBlockInput } from '../host/security/input-filter';
import { decideNavigation, decideWebviewAttach, decideWindowOpen } from '../host/security/navigation';
import { APP_ORIGIN, decideDevicePermission, decidePermissionCheck, decidePermissionRequest, isAppOrigin } from '../host/security/permissions';
import { isCrash, planReload } from '../host/security/render-process-recovery';

const APP_SCHEME = 'app';
/** Packaged builds (the kiosk, and the unfused e2e build) are locked down; `npm run electron` is not. */
const production = app.isPackaged;

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

// One kiosk per terminal: a second launch (a double-started unit, a technician's shell) exits.
if (!app.requestSingleInstanceLock()) app.exit(0);

/** Applies the navigation, popup, webview and input rules to every WebContents the app creates. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!decideNavigation(url).allow) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!decideNavigation(url).allow) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    if (!decideWebviewAttach()) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => decideWindowOpen(url));
  contents.on('before-input-event', (event, input) => {
    if (shouldBlockInput(input, { production })) event.preventDefault();
  });
}

async function start(): Promise<void> {
  Menu.setApplicationMenu(null);
  const config = loadConfig();
  const { logger, kiosk, diagnostics, dispatch } = await startHostRuntime(config, 'electron');

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
      // Only our own top-level page may call the host.
      if (!isAppOrigin(event.senderFrame?.url)) {
        return { ok: false, error: { code: 'forbidden-sender', message: 'not the kiosk page' } };
      }
      return dispatch(wire, args);
    });
  }

  const kioskSession = session.defaultSession;
  kioskSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(decidePermissionRequest({ permission, requestingUrl: details.requestingUrl, mediaTypes: (details as { mediaTypes?: string[] }).mediaTypes }));
  });
  kioskSession.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    decidePermissionCheck({ permission, requestingOrigin, mediaType: (details as { mediaType?: string }).mediaType }),
  );
  kioskSession.setDevicePermissionHandler((details) => decideDevicePermission({ deviceType: details.deviceType, origin: details.origin }));
  // WebHID / Web Serial / WebUSB choosers: never pick a device for the page.
  kioskSession.on('select-hid-device', (event, _details, callback) => (event.preventDefault(), callback('')));
  kioskSession.on('select-serial-port', (event, _ports, _contents, callback) => (event.preventDefault(), callback('')));
  kioskSession.on('select-usb-device', (event, _details, callback) => (event.preventDefault(), callback()));

  app.on('web-contents-created', (_event, contents) => lockDown(contents));

  // The screen must not blank or sleep while the kiosk is in service.
  powerSaveBlocker.start('prevent-display-sleep');

  const window = new BrowserWindow({
    width: 1080,
    height: 1920,
    kiosk: production,
    fullscreen: production,
    autoHideMenuBar: true,
    backgroundColor: '#0b1f33',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'), // eng-disable PRELOAD_JS_CHECK the preload exposes only the contract's named functions (electron/preload/preload.ts)
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would open links in new windows (electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
      devTools: !production,
    },
  });
  window.removeMenu();

  // Host → renderer events, validated like the web host's broadcast.
  const send = <E extends EventName>(name: E, payload: EventPayload<E>) => {
    if (!window.isDestroyed()) window.webContents.send(events[name].channel, events[name].payload.parse(payload));
  };
  kiosk?.runtime.subscribe((state) => send('sessionState', state));
  diagnostics.onTrace((line) => send('diagnosticsTrace', line));
  app.once('before-quit', () => void kiosk?.close());

  // A dead renderer is reloaded, with a growing delay if it keeps dying; each death is audited.
  let crashes: number[] = [];
  let reloadTimer: NodeJS.Timeout | undefined;
  window.webContents.on('render-process-gone', (_event, details) => {
    if (!isCrash(details.reason)) return;
    const plan = planReload(crashes, Date.now());
    crashes = plan.recentCrashes;
    logger.error({ reason: details.reason, exitCode: details.exitCode, attempt: plan.attempt, delayMs: plan.delayMs }, 'renderer gone; reloading');
    diagnostics.record({ entry: 'renderer-gone', detail: details.reason });
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => {
      if (window.isDestroyed()) return;
      diagnostics.record({ entry: 'renderer-reloaded', detail: `attempt-${plan.attempt}` });
      void window.loadURL(`${APP_ORIGIN}/index.html`);
    }, plan.delayMs);
  });

  await window.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('window-all-closed', () => app.quit());
app.whenReady().then(start, (error: unknown) => {
  process.stderr.write(`kiosk failed to start: ${String(error)}\n`);
  app.exit(1);
});
