/**
 * The web host: the same host services as Electron main, serving the built renderer on
 * loopback and carrying the contract over a WebSocket. It is how the kiosk runs where Electron
 * is absent and how the end-to-end tests drive it in Chromium.
 *
 * The bridge is authenticated by a per-launch secret that reaches the page in the URL fragment
 * (never sent in a request) and comes back as a WebSocket subprotocol; connections from any
 * other origin, or without the secret, are refused before the upgrade completes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { events, type EventName, type EventPayload } from '../common/contract';
import { contentSecurityPolicy, securityHeaders } from './content-security-policy';
import type { Dispatch } from './dispatcher';
import type { Logger } from './logger';

export const BRIDGE_PROTOCOL = 'kiosk-bridge.v1';
export const BRIDGE_PATH = '/bridge';
const SECRET_PREFIX = 'secret.';
/** A bridge message larger than this is refused: no contract call needs more. */
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.tflite': 'application/octet-stream',
  '.task': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.woff2': 'font/woff2',
};

export interface WebHostOptions {
  dispatch: Dispatch;
  rendererDir: string;
  logger: Logger;
  host?: string;
  port?: number;
  /** Fixed only in tests; a random 32-byte secret per launch otherwise. */
  secret?: string;
}

export interface WebHost {
  /** The page URL including the bridge secret in its fragment. */
  url: string;
  origin: string;
  port: number;
  secret: string;
  broadcast<E extends EventName>(name: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

export function secretsEqual(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Decides whether a WebSocket upgrade may proceed; pure, so its rules are tested directly. */
export function authorizeBridgeUpgrade(
  request: { url?: string; headers: Record<string, string | string[] | undefined> },
  expected: { origin: string; secret: string },
): { ok: true } | { ok: false; status: 400 | 401 | 403 | 404; reason: string } {
  const path = (request.url ?? '').split('?')[0];
  if (path !== BRIDGE_PATH) return { ok: false, status: 404, reason: 'not the bridge path' };
  if (request.headers.origin !== expected.origin) return { ok: false, status: 403, reason: 'foreign origin' };
  const offered = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  if (!offered.includes(BRIDGE_PROTOCOL)) return { ok: false, status: 400, reason: 'bridge protocol not offered' };
  const secret = offered.find((p) => p.startsWith(SECRET_PREFIX))?.slice(SECRET_PREFIX.length);
  if (!secret || !secretsEqual(secret, expected.secret)) return { ok: false, status: 401, reason: 'missing or wrong secret' };
  return { ok: true };
}

function resolveStatic(rendererDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const root = resolve(rendererDir);
  const candidate = resolve(join(root, normalize(decoded === '/' ? '/index.html' : decoded)));
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  if (!existsSync(candidate) || !statSync(candidate).isFile()) return undefined;
  return candidate;
}

/** How long open HTTP requests may finish when the host shuts down. */
const CLOSE_GRACE_MS = 500;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<WebSocket>();
  let origin = '';

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveStatic(options.rendererDir, req.url ?? '/');
    const csp = contentSecurityPolicy({ bridgeOrigin: origin.replace(/^http/, 'ws') });
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders(csp) }).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      ...securityHeaders(csp),
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(BRIDGE_PROTOCOL) ? BRIDGE_PROTOCOL : false),
  });

  let closing = false;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closing) {
      socket.destroy();
      return;
    }
    const verdict = authorizeBridgeUpgrade(req, { origin, secret });
    if (!verdict.ok) {
      options.logger.warn({ status: verdict.status, reason: verdict.reason }, 'bridge connection refused');
      socket.end(`HTTP/1.1 ${verdict.status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          ws.close(1003, 'text frames only');
          return;
        }
        void handleMessage(ws, data.toString());
      });
    });
  });

  async function handleMessage(ws: WebSocket, text: string): Promise<void> {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      ws.send(JSON.stringify({ id: null, envelope: { ok: false, error: { code: 'bad-message', message: 'not JSON' } } }));
      return;
    }
    const { id, channel, args } = (message ?? {}) as { id?: unknown; channel?: unknown; args?: unknown };
    if (typeof id !== 'number' || typeof channel !== 'string') {
      ws.send(JSON.stringify({ id: null, envelope: { ok: false, error: { code: 'bad-message', message: 'expected {id, channel, args}' } } }));
      return;
    }
    const envelope = await options.dispatch(channel, args);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, envelope }));
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}/#bridge=${secret}`,
    origin,
    port,
    secret,
    broadcast(name, payload) {
      const checked = events[name].payload.parse(payload);
      const frame = JSON.stringify({ event: events[name].channel, payload: checked });
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
    },
    async close() {
      closing = true;
      for (const ws of sockets) ws.terminate();
      wss.close();
      const closed = new Promise<void>((done) => server.close(() => done()));
      // server.close() waits for every open connection, and a half-sent request (a page mid-load,
      // a reconnecting bridge) would hold it for Node's 60 s headers timeout. The kiosk is going
      // away: idle connections go now, the rest after a moment to finish what they are sending.
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(force);
    },
  };
}
